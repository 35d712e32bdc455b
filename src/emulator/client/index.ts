/**
 * The client side of the local environment: what @cloudbase/js-sdk 3.x sends in its GATEWAY mode
 * (sign-in under /auth/v1, the database under /v1/database), with the collections' security rules
 * enforced and every decision logged. Mounted by the environment's HTTP server beside /admin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../database/api';
import type { BrowserApi } from '../server/http-server';
import { AUTH_PREFIX, handleAuth } from './auth-routes';
import { DATABASE_PREFIX, databaseRoutes } from './database-routes';
import { answerPreflight, reply } from './http';
import type { ClientRequestLog } from './request-log';
import type { TokenSigner } from './tokens';

export { ClientRequestLog, type ClientRequestEntry } from './request-log';
export { TokenSigner, type ClientIdentity } from './tokens';

export interface ClientApiOptions {
  envId: string;
  database: Database;
  signer: TokenSigner;
  log: ClientRequestLog;
  onError?: (error: unknown) => void;
}

/** The GATEWAY endpoint's path; an app registers `//127.0.0.1:<port>/v1`. */
export const GATEWAY_PATH = '/v1';

export function clientApi(options: ClientApiOptions): BrowserApi {
  const database = databaseRoutes(options);
  return {
    matches: (pathname) => pathname.startsWith(AUTH_PREFIX) || pathname.startsWith(GATEWAY_PATH + '/'),
    async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
      if (request.method === 'OPTIONS') {
        request.resume();
        answerPreflight(request, response);
        return;
      }
      if (url.pathname.startsWith(AUTH_PREFIX)) return handleAuth(options, request, response, url.pathname);
      if (url.pathname.startsWith(DATABASE_PREFIX)) return database(request, response, url);
      request.resume();
      reply(request, response, 404, { code: 'NOT_AVAILABLE_LOCALLY', message: `${url.pathname} is not served by the local environment yet (sign-in and the database are).` });
    },
  };
}
