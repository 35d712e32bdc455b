/**
 * One collection: its documents (the `_id` index) and secondary indexes in the database's store.
 * Reads are synchronous and see only durable writes; a write is one store transaction (all or
 * nothing) that resolves once it is on disk. Writes run their reads inside the transaction, so
 * two writes never work from the same stale document.
 */
import type { CollectionPermission, IndexInfo, IndexSpec, UpdateResult } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Collection, FindOptions, FindResult, QueryPlan, StoredDocument, UpdateOptions } from './api';
import { encodeStored } from './document-bytes';
import { decodeCursor } from './cursor';
import { executeFind, matching, type ExecutionStats } from './execute';
import type { IdGenerator } from './ids';
import { MAX_INDEXES } from './limits';
import type { CollectionEntry } from './metadata';
import { checkCount, checkIndexSpec, invalidArgument, normalizeSort } from './options';
import { choosePlan, type Plan, type SortSpec } from './planner';
import { DEFAULT_PERMISSION, checkPermission } from '../../project/permission';
import { ID_INDEX, PrimaryIndex } from './primary-index';
import { CountCache, countKey } from './count-cache';
import { compileFilter, compilePipeline, compileProjection, type CompiledFilter } from './query';
import { SecondaryIndex, duplicateKey, type IndexKeys } from './secondary-index';
import type { Store } from './store';
import { applyUpdate, parseUpdate, upsertSeed } from './update';
import { cloneValue, isPlainObject, normalizeDocument, type PlainObject } from './values';

/** What a collection needs from its database. */
export interface CollectionHost {
  readonly store: Store;
  readonly ids: IdGenerator;
  /** Documents of another collection of the same database, for `$lookup`. */
  documentsOf(name: string): StoredDocument[] | undefined;
  /** Inside a store write: puts the catalogue (index definitions included) in the transaction. */
  writeCatalog(): void;
}

/** One document's change: insert (no before), replace (both), delete (no after). */
interface Change {
  before?: StoredDocument;
  after?: StoredDocument;
  encoded?: Buffer;
  keysBefore?: IndexKeys[];
  keysAfter?: IndexKeys[];
}

export class LocalCollection implements Collection {
  private readonly primary: PrimaryIndex;
  private indexes: SecondaryIndex[] = [];
  private state: 'open' | 'dropped' | 'closed' = 'open';
  private permission: CollectionPermission | undefined;
  /** A grid asks the same count again after every page and refresh; a scan of millions is seconds. */
  private readonly counts = new CountCache();

  private constructor(
    private readonly entry: CollectionEntry,
    private readonly host: CollectionHost,
  ) {
    this.primary = new PrimaryIndex(host.store, entry.file);
  }

  /** Opening reads nothing but the last `_id` (so new ids stay ordered after it). */
  static open(entry: CollectionEntry, host: CollectionHost): LocalCollection {
    const c = new LocalCollection(entry, host);
    c.permission = entry.permission === undefined ? undefined : checkPermission(entry.permission);
    const last = c.primary.maxId();
    if (last !== undefined) host.ids.observe(last);
    c.indexes = entry.indexes.map((info) => c.newIndex(info));
    return c;
  }

  private newIndex(info: IndexInfo): SecondaryIndex {
    return new SecondaryIndex(info, this.host.store, this.entry.file, this.primary);
  }

  get name(): string {
    return this.entry.name;
  }

  get documentCount(): number {
    return this.primary.size;
  }

  /** Bytes of the stored documents. */
  get sizeBytes(): number {
    return this.primary.bytes;
  }

  /** The catalogue entry, with the current index definitions. */
  catalogEntry(): CollectionEntry {
    return { ...this.entry, indexes: this.indexes.map((i) => i.info), permission: this.permission };
  }

  private checkOpen(): void {
    if (this.state === 'dropped') throw new StudioError('CollectionNotFound', `Collection ${this.name} was deleted.`);
    if (this.state === 'closed') throw new StudioError('Internal', 'The database is closed.');
  }

  // ---- reads ----

  private plan(filter: CompiledFilter, sort?: SortSpec): Plan {
    return choosePlan(this.primary, this.indexes, filter.source, sort);
  }

