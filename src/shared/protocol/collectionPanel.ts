/**
 * Messages between the collection panel's page and its host, and the checks the host runs on
 * everything the page sends (a webview is another process; nothing it says is trusted unchecked).
 * The page keeps the query and its stack of page cursors, so paging and a restored panel need no
 * host state: every request carries what it needs.
 */
import type { DocumentJson, JsonObject, JsonValue, SortKey } from '../model';

export const COLLECTION_PANEL_VIEW_TYPE = 'cloudbase.collection';

export interface CollectionPanelTarget {
  envKey: string;
  envLabel: string;
  collection: string;
}

/** The query as the user typed it (kept verbatim so a restored panel shows the same text). */
export interface QueryText {
  filter: string;
  sort: string;
  projection: string;
  limit: number;
}

/** What VS Code keeps for the page across hide, move and reload. */
export interface CollectionPanelState {
  target: CollectionPanelTarget;
  query: QueryText;
  /** cursors[i] fetches page i (cursors[0] is undefined: the first page). */
  cursors: (string | null)[];
  pageIndex: number;
  expanded: string[];
}

export interface RunQuery {
  filter: JsonObject;
  sort: SortKey[];
  projection?: Record<string, 0 | 1>;
  limit: number;
}

export type CollectionPageMessage =
  | { type: 'ready' }
  | { type: 'query'; requestId: number; query: RunQuery; cursor?: string; count: boolean }
  | { type: 'editField'; requestId: number; asRead: DocumentJson; path: string; value: JsonValue; force: boolean }
  | { type: 'compareField'; asRead: DocumentJson; path: string; value: JsonValue }
  | { type: 'editJson'; id: string }
  | { type: 'insert'; template?: DocumentJson }
  | { type: 'delete'; ids: string[] }
  /** `query`: Export writes the documents of the query shown (all of them, not only the page). */
  | { type: 'command'; command: PanelCommand; query?: RunQuery }
  | { type: 'pageError'; message: string };

export type PanelCommand = 'deleteByQuery' | 'import' | 'export' | 'indexes' | 'permission';
export const PANEL_COMMANDS: readonly PanelCommand[] = ['deleteByQuery', 'import', 'export', 'indexes', 'permission'];

export type CollectionHostMessage =
  | { type: 'init'; target: CollectionPanelTarget; strings: Record<string, string>; pageSizes: number[] }
  /** `counting`: a `total` message for the same request follows once the count is known. */
  | { type: 'page'; requestId: number; documents: DocumentJson[]; nextCursor?: string; counting: boolean; elapsedMs: number }
  | { type: 'total'; requestId: number; total?: number; error?: string }
  | { type: 'queryError'; requestId: number; message: string }
  | { type: 'saved'; requestId: number; document: DocumentJson }
  | { type: 'conflict'; requestId: number; stored?: DocumentJson }
  | { type: 'editError'; requestId: number; message: string }
  /** Documents changed through the host (insert, delete, import): the page reloads its current page. */
  | { type: 'changed' };

export const MAX_LIMIT = 1000;

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1024;
const isRequestId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1024;

function isJsonValue(v: unknown, depth = 0): v is JsonValue {
  if (depth > 100) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  return isDict(v) && Object.values(v).every((x) => isJsonValue(x, depth + 1));
}

const isDocument = (v: unknown): v is DocumentJson => isDict(v) && isId(v._id) && isJsonValue(v);

function isRunQuery(v: unknown): v is RunQuery {
  if (!isDict(v) || !isDict(v.filter) || !isJsonValue(v.filter) || !Array.isArray(v.sort)) return false;
  if (!Number.isInteger(v.limit) || (v.limit as number) < 1 || (v.limit as number) > MAX_LIMIT) return false;
  if (!v.sort.every((k) => isDict(k) && isPath(k.field) && (k.direction === 1 || k.direction === -1))) return false;
  return v.projection === undefined || (isDict(v.projection) && Object.values(v.projection).every((x) => x === 0 || x === 1));
}

/** True when `v` is a message the page may send, with every field of the right shape. */
export function isCollectionPageMessage(v: unknown): v is CollectionPageMessage {
  if (!isDict(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'query':
      return isRequestId(v.requestId) && isRunQuery(v.query) && (v.cursor === undefined || (typeof v.cursor === 'string' && v.cursor.length <= 4096)) && typeof v.count === 'boolean';
    case 'editField':
      return isRequestId(v.requestId) && isDocument(v.asRead) && isPath(v.path) && isJsonValue(v.value) && typeof v.force === 'boolean';
    case 'compareField':
      return isDocument(v.asRead) && isPath(v.path) && isJsonValue(v.value);
    case 'editJson':
      return isId(v.id);
    case 'insert':
      return v.template === undefined || isDocument(v.template);
    case 'delete':
      return Array.isArray(v.ids) && v.ids.length > 0 && v.ids.length <= MAX_LIMIT && v.ids.every(isId);
    case 'command':
      return (PANEL_COMMANDS as readonly unknown[]).includes(v.command) && (v.query === undefined || isRunQuery(v.query));
    case 'pageError':
      return typeof v.message === 'string' && v.message.length <= 8192;
    default:
      return false;
  }
}

/** A state VS Code hands back on restore: possibly from an older version, so checked field by field. */
export function isCollectionPanelState(v: unknown): v is CollectionPanelState {
  if (!isDict(v) || !isDict(v.target) || !isDict(v.query)) return false;
  const t = v.target;
  const q = v.query;
  return (
    typeof t.envKey === 'string' &&
    typeof t.envLabel === 'string' &&
    typeof t.collection === 'string' &&
    typeof q.filter === 'string' &&
    typeof q.sort === 'string' &&
    typeof q.projection === 'string' &&
    Number.isInteger(q.limit) &&
    Array.isArray(v.cursors) &&
    v.cursors.every((c) => c === null || typeof c === 'string') &&
    Number.isInteger(v.pageIndex) &&
    Array.isArray(v.expanded) &&
    v.expanded.every((e) => typeof e === 'string')
  );
}
