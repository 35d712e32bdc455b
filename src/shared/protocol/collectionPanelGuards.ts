/**
 * Runtime checks for what crosses between the collection page and its host. A webview is another
 * process running code we did not write line by line (libraries, a bug, a tampered state), so the
 * host trusts nothing the page sends until these say yes; the page checks the host's messages and
 * its own restored state the same way. Kept next to the declarations they check.
 */
import type { DocumentJson, JsonValue } from '../model';
import type { CollectionHostMessage, CollectionPageMessage, CollectionPanelState, CollectionPanelTarget, RunQuery } from './collectionPanel';
import { COLLECTION_PANEL_STATE_VERSION, MAX_LIMIT, PANEL_COMMANDS } from './collectionPanel';

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

const isTarget = (v: unknown): v is CollectionPanelTarget => isDict(v) && typeof v.envKey === 'string' && typeof v.envLabel === 'string' && typeof v.collection === 'string';
const isMessageText = (v: unknown): v is string => typeof v === 'string' && v.length <= 64 * 1024;
const isStrings = (v: unknown): v is Record<string, string> => isDict(v) && Object.values(v).every((x) => typeof x === 'string');

/** True when `v` is a message the host may send (the page drops anything else). */
export function isCollectionHostMessage(v: unknown): v is CollectionHostMessage {
  if (!isDict(v)) return false;
  switch (v.type) {
    case 'init':
      return isTarget(v.target) && isStrings(v.strings) && Array.isArray(v.pageSizes) && v.pageSizes.every((n) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= MAX_LIMIT);
    case 'page':
      return (
        isRequestId(v.requestId) &&
        Array.isArray(v.documents) &&
        v.documents.every(isDocument) &&
        (v.nextCursor === undefined || typeof v.nextCursor === 'string') &&
        typeof v.counting === 'boolean' &&
        typeof v.elapsedMs === 'number'
      );
    case 'total':
      return isRequestId(v.requestId) && (v.total === undefined || Number.isSafeInteger(v.total)) && (v.error === undefined || isMessageText(v.error));
    case 'queryError':
    case 'editError':
      return isRequestId(v.requestId) && isMessageText(v.message);
    case 'saved':
      return isRequestId(v.requestId) && isDocument(v.document);
    case 'conflict':
      return isRequestId(v.requestId) && (v.stored === undefined || isDocument(v.stored));
    case 'changed':
      return true;
    default:
      return false;
  }
}

/**
 * A state VS Code hands back on restore (the serializer) or to the page (getState): one of another
 * version, or malformed, is dropped and the panel opens fresh.
 */
export function isCollectionPanelState(v: unknown): v is CollectionPanelState {
  if (!isDict(v) || v.version !== COLLECTION_PANEL_STATE_VERSION || !isTarget(v.target) || !isDict(v.query)) return false;
  const q = v.query;
  return (
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

/**
 * The target a restored panel reopens at: read from a state of any version as long as its target
 * still has this shape (the page then drops the state itself and opens fresh).
 */
export function collectionPanelTargetOf(state: unknown): CollectionPanelTarget | undefined {
  return isDict(state) && isTarget(state.target) ? { envKey: state.target.envKey, envLabel: state.target.envLabel, collection: state.target.collection } : undefined;
}
