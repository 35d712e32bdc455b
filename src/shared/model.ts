/** Plain data shared by every layer. Everything here is JSON-serialisable so it can cross into webviews. */
import type { TriggerInfo } from './triggers';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One page of results. `nextCursor` is opaque to callers; absent when there is nothing more. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export type EnvironmentKind = 'local' | 'tencent';

export interface EnvironmentInfo {
  /** Unique across kinds and accounts: tree ids and panel keys are built from it. */
  key: string;
  kind: EnvironmentKind;
  /** The CloudBase environment id (for local environments, the emulator's id). */
  envId: string;
  label: string;
  region?: string;
  /** Local environments: the project folder they belong to. */
  projectRoot?: string;
}

export interface CollectionInfo {
  name: string;
  count: number;
  sizeBytes?: number;
  indexCount?: number;
}

/**
 * A document as Extended JSON (relaxed): dates are `{ "$date": "<ISO>" }`, other BSON-like values
 * keep their `$`-tagged form, so documents survive the trip through webviews and text editors.
 */
export type DocumentJson = JsonObject & { _id: string };

export type SortDirection = 1 | -1;

export interface SortKey {
  field: string;
  direction: SortDirection;
}

export interface DocumentQuery {
  /** A CloudBase / MongoDB filter, in Extended JSON. */
  filter?: JsonObject;
  sort?: SortKey[];
  /** Inclusion (1) or exclusion (0) projection; `_id` is always returned. */
  projection?: Record<string, 0 | 1>;
}

export interface IndexKey {
  field: string;
  direction: SortDirection;
}

export interface IndexSpec {
  name?: string;
  keys: IndexKey[];
  unique?: boolean;
}

export interface IndexInfo {
  name: string;
  keys: IndexKey[];
  unique: boolean;
}

/**
 * A collection's security rule. The four presets are CloudBase's: READONLY (everyone reads, only
 * the creator writes), PRIVATE (only the creator reads and writes), ADMINWRITE (everyone reads,
 * nobody writes from clients), ADMINONLY (no client reads or writes); CUSTOM carries a rule.
 */
export type PermissionAcl = 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY' | 'CUSTOM';

export interface CollectionPermission {
  acl: PermissionAcl;
  /** CUSTOM only: the security rule, e.g. `{ "read": true, "write": "doc._openid == auth.openid" }`. */
  rule?: JsonObject;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upsertedId?: string;
}

export interface StorageEntry {
  kind: 'file' | 'folder';
  /** Path inside the bucket, `/`-separated, folders end with `/`. */
  path: string;
  name: string;
  size?: number;
  modified?: string;
  contentType?: string;
  fileId?: string;
}

export interface FunctionInfo {
  name: string;
  runtime?: string;
  timeoutSeconds?: number;
  memoryMB?: number;
  handler?: string;
  status?: string;
  /** Local environments: the function's folder. */
  folder?: string;
  /** Settings that were present but unusable (and so fell back to defaults). */
  warnings?: string[];
  /** Local environments: the triggers in the function's settings, each checked (see shared/triggers). */
  triggers?: TriggerInfo[];
}

export interface InvokeResult {
  requestId: string;
  /** The function's return value, as JSON. */
  result?: JsonValue;
  /** `code` is an ErrorCode (e.g. 'Timeout', 'DependenciesMissing') so the UI can offer the matching action. */
  error?: { message: string; stack?: string; code?: string };
  durationMs: number;
  memoryMB?: number;
  logs: LogEntry[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Milliseconds since the epoch. */
  time: number;
  level: LogLevel;
  functionName: string;
  requestId: string;
  message: string;
  kind?: 'start' | 'end' | 'log';
  durationMs?: number;
  memoryMB?: number;
  /** End entries: the invocation's return value as JSON text, possibly cut (an error is in `message`). */
  result?: string;
}

/** Which kept log entries a query asks for. */
export interface LogQuery {
  functionName?: string;
  requestId?: string;
  /** Inclusive bounds, milliseconds since the epoch. */
  since?: number;
  until?: number;
  /** The most recent `limit` matching entries (default: all kept). */
  limit?: number;
}
