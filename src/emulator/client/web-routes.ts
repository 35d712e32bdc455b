/**
 * The CLOUD_API endpoint (`/web`), as far as GATEWAY mode still uses it: js-sdk 3.x posts
 * `auth.wsWebSign` there before it opens a realtime WebSocket (`database.watch()`), with the
 * access token in the body. The answer names the socket (`wsUrl`, this server's `/ws`) and a
 * sign the LOGIN message carries, valid for this user only (the URL carries it as well). Other actions are not served yet.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, reply } from './http';
import type { ClientRequestLog } from './request-log';
import { TokenError, type TokenSigner } from './tokens';

export const CLOUD_API_PATH = '/web';
export const REALTIME_PATH = '/ws';

export interface WebRouteOptions {
  signer: TokenSigner;
  log: ClientRequestLog;
  /** `http://127.0.0.1:<port>` */
  baseUrl: () => string;
}

export async function handleWeb(options: WebRouteOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  let body: Record<string, unknown>;
  try {
    body = await readJsonBody(request);
  } catch (e) {
    reply(request, response, 200, { code: 'INVALID_PARAM', message: (e as Error).message, requestId });
    return;
  }
  const action = typeof body.action === 'string' ? body.action : '';
  if (action !== 'auth.wsWebSign') {
    reply(request, response, 200, { code: 'NOT_AVAILABLE_LOCALLY', message: `"${action}" is not served by the local environment's ${CLOUD_API_PATH} endpoint (only auth.wsWebSign, for watch()).`, requestId });
    return;
  }
  const token = typeof body.access_token === 'string' && body.access_token !== '' ? body.access_token : undefined;
  try {
    const identity = token === undefined ? null : await options.signer.verify(token, 'access');
    const envId = typeof body.env === 'string' ? body.env : '';
    const signStr = await options.signer.issueWatchSign(identity);
    // The sign rides in the URL too, so that a socket is logged in from its first message (realtime.ts).
    const wsUrl = `${options.baseUrl().replace(/^http/, 'ws')}${REALTIME_PATH}?sign=${encodeURIComponent(signStr)}`;
    reply(request, response, 200, { data: { signStr, wsUrl, secretVersion: 1, envId }, requestId });
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    options.log.append({ time: Date.now(), requestId, operation: 'database.watch', decision: 'refused', message: `Refused auth.wsWebSign: ${e.message}` });
    reply(request, response, 200, { code: e.wireCode, message: e.message, requestId });
  }
}
