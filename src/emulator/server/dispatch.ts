/**
 * Routes one /admin request to its service by the action's prefix (`database.`, `functions.`,
 * later `storage.`) and turns every failure into the cloud's error reply; nothing escapes.
 */
import { StudioError, isStudioError } from '../../shared/errors';
import { BinaryReply, TopLevelReply, type ActionContext, type AdminReply, type AdminRequest, type ServiceActions, type ServiceTable, type WireErrorCode } from './protocol';
import { isPlainObject } from './wire-values';
import { toWireError } from './wire-errors';

function requestOf(body: unknown): AdminRequest {
  if (!isPlainObject(body)) throw new StudioError('InvalidArgument', 'The request body must be a JSON object.');
  if (typeof body.action !== 'string' || body.action === '') throw new StudioError('InvalidArgument', 'The request names no "action".');
  return body as AdminRequest;
}

/** `onInternalError` hears about failures that are defects rather than bad requests. */
export async function dispatchAdmin(
  services: ServiceTable,
  body: unknown,
  context: ActionContext,
  onInternalError?: (error: unknown) => void,
): Promise<AdminReply | BinaryReply> {
  let fallback: WireErrorCode = 'SYS_ERR';
  let codes: ServiceActions['codes'];
  try {
    const request = requestOf(body);
    const prefix = request.action.split('.')[0];
    const service = Object.hasOwn(services, prefix) ? services[prefix] : undefined;
    const handler = service && Object.hasOwn(service.actions, request.action) ? service.actions[request.action] : undefined;
    if (!service || !handler) throw new StudioError('UnknownAction', `Unknown action "${request.action}".`);
    fallback = service.fallbackCode;
    codes = service.codes;
    const data: unknown = await handler(request, context);
    if (data instanceof BinaryReply) return data;
    if (data instanceof TopLevelReply) return { ...data.fields, requestId: context.requestId };
    return { requestId: context.requestId, data: data ?? {} };
  } catch (e) {
    if (!isStudioError(e)) onInternalError?.(e);
    const { code, message } = toWireError(e, fallback, codes);
    return { requestId: context.requestId, code, message };
  }
}