  private runFind(filter: unknown, options: FindOptions, stats: ExecutionStats): { result: FindResult; plan: Plan } {
    this.checkOpen();
    if (!isPlainObject(options as unknown)) throw invalidArgument('Find options must be an object.');
    const compiled = compileFilter(filter);
    const { spec, signature } = normalizeSort(options.sort);
    const project = compileProjection(options.projection);
    const skip = checkCount(options.skip, 'skip') ?? 0;
    const limit = checkCount(options.limit, 'limit') || undefined;
    const after = options.after === undefined ? undefined : decodeCursor(options.after, signature);
    if (after && after.tie !== (spec.tie ?? 1)) throw invalidArgument('Invalid page cursor: it belongs to a different sort.');
    const plan = this.plan(compiled, spec);
    const outcome = executeFind(plan, { filter: compiled, sort: spec, sortSignature: signature, skip, limit, after }, stats);
    // Documents are decoded afresh for every read: the caller owns them.
    let documents = outcome.documents;
    if (project) documents = project(documents) as StoredDocument[];
    return { result: { documents, nextCursor: outcome.nextCursor }, plan };
  }

  find(filter: Record<string, unknown>, options: FindOptions = {}): FindResult {
    return this.runFind(filter, options, { examined: 0 }).result;
  }

  explain(filter: Record<string, unknown>, options: FindOptions = {}): QueryPlan {
    const stats = { examined: 0 };
    const { result, plan } = this.runFind(filter, options, stats);
    return {
      index: plan.narrowed || plan.ordered ? plan.index.name : undefined,
      kind: plan.narrowed ? 'index' : 'scan',
      sortedByIndex: plan.ordered,
      examined: stats.examined,
      returned: result.documents.length,
    };
  }

  count(filter: Record<string, unknown> = {}): number {
    this.checkOpen();
    const compiled = compileFilter(filter);
    if (compiled.empty) return this.primary.size;
    const { generation } = this.host.store;
    const key = countKey(filter);
    const known = this.counts.get(key, generation);
    if (known !== undefined) return known;
    let n = 0;
    for (const _ of matching(this.plan(compiled), compiled, { examined: 0 })) {
      void _;
      n++;
    }
    this.counts.set(key, generation, n);
    return n;
  }

  aggregate(pipeline: Record<string, unknown>[]): StoredDocument[] {
    this.checkOpen();
    const compiled = compilePipeline(pipeline);
    let input: StoredDocument[];
    if (compiled.match) {
      const filter = compileFilter(compiled.match);
      const plan = this.plan(filter);
      input = [...matching(plan, filter, { examined: 0 })];
      // Stages after $match see documents in natural (_id) order, whichever index found them.
      if (plan.index !== this.primary) input.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    } else {
      input = this.primary.snapshot();
    }
    const copies = new Map<string, PlainObject[]>();
    const resolve = (name: string): PlainObject[] => {
      let docs = copies.get(name);
      if (!docs) {
        docs = (name === this.name ? this.primary.snapshot() : this.host.documentsOf(name) ?? []).map((d) => cloneValue(d));
        copies.set(name, docs);
      }
      return docs;
    };
    return compiled.run(
      input.map((d) => cloneValue(d)),
      resolve,
    ) as StoredDocument[];
  }

  listIndexes(): IndexInfo[] {
    this.checkOpen();
    return [ID_INDEX, ...this.indexes.map((i) => i.info)].map((i) => cloneValue(i));
  }

  // ---- writes ----

  /** Runs a write in a store transaction, checking inside it that the collection still exists. */
  private write<T>(fn: () => T): Promise<T> {
    this.checkOpen();
    return this.host.store.write(() => {
      this.checkOpen();
      return fn();
    });
  }

  private firstMatches(filter: CompiledFilter, multi: boolean): StoredDocument[] {
    const out: StoredDocument[] = [];
    for (const doc of matching(this.plan(filter), filter, { examined: 0 })) {
      out.push(doc);
      if (!multi) break;
    }
    return out;
  }

  /** Inside a store write: applies changes to documents and indexes; a throw undoes the transaction. */
  private applyChanges(changes: Change[]): void {
    // Encoding (size limit) and key extraction (parallel arrays) can refuse a document.
    for (const c of changes) {
      if (c.before) c.keysBefore = this.indexes.map((i) => i.keysOf(c.before!));
      if (c.after) {
        c.encoded = encodeStored(c.after);
        c.keysAfter = this.indexes.map((i) => i.keysOf(c.after!));
      }
    }
    for (const c of changes) this.applyOne(c);
  }

