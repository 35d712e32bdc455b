/**
 * What the editor and a project's environment process say to each other, beside /admin:
 * - `POST /studio/rpc` `{method, params}` → `{result}` or `{error: {code, message}}`; `method` is
 *   one of the backend contract's calls (`database.queryDocuments`, …) run by LocalBackend inside
 *   the process. Closing the request cancels the call.
 * - `GET /studio/events`: Server-Sent Events (`log`, `functions`, `database`, `wechat`). While a window
 *   holds this stream open it counts as attached; the process started by a window stops a short
 *   while after the last one left.
 * Both need the environment's token in TOKEN_HEADER. Light: the extension bundles this.
 */
export const RPC_PATH = '/studio/rpc';
export const EVENTS_PATH = '/studio/events';
export const TOKEN_HEADER = 'x-cloudbase-studio-token';

export interface RpcRequest {
  method: string;
  params: unknown[];
}

export type RpcReply = { result: unknown } | { error: { code: string; message: string } };

/** Binary values cross as base64 inside JSON. */
export interface EncodedBytes {
  base64: string;
}

export interface EnvironmentDescription {
  envId: string;
  url: string;
  adminUrl: string;
  dataDir: string;
  pid: number;
  manual: boolean;
  projectRoot: string;
}

export type StudioEventName = 'log' | 'functions' | 'database' | 'wechat';
