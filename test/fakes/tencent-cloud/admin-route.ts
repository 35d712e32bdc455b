/**
 * manager-node's `/admin` requests (`POST https://<env>.<region>.tcb-api.tencentcloudapi.com/admin`):
 * the body names the action and the environment (`envName`) and carries a COS-style sha1
 * `authorization` over the other body fields and the signed headers. Answers are `{requestId, data}`
 * or `{requestId, code, message}`, HTTP 200 either way. The storage actions are the local
 * environment's own (the ones node-sdk uses), run on the fake environment's engine.
 *
 * The real service's error codes for refused signatures and throttling were never recorded, so
 * the fake uses the Cloud API's names for them (AuthFailure.*, RequestLimitExceeded).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStudioError, messageOf } from '../../../src/shared/errors';
import { storageActions } from '../../../src/emulator/server/storage-actions';
import { swapFileIds } from './actions/storage';
import { cosSignature, keyTimeValid, parseCosAuthorization } from './cos-signature';
import { answerFault, readBody, send, type RecordedRequest, type RouteContext } from './routes';

class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function checkAuthorization(ctx: RouteContext, req: IncomingMessage, body: Record<string, unknown>): void {
  const auth = parseCosAuthorization(typeof body.authorization === 'string' ? body.authorization : undefined);
  if (!auth) throw new AdminError('AuthFailure.InvalidAuthorization', 'The authorization is missing or malformed.');
  if (auth.secretId !== ctx.credentials.secretId) throw new AdminError('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
  if (!keyTimeValid(auth.keyTime)) throw new AdminError('AuthFailure.SignatureExpire', 'The signature has expired.');
  const signed = new Map<string, unknown>();
  for (const [k, v] of Object.entries(body)) if (k !== 'authorization' && k !== 'sessionToken') signed.set(k.toLowerCase(), v);
  const expected = cosSignature({
    secretKey: ctx.credentials.secretKey,
    keyTime: auth.keyTime,
    method: 'POST',
    pathname: '/admin',
    params: {
      names: auth.paramList,
      valueOf: (n) => {
        const v = signed.get(n);
        return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      },
    },
    headers: { names: auth.headerList, valueOf: (n) => String(req.headers[n] ?? '') },
  });
  const covered = [...signed.keys()].every((k) => auth.paramList.includes(k));
  if (expected !== auth.signature || !covered) throw new AdminError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
  if (ctx.credentials.token !== undefined && body.sessionToken !== ctx.credentials.token) {
    throw new AdminError('AuthFailure.TokenFailure', 'The token is invalid or has expired.');
  }
}

export async function handleAdmin(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const raw = (await readBody(req)).toString('utf8');
  const fail = (code: string, message: string, status = 200): void => send(res, status, JSON.stringify({ requestId, code, message }));
  const record: RecordedRequest = { action: '', protocol: 'admin', requestId, at: Date.now(), params: {}, headers: req.headers };
  ctx.record(record);
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw === '' ? '{}' : raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AdminError('INVALID_PARAM', 'The body must be a JSON object.');
    body = parsed as Record<string, unknown>;
    record.action = String(body.action ?? '');
    record.params = body;
    checkAuthorization(ctx, req, body);
  } catch (e) {
    record.refused = e instanceof AdminError ? e.code : 'INVALID_PARAM';
    return fail(record.refused, messageOf(e));
  }

  const fault = await ctx.fault(record.action, res);
  if (res.destroyed) return;
  if (answerFault(fault, res, fail)) return;

  const env = ctx.environments.find((e) => e.envId === body.envName);
  if (!env) return fail('INVALID_ENV', `Environment ${String(body.envName)} was not found.`);
  const service = storageActions(env.local.storage);
  const handler = service.actions[record.action];
  if (!handler) return fail('INVALID_ACTION', `The action ${record.action} is not supported.`);
  try {
    // The engine knows its file IDs by the local bucket's name, the client by the cloud one's.
    const params = JSON.parse(swapFileIds(JSON.stringify(body), env.envId, true)) as Record<string, unknown>;
    const data = await handler({ ...params, action: record.action }, { requestId, now: new Date(), envId: env.envId, headers: req.headers });
    send(res, 200, swapFileIds(JSON.stringify({ requestId, data }), env.envId, false));
  } catch (e) {
    fail(isStudioError(e, 'InvalidArgument') || isStudioError(e, 'InvalidPath') ? 'INVALID_PARAM' : service.fallbackCode, messageOf(e));
  }
}