  private applyOne(c: Change): void {
    const id = (c.after ?? c.before)!._id;
    if (c.after && !c.before && this.primary.has(id)) {
      throw new StudioError('DuplicateKey', `Duplicate key in unique index _id_ { _id: ${JSON.stringify(id)} }.`);
    }
    if (c.before) this.indexes.forEach((ix, k) => ix.remove(c.before!, c.keysBefore![k]));
    if (!c.after) {
      this.primary.delete(id);
      return;
    }
    this.indexes.forEach((ix, k) => {
      const clash = ix.conflict(c.keysAfter![k].keys, id);
      if (clash) throw duplicateKey(ix, clash.key, id);
      ix.add(c.after!, c.keysAfter![k]);
    });
    // An insert was checked absent above.
    this.primary.put(id, c.encoded!, !c.before);
  }

  /** Inside a store write (also a batch's). */
  insertNow(docs: StoredDocument[]): string[] {
    this.checkOpen();
    this.applyChanges(docs.map((after) => ({ after })));
    return docs.map((d) => d._id);
  }

  /** Documents ready to insert, with new `_id`s first, where MongoDB and CloudBase put them. */
  prepareInsert(documents: Record<string, unknown>[]): StoredDocument[] {
    this.checkOpen();
    if (!Array.isArray(documents)) throw new StudioError('InvalidDocument', 'Documents to insert must be a list.');
    return documents.map((d) => {
      const doc = normalizeDocument(d);
      return (doc._id === undefined ? { _id: this.host.ids.next(), ...doc } : doc) as StoredDocument;
    });
  }

  async insertMany(documents: Record<string, unknown>[]): Promise<string[]> {
    const docs = this.prepareInsert(documents);
    if (docs.length === 0) return [];
    return this.write(() => this.insertNow(docs));
  }

  /** Inside a store write (also a batch's). */
  updateNow(compiled: CompiledFilter, parsed: ReturnType<typeof parseUpdate>, options: UpdateOptions): UpdateResult {
    this.checkOpen();
    const matches = this.firstMatches(compiled, options.multi === true);
    if (matches.length === 0) {
      if (!options.upsert) return { matched: 0, modified: 0 };
      const doc = this.upsertDocument(compiled.source, parsed);
      this.applyChanges([{ after: doc }]);
      return { matched: 0, modified: 0, upsertedId: doc._id };
    }
    const changes: Change[] = [];
    for (const before of matches) {
      const after = applyUpdate(before, parsed, compiled.source) as StoredDocument | undefined;
      if (after) changes.push({ before, after });
    }
    this.applyChanges(changes);
    return { matched: matches.length, modified: changes.length };
  }

  /** The checked arguments of an update, before any transaction. */
  prepareUpdate(filter: Record<string, unknown>, update: Record<string, unknown>, options: UpdateOptions): { compiled: CompiledFilter; parsed: ReturnType<typeof parseUpdate> } {
    this.checkOpen();
    if (!isPlainObject(options as unknown)) throw invalidArgument('Update options must be an object.');
    return { compiled: compileFilter(filter), parsed: parseUpdate(update) };
  }

  async update(filter: Record<string, unknown>, update: Record<string, unknown>, options: UpdateOptions): Promise<UpdateResult> {
    const { compiled, parsed } = this.prepareUpdate(filter, update, options);
    return this.write(() => this.updateNow(compiled, parsed, options));
  }

  private upsertDocument(filter: PlainObject, parsed: ReturnType<typeof parseUpdate>): StoredDocument {
    const seed = upsertSeed(filter);
    const seedId = typeof seed._id === 'string' && seed._id !== '' ? seed._id : undefined;
    if (parsed.kind === 'replace') {
      const replacement = parsed.document;
      if (seedId !== undefined && replacement._id !== undefined && replacement._id !== seedId) {
        throw new StudioError('InvalidDocument', 'The _id field cannot be changed.');
      }
      const { _id: given, ...fields } = replacement;
      return normalizeDocument({ _id: (given as string | undefined) ?? seedId ?? this.host.ids.next(), ...fields }) as StoredDocument;
    }
    const { _id: _seedId, ...seedFields } = seed;
    const base = normalizeDocument({ _id: seedId ?? this.host.ids.next(), ...seedFields }) as StoredDocument;
    return (applyUpdate(base, parsed, filter, true) as StoredDocument | undefined) ?? base;
  }

