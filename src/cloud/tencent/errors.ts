/**
 * manager-node's failures as StudioErrors. Its CloudBaseError carries Tencent's `Error.Code` and
 * the RequestId; on network failures its `message` is node-fetch's error object, not a string.
 * Every message is scrubbed of the credentials before it leaves this module.
 */
import { StudioError, type ErrorCode } from '../../shared/errors';

interface CloudBaseErrorLike {
  code?: unknown;
  requestId?: unknown;
  message?: unknown;
  name?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT']);

export function isThrottling(code: string): boolean {
  return code.startsWith('RequestLimitExceeded');
}

function isMissingPermission(code: string): boolean {
  return code.startsWith('UnauthorizedOperation') || code === 'AuthFailure.UnauthorizedOperation' || code.startsWith('OperationDenied');
}

/** Removes every occurrence of the secrets (ids, keys and tokens alike) from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

function describe(message: unknown): { text: string; networkCode?: string; timedOut: boolean } {
  if (typeof message === 'string') return { text: message, timedOut: false };
  if (message && typeof message === 'object') {
    const m = message as { message?: unknown; code?: unknown; type?: unknown };
    return {
      text: typeof m.message === 'string' ? m.message : 'request failed',
      networkCode: typeof m.code === 'string' ? m.code : undefined,
      timedOut: m.type === 'request-timeout',
    };
  }
  return { text: String(message), timedOut: false };
}

/** `action` is the Cloud API action that failed, e.g. `QueryRecords`. */
export function toStudioError(e: unknown, action: string, secrets: readonly (string | undefined)[]): StudioError {
  if (e instanceof StudioError) return e;
  const err = (e ?? {}) as CloudBaseErrorLike;
  const code = typeof err.code === 'string' ? err.code : '';
  const requestId = typeof err.requestId === 'string' && err.requestId !== '' ? err.requestId : undefined;
  const { text, networkCode, timedOut } = describe(err.message);
  // The cause is a scrubbed copy: manager-node's error keeps the service's raw answer (`original`).
  const cause = Object.assign(new Error(redact(text, secrets)), { name: 'CloudBaseError', code: code || networkCode });
  const make = (studioCode: ErrorCode, message: string): StudioError =>
    new StudioError(studioCode, redact(message, secrets), { cause, requestId });

  if (timedOut) return make('Timeout', `Tencent Cloud did not answer ${action} in time.`);
  if (networkCode && NETWORK_CODES.has(networkCode)) return make('Network', `Could not reach Tencent Cloud for ${action} (${networkCode}).`);
  if (isMissingPermission(code)) return make('Unauthorized', `The key is not allowed to call tcb:${action} (${code}). Grant it in Tencent Cloud CAM.`);
  if (code.startsWith('AuthFailure')) return make('Unauthorized', `Tencent Cloud refused the credentials for ${action} (${code}): they are wrong or have expired.`);
  if (/missing secretId or secretKey|secretId and secretKey must be a pair/.test(text)) {
    return make('Unauthorized', `No usable Tencent Cloud credentials for ${action}.`);
  }
  // The two collection states the UI and copies act on get the codes the local environment gives them.
  if (code === 'ResourceNotFound.TableNotExist') return make('CollectionNotFound', `${action} failed (${code}): ${text.replace(/^\[[^\]]*\]\s*/, '')}`);
  if (code === 'ResourceInUse.TableExist') return make('CollectionExists', `${action} failed (${code}): ${text.replace(/^\[[^\]]*\]\s*/, '')}`);
  if (isThrottling(code)) return make('Throttled', `Tencent Cloud throttled ${action} (${code}); try again shortly.`);
  if (code === '' && err.name === 'CloudBaseError' && !networkCode && text.trimStart().startsWith('<')) {
    return make('ServiceError', `Tencent Cloud answered ${action} with something that is not JSON.`);
  }
  const detail = text.replace(/^\[[^\]]*\]\s*/, '');
  return make('ServiceError', `${action} failed${code ? ` (${code})` : ''}: ${detail}`);
}
