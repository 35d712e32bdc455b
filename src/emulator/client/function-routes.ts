/**
 * `app.callFunction({ name, data })` in js-sdk 3.x's GATEWAY mode: `POST /v1/functions/{name}`
 * with the event as the JSON body, answered with the function's return value as the body (the SDK
 * hands it back as `result`), a failure as `{ code, message, requestId }`. The function runs in
 * the same runtime /admin invokes, and its `cloud.getWXContext()` / node-sdk `getUserInfo()` see
 * the signed-in client user (see clientCaller). The cloud's default function rule, `invoke: auth
 * != null`, is enforced: a signed-out client is denied, and every decision is logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StudioError } from '../../shared/errors';
import type { SimulatedIdentity } from '../functions/identity';
import { FUNCTION_ERROR_CODES, type FunctionInvoker } from '../server/functions-actions';
import { toWireError } from '../server/wire-errors';
import { identify, readJsonValue, reply } from './http';
import type { ClientRequestLog } from './request-log';
import { TokenError, type ClientIdentity, type TokenSigner } from './tokens';

export const FUNCTIONS_PREFIX = '/v1/functions/';

/** CloudBase's default function security rule; custom function rules are not read locally. */
const DEFAULT_RULE = 'default function rule (invoke: auth != null)';

export interface FunctionRouteOptions {
  functions: FunctionInvoker;
  signer: TokenSigner;
  log: ClientRequestLog;
  onError?: (error: unknown) => void;
}

/**
 * Who the function sees for a web client: no WeChat app, the user's uid, and as OPENID the same
 * id the user's database documents get in `_openid` (its uid), so `where({ _openid: OPENID })` in
 * a function finds what the user wrote. SOURCE is `web`, as for calls from a web page.
 */
export function clientCaller(identity: ClientIdentity, request: IncomingMessage): Partial<SimulatedIdentity> {
  return {
    openId: identity.openid,
    appId: '',
    unionId: '',
    uid: identity.uid,
    customUserId: '',
    isAnonymous: identity.loginType === 'ANONYMOUS',
    source: 'web',
    clientIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
  };
}

export async function handleFunction(options: FunctionRouteOptions, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  let requestId: string = randomUUID();
  const operation = 'functions.call';
  let name = '';
  let identity: ClientIdentity | null = null;
  const entry = { operation, rule: DEFAULT_RULE };
  try {
    try {
      name = decodeURIComponent(url.pathname.slice(FUNCTIONS_PREFIX.length));
    } catch {
      throw new StudioError('InvalidArgument', `The function name in ${url.pathname} is not valid URL encoding.`);
    }
    if (request.method !== 'POST') {
      request.resume();
      throw new StudioError('UnknownAction', `${request.method} ${url.pathname}: functions are called with POST.`);
    }
    identity = await identify(request, options.signer);
    if (!identity) {
      request.resume();
      const message = `Permission denied: calling "${name}" for a signed-out client by ${DEFAULT_RULE}; failed: auth != null (no user is signed in). Nothing was run.`;
      options.log.append({ ...entry, time: Date.now(), requestId, target: name, decision: 'denied', failed: ['auth != null'], message });
      reply(request, response, 403, { code: 'PERMISSION_DENIED', message, requestId });
      return;
    }
    const event = (await readJsonValue(request)) ?? {};
    if (name === '' || name.includes('/')) throw new StudioError('FunctionNotFound', `There is no function "${name}".`);
    const outcome = await options.functions.invoke(name, event, { identity: clientCaller(identity, request) });
    requestId = outcome.requestId;
    if (outcome.error) throw new StudioError(outcome.error.code, outcome.error.message);
    options.log.append({ ...entry, time: Date.now(), requestId, target: name, uid: identity.uid, decision: 'allowed', message: `Allowed calling "${name}" for user ${identity.uid} by ${DEFAULT_RULE}.` });
    reply(request, response, 200, outcome.result ?? null);
  } catch (e) {
    if (e instanceof TokenError) {
      const message = `${e.message} Nothing was run.`;
      options.log.append({ ...entry, time: Date.now(), requestId, target: name, decision: 'refused', message: `Refused calling "${name}": ${message}` });
      reply(request, response, 401, { code: e.wireCode, message, requestId });
      return;
    }
    if (!(e instanceof StudioError)) options.onError?.(e);
    const { code, message } = toWireError(e, 'FUNCTIONS_REQUEST_FAIL', FUNCTION_ERROR_CODES);
    options.log.append({ ...entry, time: Date.now(), requestId, target: name, uid: identity?.uid, decision: 'failed', message: `Failed calling "${name}": ${code} ${message}` });
    const status = code === 'FUNCTION_NOT_FOUND' ? 404 : code === 'FUNCTIONS_EXECUTE_FAIL' ? 500 : 400;
    reply(request, response, status, { code, message, requestId });
  }
}
