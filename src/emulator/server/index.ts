/** The local environment's HTTP side: the /admin protocol and its services. */
export { adminRoute, ADMIN_PATH } from './admin-route';
export { databaseActions } from './database-actions';
export { dispatchAdmin } from './dispatch';
export { functionsActions, type FunctionInvoker } from './functions-actions';
export { storageActions, storageRoutes } from './storage-actions';
export { platformServices, PLATFORM_ACTIONS } from './platform-actions';
export { LOCAL_HOST, startHttpServer, type HttpRoute, type HttpServerHandle } from './http-server';
export type { ActionContext, ActionHandler, AdminFailure, AdminReply, AdminRequest, AdminSuccess, ServiceActions, ServiceTable, WireErrorCode } from './protocol';
