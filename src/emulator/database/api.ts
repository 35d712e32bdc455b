/**
 * The local database engine's surface. Values are native JavaScript (Date, nested objects, arrays,
 * and bson's types where EJSON brings them); conversion to and from Extended JSON happens at the
 * edges (the /admin server and the local backend), never in the engine.
 */
import type { CollectionInfo, CollectionPermission, IndexInfo, IndexSpec, SortKey, UpdateResult } from '../../shared/model';
import type { BatchResult, BatchWrite } from './write-batch';

export type { BatchResult, BatchWrite } from './write-batch';

export type StoredDocument = Record<string, unknown> & { _id: string };

export interface FindOptions {
  sort?: SortKey[];
  /** Inclusion (1) or exclusion (0); `_id` is returned unless excluded explicitly. */
  projection?: Record<string, 0 | 1>;
  limit?: number;
  /** For the SDK's `skip()`. UI paging uses `after` instead. */
  skip?: number;
  /** A cursor from a previous `FindResult.nextCursor` with the same filter and sort. */
  after?: string;
}

export interface FindResult {
  documents: StoredDocument[];
  /** Present when more documents follow the last one returned. */
  nextCursor?: string;
}

/** How a find ran: which index it read and how much, so tests and tools can see an index at work. */
export interface QueryPlan {
  /** The index read (`_id_` included); undefined for a plain collection scan. */
  index?: string;
  /** 'index': the index narrowed the candidates; 'scan': every document was a candidate. */
  kind: 'index' | 'scan';
  /** The index order was the requested sort, so no sorting happened. */
  sortedByIndex: boolean;
  /** Documents checked against the filter. */
  examined: number;
  returned: number;
}

export interface UpdateOptions {
  multi: boolean;
  upsert?: boolean;
}

export interface Collection {
  readonly name: string;
  find(filter: Record<string, unknown>, options?: FindOptions): FindResult;
  /** Runs a find and reports its plan instead of its documents. */
  explain(filter: Record<string, unknown>, options?: FindOptions): QueryPlan;
  count(filter?: Record<string, unknown>): number;
  /** Resolves once every document is durable; all or nothing (a bad document fails the batch). */
  insertMany(documents: Record<string, unknown>[]): Promise<string[]>;
  /** `update` with operators updates; without operators it replaces (keeping `_id`). */
  update(filter: Record<string, unknown>, update: Record<string, unknown>, options: UpdateOptions): Promise<UpdateResult>;
  /** Updates one document and returns it as it is after the update (undefined when none matched). */
  findOneAndUpdate(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<StoredDocument | undefined>;
  remove(filter: Record<string, unknown>, options: { multi: boolean }): Promise<number>;
  aggregate(pipeline: Record<string, unknown>[]): StoredDocument[];
  listIndexes(): IndexInfo[];
  createIndex(spec: IndexSpec): Promise<IndexInfo>;
  dropIndex(name: string): Promise<void>;
  getPermission(): CollectionPermission;
  /** Refuses a malformed rule (InvalidArgument) and keeps the old one; resolves once the catalogue is on disk. */
  setPermission(permission: CollectionPermission): Promise<void>;
}

export interface Database {
  listCollections(): CollectionInfo[];
  /** Throws StudioError('CollectionNotFound') when absent. */
  collection(name: string): Collection;
  hasCollection(name: string): boolean;
  /** Throws StudioError('CollectionExists') when present. */
  createCollection(name: string): Promise<Collection>;
  dropCollection(name: string): Promise<void>;
  /** Writes to several collections all or nothing; `expect` writes are preconditions (see write-batch.ts). */
  writeBatch(writes: BatchWrite[]): Promise<BatchResult>;
  /** Writes a consistent copy of the store into the folder `dir` (its store.mdb) while the database serves. */
  backup(dir: string): Promise<void>;
  /** Flushes, compacts where worthwhile and releases the data folder's lock. */
  close(): Promise<void>;
}
