/**
 * Messages between the runtime and a function host process (Node IPC, JSON). One invocation at a
 * time per process: the runtime sends `invoke` only after the previous `done`.
 */
import type { ErrorCode } from '../../../shared/errors';
import type { JsonValue, LogLevel } from '../../../shared/model';
import type { EnvPatch } from '../identity';

/** Passed as the host's only argument (JSON), so none of it shows in the function's process.env. */
export interface HostConfig {
  functionName: string;
  /** Absolute path of the handler's module. */
  moduleFile: string;
  exportName: string;
  /** The handler setting as written (`index.main`), for messages. */
  handler: string;
  memoryLimitMB: number;
  /** Console output sent per invocation (in characters); the rest is dropped. */
  outputCapBytes: number;
  /** A single console line longer than this (in characters) is cut. */
  lineCapBytes: number;
  /** A return value whose JSON is larger (UTF-8 bytes) fails the invocation and is never sent. */
  resultLimitBytes: number;
  /** The local /admin, where requests for the cloud's in-SCF endpoints are sent (see cloud-endpoints.ts). */
  adminUrl: string;
}

/** SCF's handler context, minus the functions it cannot carry over IPC. */
export interface InvocationContext {
  request_id: string;
  function_name: string;
  function_version: string;
  namespace: string;
  memory_limit_in_mb: number;
  time_limit_in_ms: number;
  tencentcloud_region: string;
  /** JSON of the per-invocation context variables, as node-sdk's parseContext reads it. */
  environment: string;
  /** The same as `k=v;k=v`, for older SDKs. */
  environ: string;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: JsonValue;
  context: InvocationContext;
  env: EnvPatch;
}

export type ParentMessage = InvokeMessage;

export interface HostError {
  code: ErrorCode;
  message: string;
  stack?: string;
}

export type HostMessage =
  /** The handler's module was loaded (or failed to: every invocation then reports `loadError`). */
  | { type: 'ready'; loadError?: HostError }
  /** Console output; `requestId` is absent for output before the first invocation. */
  | { type: 'log'; requestId?: string; level: LogLevel; message: string; time: number }
  /** `recycle`: the process's state is suspect (an uncaught exception) and it should be replaced. */
  | { type: 'done'; requestId: string; resultJson?: string; error?: HostError; rssBytes: number; recycle?: boolean }
  /** The resident set grew past the memory limit during the invocation. */
  | { type: 'memory'; requestId: string; rssBytes: number }
  /** The function called process.exit; sent just before the process ends. */
  | { type: 'exiting'; requestId?: string; exitCode: number; stack?: string };
