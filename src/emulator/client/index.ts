/**
 * The client side of the local environment: what @cloudbase/js-sdk 3.x sends in its GATEWAY mode
 * (sign-in under /auth/v1, the database under /v1/database, callFunction under /v1/functions,
 * storage under /v1/storages), and `watch()` (its sign from the CLOUD_API endpoint `/web`, then the
 * realtime WebSocket `/ws`), with the security rules enforced and every decision logged.
 * Mounted by the environment's HTTP server beside /admin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../database/api';
import type { DocumentWriteListener } from '../process/write-events';
import type { FunctionInvoker } from '../server/functions-actions';
import type { BrowserApi } from '../server/http-server';
import type { LocalStorage } from '../storage/index';
import { AUTH_PREFIX, handleAuth } from './auth-routes';
import { DATABASE_PREFIX, databaseRoutes } from './database-routes';
import { FUNCTIONS_PREFIX, handleFunction } from './function-routes';
import { answerPreflight, reply } from './http';
import type { ClientRequestLog } from './request-log';
import { realtimeServer } from './realtime';
import { STORAGE_PREFIX, storageRoutes } from './storage-routes';
import type { FileOwners, StorageRuleStore } from './storage-rules';
import type { TokenSigner } from './tokens';
import type { ClientUsers } from './users';
import { WatchHub } from './watch-hub';
import { CLOUD_API_PATH, REALTIME_PATH, handleWeb } from './web-routes';

export { ClientRequestLog, type ClientRequestEntry } from './request-log';
export { TokenSigner, type ClientIdentity } from './tokens';
export { FileOwners, StorageRuleStore, STORAGE_ACLS, type StorageAcl } from './storage-rules';
export { ClientUsers, type ClientUser } from './users';

export interface ClientApiOptions {
  envId: string;
  database: Database;
  functions: FunctionInvoker;
  storage: LocalStorage;
  storageRule: StorageRuleStore;
  fileOwners: FileOwners;
  users: ClientUsers;
  signer: TokenSigner;
  log: ClientRequestLog;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl: () => string;
  /** Every document write, whoever made it (`observeWrites`), for realtime watches. */
  documentWrites: (listener: DocumentWriteListener) => () => void;
  onError?: (error: unknown) => void;
}

/** The GATEWAY endpoint's path; an app registers `//127.0.0.1:<port>/v1`. */
export const GATEWAY_PATH = '/v1';

export function clientApi(options: ClientApiOptions): BrowserApi {
  const database = databaseRoutes(options);
  const storage = storageRoutes({ ...options, rule: options.storageRule, owners: options.fileOwners });
  const hub = new WatchHub(options.database, options.documentWrites, options.onError);
  const realtime = realtimeServer({ ...options, hub });
  return {
    // js-sdk only POSTs to the CLOUD_API endpoint; other methods on `/web` stay HTTP access's.
    matches: (pathname, method) => pathname.startsWith(AUTH_PREFIX) || pathname.startsWith(GATEWAY_PATH + '/') || (pathname === CLOUD_API_PATH && (method === 'POST' || method === 'OPTIONS')),
    upgrade(request, socket, head, url) {
      if (url.pathname !== REALTIME_PATH) return false;
      realtime.handleUpgrade(request, socket, head);
      return true;
    },
    close() {
      realtime.close();
      hub.dispose();
    },
    async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
      if (request.method === 'OPTIONS') {
        request.resume();
        answerPreflight(request, response);
        return;
      }
      if (url.pathname.startsWith(AUTH_PREFIX)) return handleAuth(options, request, response, url.pathname);
      if (url.pathname.startsWith(DATABASE_PREFIX)) return database(request, response, url);
      if (url.pathname.startsWith(FUNCTIONS_PREFIX)) return handleFunction(options, request, response, url);
      if (url.pathname.startsWith(STORAGE_PREFIX)) return storage(request, response, url);
      if (url.pathname === CLOUD_API_PATH) return handleWeb(options, request, response);
      request.resume();
      reply(request, response, 404, { code: 'NOT_AVAILABLE_LOCALLY', message: `${url.pathname} is not served by the local environment yet (sign-in, the database, functions and storage are).` });
    },
  };
}
