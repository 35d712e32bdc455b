/**
 * The CloudBase server SDK protocol as @cloudbase/node-sdk and wx-server-sdk speak it:
 * `POST /admin` with a JSON body naming an `action`; the reply is `{ requestId, data }` or, on
 * failure, HTTP 200 with `{ requestId, code, message }` (the SDKs read the code, not the status).
 */

import type { ErrorCode } from '../../shared/errors';

/** The fields every request carries next to the action's own parameters. */
export interface AdminRequest {
  action: string;
  envName?: string;
  [param: string]: unknown;
}

export interface AdminSuccess {
  requestId: string;
  data?: unknown;
  [field: string]: unknown;
}

export interface AdminFailure {
  requestId: string;
  code: WireErrorCode;
  message: string;
}

export type AdminReply = AdminSuccess | AdminFailure;

/**
 * Error codes the cloud returns. wx-server-sdk turns the known ones into numeric `errCode`s
 * (DATABASE_COLLECTION_NOT_EXIST → -502005, INVALID_PARAM → -501007, …) and anything else into
 * SYS_ERR (-501001), so local failures must use these names to look the same as in the cloud.
 */
export type WireErrorCode =
  | 'SYS_ERR'
  | 'SERVER_TIMEOUT'
  | 'INVALID_PARAM'
  | 'INVALID_ACTION'
  | 'DATABASE_REQUEST_FAILED'
  | 'DATABASE_INVALID_OPERRATOR'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'STORAGE_REQUEST_FAIL'
  | 'STORAGE_FILE_NONEXIST'
  | 'FUNCTIONS_REQUEST_FAIL'
  | 'FUNCTIONS_EXECUTE_FAIL'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'FUNCTION_NOT_FOUND'
  | 'STORAGE_FILE_EXIST'
  | 'NOT_AVAILABLE_LOCALLY'
  // client requests (js-sdk): a security rule said no, or the sign-in token is refused
  | 'DATABASE_PERMISSION_DENIED'
  | 'INVALID_ACCESS_TOKEN'
  | 'ACCESS_TOKEN_EXPIRED';

/** What a handler knows about the request it serves. */
export interface ActionContext {
  /** The reply's request ID. A handler that runs work under its own ID (a function invocation) sets it, so the reply names that work. */
  requestId: string;
  /** One instant per request, so every `db.serverDate()` in a write gets the same time. */
  now: Date;
  envId: string;
  /** The request's HTTP headers (lower-case names), e.g. `x-tcb-source`. */
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * A few actions (the transaction ones) answer with fields beside `requestId` instead of in `data`:
 * a handler returns them wrapped in this.
 */
export class TopLevelReply {
  constructor(readonly fields: Record<string, unknown>) {}
}

/**
 * WeChat open API calls (`wx.openApi`) are answered with bytes (a protobuf the SDK decodes), not
 * JSON: a handler returns them wrapped in this and /admin sends them as they are.
 */
export class BinaryReply {
  constructor(
    readonly body: Buffer,
    readonly contentType = 'application/octet-stream',
  ) {}
}

/** Returns the reply's `data` (or a TopLevelReply or BinaryReply); throws StudioError for failures. */
export type ActionHandler = (params: AdminRequest, context: ActionContext) => unknown;

/** One service's actions, by full action name (`database.getDocument`). */
export interface ServiceActions {
  /** The code for failures that have no more specific one in this service. */
  fallbackCode: WireErrorCode;
  /** This service's own codes for some StudioError codes, ahead of the shared table. */
  codes?: Partial<Record<ErrorCode, WireErrorCode>>;
  actions: Record<string, ActionHandler>;
}

/** Services by action prefix: `database`, and later `storage` and `functions`. */
export type ServiceTable = Record<string, ServiceActions>;
