/**
 * The collection panel's messages. The host (src/extension/panels/collectionPanel.ts) and the page
 * (webview/collection/) share these declarations; each side checks what the other sends with the
 * guards of ./collectionPanelGuards.ts. The page keeps the query and its stack of page cursors, so
 * paging and a restored panel need no host state: every request carries what it needs.
 */
import type { DocumentJson, JsonObject, JsonValue, SortKey } from '../model';

export const COLLECTION_PANEL_VIEW_TYPE = 'cloudbase.collection';
/** The bundle the page loads: dist/webview/<name>.js, built from webview/<name>/main.ts (the view type's last part). */
export const COLLECTION_PANEL_BUNDLE = 'collection';
/** The version of the state the page saves; a state of another version is dropped on restore. */
export const COLLECTION_PANEL_STATE_VERSION = 1;

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
  version: typeof COLLECTION_PANEL_STATE_VERSION;
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
  | { type: 'init'; target: CollectionPanelTarget; strings: CollectionPanelStrings; pageSizes: number[] }
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

/** Every user-facing string of the page, localized by the host. `{0}` marks a value. */
export interface CollectionPanelStrings {
  filter: string;
  filterPlaceholder: string;
  sort: string;
  projection: string;
  limit: string;
  run: string;
  invalidJson: string;
  queryFailed: string;
  stale: string;
  sortBy: string;
  invalidSort: string;
  invalidProjection: string;
  total: string;
  totalOne: string;
  counting: string;
  pageOf: string;
  previous: string;
  next: string;
  refresh: string;
  insert: string;
  duplicate: string;
  editJson: string;
  deleteSelected: string;
  deleteByQuery: string;
  import: string;
  export: string;
  indexes: string;
  permission: string;
  selected: string;
  empty: string;
  loading: string;
  expand: string;
  collapse: string;
  fields: string;
  fieldsOne: string;
  items: string;
  itemsOne: string;
  editCell: string;
  type: string;
  save: string;
  cancel: string;
  invalidValue: string;
  conflict: string;
  deletedConflict: string;
  compare: string;
  overwrite: string;
  reload: string;
  saved: string;
  renderTime: string;
}

/** Strings the page picks by count: `<key>One` for exactly one, `<key>` with `{0}` otherwise. */
export type CountedString = 'total' | 'fields' | 'items';
