/**
 * An in-memory CloudBackend for explorer tests: collections of documents sorted by `_id`, pages
 * by an opaque cursor (the last `_id`, base64), filters through mingo. It records every call so
 * tests can check how the explorer pages, and fails on request so error states can be driven.
 */
import { Query } from 'mingo';
import type { CloudBackend, DatabaseApi } from '../../src/cloud/backend';
import { StudioError, throwIfAborted } from '../../src/shared/errors';
import { FakeStorage } from './fakeStorage';
import type {
  CollectionInfo,
  DocumentJson,
  DocumentQuery,
  EnvironmentInfo,
  IndexInfo,
  IndexSpec,
  JsonObject,
  Page,
  PageRequest,
  UpdateResult,
} from '../../src/shared/model';

export interface FakeCall {
  method: keyof DatabaseApi;
  args: unknown[];
}

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');

function clone<T>(value: T): T {
  return structuredClone(value);
}

export class FakeDatabase implements DatabaseApi {
  readonly collections = new Map<string, Map<string, DocumentJson>>();
  readonly calls: FakeCall[] = [];
  private readonly failures: { method: keyof DatabaseApi; error: unknown }[] = [];
  private nextId = 1;
  /** Milliseconds every call waits before answering (to observe loads in flight). */
  delayMs = 0;

  /** The next call of `method` throws `error` (queued: several calls fail in order). */
  failNext(method: keyof DatabaseApi, error: unknown = new StudioError('ServiceError', `${method} failed on purpose`)): void {
    this.failures.push({ method, error });
  }

  seed(collection: string, documents: JsonObject[]): void {
    const docs = this.collections.get(collection) ?? new Map<string, DocumentJson>();
    for (const d of documents) {
      const id = typeof d._id === 'string' ? d._id : this.newId();
      docs.set(id, { ...clone(d), _id: id });
    }
    this.collections.set(collection, docs);
  }

  callsOf(method: keyof DatabaseApi): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>> {
    await this.enter('listCollections', [page], signal);
    const names = [...this.collections.keys()].sort();
    return this.paged(
      names.map((name) => ({ name, count: this.collections.get(name)?.size ?? 0 })),
      (c) => c.name,
      page,
    );
  }

  async createCollection(name: string, signal?: AbortSignal): Promise<void> {
    await this.enter('createCollection', [name], signal);
    if (!/^[A-Za-z][\w-]{0,63}$/.test(name)) throw new StudioError('InvalidCollectionName', `Invalid collection name: ${name}`);
    if (this.collections.has(name)) throw new StudioError('CollectionExists', `Collection ${name} already exists.`);
    this.collections.set(name, new Map());
  }

  async deleteCollection(name: string, signal?: AbortSignal): Promise<void> {
    await this.enter('deleteCollection', [name], signal);
    this.collection(name);
    this.collections.delete(name);
  }

  async queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>> {
    await this.enter('queryDocuments', [collection, query, page], signal);
    if (query.sort && query.sort.length > 0) throw new StudioError('NotSupported', 'The fake database sorts by _id only.');
    return this.paged(this.matching(collection, query.filter), (d) => d._id, page);
  }

  async countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number> {
    await this.enter('countDocuments', [collection, filter], signal);
    return this.matching(collection, filter).length;
  }

  async getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined> {
    await this.enter('getDocument', [collection, id], signal);
    const doc = this.collection(collection).get(id);
    return doc && clone(doc);
  }

  async insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]> {
    await this.enter('insertDocuments', [collection, documents], signal);
    const docs = this.collection(collection);
    const ids = documents.map((d) => (typeof d._id === 'string' ? d._id : this.newId()));
    for (const id of ids) if (docs.has(id)) throw new StudioError('DuplicateKey', `Duplicate _id ${id}.`);
    documents.forEach((d, i) => docs.set(ids[i], { ...clone(d), _id: ids[i] }));
    return ids;
  }

  async updateDocuments(
    collection: string,
    filter: JsonObject,
    update: JsonObject,
    options: { multi: boolean; upsert?: boolean },
    signal?: AbortSignal,
  ): Promise<UpdateResult> {
    await this.enter('updateDocuments', [collection, filter, update, options], signal);
    const set = update.$set;
    if (Object.keys(update).some((k) => k.startsWith('$') && k !== '$set')) throw new StudioError('NotSupported', 'The fake database updates with $set only.');
    const targets = this.matching(collection, filter).slice(0, options.multi ? undefined : 1);
    const docs = this.collection(collection);
    for (const doc of targets) {
      const next = set && typeof set === 'object' && !Array.isArray(set) ? { ...doc, ...clone(set) } : { ...clone(update), _id: doc._id };
      docs.set(doc._id, next as DocumentJson);
    }
    return { matched: targets.length, modified: targets.length };
  }

  async deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number> {
    await this.enter('deleteDocuments', [collection, filter, options], signal);
    const targets = this.matching(collection, filter).slice(0, options.multi ? undefined : 1);
    const docs = this.collection(collection);
    for (const doc of targets) docs.delete(doc._id);
    return targets.length;
  }

  async listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]> {
    await this.enter('listIndexes', [collection], signal);
    this.collection(collection);
    return [{ name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true }];
  }

  async createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo> {
    await this.enter('createIndex', [collection, spec], signal);
    throw new StudioError('NotSupported', 'The fake database has no secondary indexes.');
  }

  async dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void> {
    await this.enter('dropIndex', [collection, name], signal);
    throw new StudioError('IndexNotFound', `No index ${name}.`);
  }

  private newId(): string {
    return `fake-${String(this.nextId++).padStart(6, '0')}`;
  }

  private collection(name: string): Map<string, DocumentJson> {
    const docs = this.collections.get(name);
    if (!docs) throw new StudioError('CollectionNotFound', `Collection ${name} does not exist.`);
    return docs;
  }

  private matching(collection: string, filter: JsonObject | undefined): DocumentJson[] {
    const all = [...this.collection(collection).values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    if (!filter || Object.keys(filter).length === 0) return all.map(clone);
    const query = new Query(filter);
    return all.filter((d) => query.test(d)).map(clone);
  }

  private paged<T>(sorted: T[], keyOf: (item: T) => string, page: PageRequest): Page<T> {
    if (!Number.isInteger(page.limit) || page.limit < 1) throw new StudioError('InvalidArgument', `Bad page limit ${page.limit}.`);
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
    const items = rest.slice(0, page.limit);
    const more = rest.length > items.length;
    return more ? { items, nextCursor: encodeCursor(keyOf(items[items.length - 1])) } : { items };
  }

  private async enter(method: keyof DatabaseApi, args: unknown[], signal: AbortSignal | undefined): Promise<void> {
    this.calls.push({ method, args: clone(args) });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    throwIfAborted(signal);
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [{ error }] = this.failures.splice(failure, 1);
      throw error;
    }
  }
}

export class FakeBackend implements CloudBackend {
  readonly database = new FakeDatabase();
  readonly storage = new FakeStorage();
  disposed = false;

  constructor(readonly environment: EnvironmentInfo) {}

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** `count` documents `{ _id: 'todo-001', title: 'Task 1', done }` (ids sort in creation order). */
export function todoDocuments(count: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => ({
    _id: `todo-${String(i + 1).padStart(3, '0')}`,
    title: `Task ${i + 1}`,
    done: i % 3 === 0,
  }));
}