  async findOneAndUpdate(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<StoredDocument | undefined> {
    this.checkOpen();
    const compiled = compileFilter(filter);
    const parsed = parseUpdate(update);
    return this.write(() => {
      const [before] = this.firstMatches(compiled, false);
      if (!before) return undefined;
      const after = applyUpdate(before, parsed, compiled.source) as StoredDocument | undefined;
      if (!after) return before;
      this.applyChanges([{ before, after }]);
      return cloneValue(after);
    });
  }

  /** Inside a store write (also a batch's). */
  removeNow(compiled: CompiledFilter, options: { multi: boolean }): number {
    this.checkOpen();
    const matches = this.firstMatches(compiled, options.multi === true);
    this.applyChanges(matches.map((before) => ({ before })));
    return matches.length;
  }

  prepareRemove(filter: Record<string, unknown>, options: { multi: boolean }): CompiledFilter {
    this.checkOpen();
    if (!isPlainObject(options as unknown)) throw invalidArgument('Remove options must be an object.');
    return compileFilter(filter);
  }

  async remove(filter: Record<string, unknown>, options: { multi: boolean }): Promise<number> {
    const compiled = this.prepareRemove(filter, options);
    return this.write(() => this.removeNow(compiled, options));
  }

  /** The stored document with this id, or null; inside a write it sees the write's own changes. */
  stored(id: string): StoredDocument | null {
    this.checkOpen();
    return this.primary.get(id) ?? null;
  }

  // ---- indexes ----

  async createIndex(spec: IndexSpec): Promise<IndexInfo> {
    this.checkOpen();
    const info = checkIndexSpec(spec);
    return this.write(() => {
      const sameKeys = (a: IndexInfo) =>
        a.keys.length === info.keys.length && a.keys.every((k, i) => k.field === info.keys[i].field && k.direction === info.keys[i].direction);
      const all = [ID_INDEX, ...this.indexes.map((i) => i.info)];
      const existing = all.find((i) => i.name === info.name || sameKeys(i));
      if (existing) {
        const idIndex = existing === ID_INDEX && sameKeys(existing) && (spec.name === undefined || spec.name === ID_INDEX.name);
        if (idIndex || (existing.name === info.name && sameKeys(existing) && existing.unique === info.unique)) return cloneValue(existing);
        throw new StudioError('IndexExists', `An index ${existing.name} already exists with ${existing.name === info.name ? 'other keys or options' : 'the same keys'}.`);
      }
      if (this.indexes.length + 1 >= MAX_INDEXES) throw invalidArgument(`A collection has at most ${MAX_INDEXES} indexes.`);
      const index = this.newIndex(info);
      index.build(this.primary.allDocuments());
      // Later writes in the same commit must keep it up to date; undone if the commit fails.
      const before = this.indexes;
      this.indexes = [...before, index];
      try {
        this.host.writeCatalog();
      } catch (e) {
        this.indexes = before;
        throw e;
      }
      return cloneValue(info);
    }).catch((e) => {
      this.indexes = this.indexes.filter((i) => i.info !== info);
      throw e;
    });
  }

  getPermission(): CollectionPermission {
    this.checkOpen();
    return cloneValue(this.permission ?? DEFAULT_PERMISSION);
  }

  async setPermission(permission: CollectionPermission): Promise<void> {
    this.checkOpen();
    const next = checkPermission(permission);
    const before = this.permission;
    await this.write(() => {
      this.permission = next;
      this.host.writeCatalog();
    }).catch((e) => {
      this.permission = before;
      throw e;
    });
  }

  async dropIndex(name: string): Promise<void> {
    this.checkOpen();
    if (name === ID_INDEX.name) throw invalidArgument('The _id_ index cannot be dropped.');
    const before = this.indexes;
    await this.write(() => {
      const index = this.indexes.find((i) => i.name === name);
      if (!index) throw new StudioError('IndexNotFound', `Index ${String(name)} does not exist on ${this.name}.`);
      this.indexes = this.indexes.filter((i) => i !== index);
      this.host.writeCatalog();
      index.clear();
    }).catch((e) => {
      this.indexes = before;
      throw e;
    });
  }

  // ---- lifetime ----

  close(): void {
    if (this.state === 'open') this.state = 'closed';
  }

  /** Marks the collection deleted: every later call fails with CollectionNotFound. */
  markDropped(): void {
    this.state = 'dropped';
  }

  /** Undoes markDropped when the drop could not be committed. */
  unmarkDropped(): void {
    this.state = 'open';
  }

  /** Inside a store write: removes the collection's documents, entries and counters. */
  clearStored(): void {
    for (const index of this.indexes) index.clear();
    this.primary.clear();
  }

  /** Documents for another collection's `$lookup`; not copied (the caller copies). */
  allDocuments(): StoredDocument[] {
    return this.primary.snapshot();
  }
}
