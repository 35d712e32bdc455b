/**
 * The one contract the UI talks to. Local and Tencent environments implement it; the extension
 * never reaches past it. Every call takes an AbortSignal; lists come back as cursor pages.
 */
import type {
  CollectionInfo,
  DocumentJson,
  DocumentQuery,
  EnvironmentInfo,
  FunctionInfo,
  IndexInfo,
  IndexSpec,
  InvokeResult,
  JsonObject,
  JsonValue,
  LogEntry,
  Page,
  PageRequest,
  StorageEntry,
  UpdateResult,
} from '../shared/model';

export interface DatabaseApi {
  listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>>;
  createCollection(name: string, signal?: AbortSignal): Promise<void>;
  deleteCollection(name: string, signal?: AbortSignal): Promise<void>;

  /** Pages follow the query's sort (default `_id` ascending) by cursor, never by skipping. */
  queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>>;
  countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number>;
  getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined>;
  /** Returns the ids of the inserted documents, in order. */
  insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]>;
  /** `update` holds update operators ($set, $inc, …); without operators it replaces the document. */
  updateDocuments(collection: string, filter: JsonObject, update: JsonObject, options: { multi: boolean; upsert?: boolean }, signal?: AbortSignal): Promise<UpdateResult>;
  deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number>;

  listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]>;
  createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo>;
  dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void>;
}

export interface StorageApi {
  list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>>;
}

export interface FunctionsApi {
  listFunctions(page: PageRequest, signal?: AbortSignal): Promise<Page<FunctionInfo>>;
  invoke(name: string, event: JsonValue, signal?: AbortSignal): Promise<InvokeResult>;
}

export interface LogsApi {
  /** Streams entries until the signal aborts. */
  tail(filter: { functionName?: string }, signal: AbortSignal): AsyncIterable<LogEntry[]>;
}

/** One environment's services. Areas that an implementation does not offer yet are absent. */
export interface CloudBackend {
  readonly environment: EnvironmentInfo;
  readonly database: DatabaseApi;
  readonly storage?: StorageApi;
  readonly functions?: FunctionsApi;
  readonly logs?: LogsApi;
  dispose(): Promise<void>;
}
