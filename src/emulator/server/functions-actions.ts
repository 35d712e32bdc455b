/**
 * The `functions.*` actions of /admin: `functions.invokeFunction`, which node-sdk's callFunction
 * (and so wx-server-sdk's `cloud.callFunction`) sends as `{ function_name, request_data }` with the
 * event as a JSON string, answered with `{ response_data }`, the return value as a JSON string.
 *
 * The caller is passed on as in the cloud: a function's SDK sends its WX_API_TOKEN as
 * `wxCloudApiToken` (locally the caller's identity, see callerToken) and its source in
 * `X-TCB-Source` (`wx_client,scf`), so the called function's getWXContext() sees the same user
 * with the source chain. Callers without a token (an SDK outside a function) are the default user.
 */
import { StudioError } from '../../shared/errors';
import type { ErrorCode } from '../../shared/errors';
import type { InvokeOutcome, InvokeOptions } from '../functions/runtime';
import { identityFromCallerToken, type SimulatedIdentity } from '../functions/identity';
import type { ActionContext, AdminRequest, ServiceActions, WireErrorCode } from './protocol';
import { requiredString } from './params';
import { checkJsonDepth, checkTree } from '../database/guards';
import { MAX_PAYLOAD_BYTES } from '../functions/payload';

/** What the actions need from the function runtime. */
export interface FunctionInvoker {
  invoke(name: string, event: unknown, options: InvokeOptions): Promise<InvokeOutcome>;
}

/** Checked on the text, before parsing: an event over SCF's limit is never parsed, a deep one never recursed over. */
function checkEventText(raw: string): void {
  // A UTF-8 byte is at least one UTF-16 unit and at most three, so the byte count is only measured near the limit.
  if (raw.length > MAX_PAYLOAD_BYTES || (raw.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(raw) > MAX_PAYLOAD_BYTES)) {
    throw new StudioError('InvalidArgument', `RequestTooLarge: the event (request_data) exceeds the ${MAX_PAYLOAD_BYTES / 1048576} MB limit of a synchronous invocation.`);
  }
  checkJsonDepth(raw, 'request_data');
}

function eventOf(params: AdminRequest): unknown {
  const raw = params.request_data;
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string') {
    checkTree(raw, { what: 'request_data', kind: 'data', code: 'InvalidArgument', checkKeys: false });
    return raw;
  }
  checkEventText(raw);
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw new StudioError('InvalidArgument', `Parameter "request_data" is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

function header(context: ActionContext, name: string): string | undefined {
  const value = context.headers?.[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/** The identity the called function sees; undefined leaves the runtime's default user. */
export function callerIdentity(params: AdminRequest, context: ActionContext): Partial<SimulatedIdentity> | undefined {
  const caller = identityFromCallerToken(params.wxCloudApiToken);
  if (!caller) return undefined;
  // `X-TCB-Source` is the caller's own source plus where it runs (`wx_client,scf`), as in the cloud.
  const source = header(context, 'x-tcb-source');
  return source && !source.startsWith(',') ? { ...caller, source } : caller;
}

/** The function's failure as the cloud reports it: the message, then the stack when it adds anything. */
function failureMessage(error: NonNullable<InvokeOutcome['error']>): string {
  if (!error.stack) return error.message;
  return error.stack.includes(error.message) ? error.stack : `${error.message}\n${error.stack}`;
}

async function invokeFunction(invoker: FunctionInvoker, params: AdminRequest, context: ActionContext): Promise<{ response_data: string }> {
  const name = requiredString(params, 'function_name');
  const event = eventOf(params);
  const identity = callerIdentity(params, context);
  const outcome = await invoker.invoke(name, event, { identity, serverCaller: identity === undefined });
  context.requestId = outcome.requestId;
  if (outcome.error) throw new StudioError(outcome.error.code, failureMessage(outcome.error), { requestId: outcome.requestId });
  // A function that returns nothing answers `null`, which the SDKs parse back to null.
  return { response_data: JSON.stringify(outcome.result ?? null) };
}

/** Whatever went wrong inside the function is FUNCTIONS_EXECUTE_FAIL (-504002 in wx-server-sdk), timeouts included. */
const EXECUTION_FAILURES: ErrorCode[] = ['Timeout', 'MemoryLimitExceeded', 'FunctionError', 'FunctionCrashed', 'HandlerNotFound', 'FunctionLoadFailed', 'DependenciesMissing'];

/** The cloud's codes for an invocation's failures; the client's callFunction answers with them too. */
export const FUNCTION_ERROR_CODES: Partial<Record<ErrorCode, WireErrorCode>> = {
  ...Object.fromEntries(EXECUTION_FAILURES.map((code) => [code, 'FUNCTIONS_EXECUTE_FAIL'])),
  FunctionNotFound: 'FUNCTION_NOT_FOUND',
};

export function functionsActions(invoker: FunctionInvoker): ServiceActions {
  return {
    fallbackCode: 'FUNCTIONS_REQUEST_FAIL',
    codes: FUNCTION_ERROR_CODES,
    actions: {
      'functions.invokeFunction': (params, context) => invokeFunction(invoker, params, context),
    },
  };
}
