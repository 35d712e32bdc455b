/**
 * One collection: documents in memory (the `_id` index), secondary indexes, and the files that make
 * every acknowledged write durable. Reads are synchronous; a write changes memory at once (all or
 * nothing) and resolves when its journal record is on disk.
 */
import type { CollectionPermission, IndexInfo, IndexSpec, UpdateResult } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Collection, FindOptions, FindResult, QueryPlan, StoredDocument, UpdateOptions } from './api';
import {
  deleteRecord,
  loadCollectionFiles,
  nextJournal,
  putRecord,
  removeCollectionFiles,
  writeSnapshot,
} from './collection-files';
import { encodeDocument } from './codec';
import { decodeCursor } from './cursor';
import { executeFind, matching, type ExecutionStats } from './execute';
import type { IdGenerator } from './ids';
import type { Journal } from './journal';
import { MAX_INDEXES } from './limits';
import type { CollectionEntry } from './metadata';
import { checkCount, checkIndexSpec, invalidArgument, normalizeSort } from './options';
import { choosePlan, type Plan, type SortSpec } from './planner';
import { DEFAULT_PERMISSION, checkPermission } from '../../project/permission';
import { ID_INDEX, PrimaryIndex } from './primary-index';
import { compileFilter, compilePipeline, compileProjection, type CompiledFilter } from './query';
import { SecondaryIndex, duplicateKey } from './secondary-index';
import { applyUpdate, parseUpdate, upsertSeed } from './update';
import { cloneValue, isPlainObject, normalizeDocument, type PlainObject } from './values';

/** What a collection needs from its database. */
export interface CollectionHost {
  readonly folder: string;
  readonly ids: IdGenerator;
  /** Compaction starts once the journals exceed both this and `compactionRatio` × the snapshot's size. */
  readonly compactionMinBytes: number;
  readonly compactionRatio: number;
  /** Documents of another collection of the same database, for `$lookup`. */
  documentsOf(name: string): StoredDocument[] | undefined;
  /** Persists the catalogue (index definitions included). */
  saveCatalog(): Promise<void>;
}

/** One document's change: insert (no before), replace (both), delete (no after). */
interface Change {
  before?: StoredDocument;
  after?: StoredDocument;
  /** `after` encoded for the journal. */
  encoded?: string;
  keysBefore?: ReturnType<SecondaryIndex['keysOf']>[];
  keysAfter?: ReturnType<SecondaryIndex['keysOf']>[];
}

export class LocalCollection implements Collection {
  private readonly primary = new PrimaryIndex();
  private indexes: SecondaryIndex[] = [];
  private journal!: Journal;
  private snapshotBytes = 0;
  private olderJournalBytes = 0;
  private compacting: Promise<void> | undefined;
  /** After a failed compaction, wait for this much journal before trying again. */
  private compactionFloor = 0;
  private state: 'open' | 'dropped' | 'closed' = 'open';
  private permission: CollectionPermission | undefined;

  private constructor(
    private readonly entry: CollectionEntry,
    private readonly host: CollectionHost,
  ) {}

  static async open(entry: CollectionEntry, host: CollectionHost): Promise<LocalCollection> {
    const c = new LocalCollection(entry, host);
    c.permission = entry.permission === undefined ? undefined : checkPermission(entry.permission);
    const files = await loadCollectionFiles(host.folder, entry.file);
    c.primary.load(files.documents);
    c.journal = files.journal;
    c.snapshotBytes = files.snapshotBytes;
    c.olderJournalBytes = files.olderJournalBytes;
    const last = c.primary.maxId();
    if (last !== undefined) host.ids.observe(last);
    for (const info of entry.indexes) {
      const index = new SecondaryIndex(info);
      index.build(files.documents);
      c.indexes.push(index);
    }
    return c;
  }

  get name(): string {
    return this.entry.name;
  }

  get documentCount(): number {
    return this.primary.size;
  }

  /** Bytes on disk: snapshot plus journals. */
  get sizeBytes(): number {
    return this.snapshotBytes + this.olderJournalBytes + this.journal.size;
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
    let documents = outcome.documents.map((d) => cloneValue(d));
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
    let n = 0;
    for (const _ of matching(this.plan(compiled), compiled, { examined: 0 })) {
      void _;
      n++;
    }
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

  private firstMatches(filter: CompiledFilter, multi: boolean): StoredDocument[] {
    const out: StoredDocument[] = [];
    for (const doc of matching(this.plan(filter), filter, { examined: 0 })) {
      out.push(doc);
      if (!multi) break;
    }
    return out;
  }

  /**
   * Applies changes to memory and indexes, all or none: a unique-index conflict undoes the lot.
   * Returns the journal record that makes them durable.
   */
  private applyChanges(changes: Change[]): string {
    // Encoding (size limit) and key extraction (parallel arrays) can refuse a document: all of it
    // happens before anything changes.
    for (const c of changes) {
      if (c.before) c.keysBefore = this.indexes.map((i) => i.keysOf(c.before!));
      if (c.after) {
        c.encoded = encodeDocument(c.after);
        c.keysAfter = this.indexes.map((i) => i.keysOf(c.after!));
      }
    }
    const done: Change[] = [];
    try {
      for (const c of changes) {
        this.applyOne(c);
        done.push(c);
      }
    } catch (e) {
      for (const c of done.reverse()) this.undoOne(c);
      throw e;
    }
    const puts = changes.filter((c) => c.after).map((c) => c.encoded!);
    const deletes = changes.filter((c) => !c.after).map((c) => c.before!._id);
    return puts.length > 0 ? putRecord(puts) : deleteRecord(deletes);
  }

  private applyOne(c: Change): void {
    const id = (c.after ?? c.before)!._id;
    if (c.after && !c.before && this.primary.get(id)) {
      throw new StudioError('DuplicateKey', `Duplicate key in unique index _id_ { _id: ${JSON.stringify(id)} }.`);
    }
    if (c.before) this.indexes.forEach((ix, k) => ix.remove(c.before!, c.keysBefore![k]));
    if (c.after) {
      for (let k = 0; k < this.indexes.length; k++) {
        const ix = this.indexes[k];
        if (ix.conflict(c.keysAfter![k].keys, id)) {
          if (c.before) this.indexes.forEach((x, j) => x.add(c.before!, c.keysBefore![j]));
          const key = c.keysAfter![k].keys.find((kk) => ix.conflict([kk], id))!;
          throw duplicateKey(ix, key, id);
        }
      }
      this.indexes.forEach((ix, k) => ix.add(c.after!, c.keysAfter![k]));
      this.primary.set(c.after);
    } else {
      this.primary.delete(id);
    }
  }

  private undoOne(c: Change): void {
    const id = (c.after ?? c.before)!._id;
    if (c.after) this.indexes.forEach((ix, k) => ix.remove(c.after!, c.keysAfter![k]));
    if (c.before) {
      this.indexes.forEach((ix, k) => ix.add(c.before!, c.keysBefore![k]));
      this.primary.set(c.before);
    } else {
      this.primary.delete(id);
    }
  }

  /** Writes the journal record for changes already applied in memory; resolves once durable. */
  private async commit(record: string): Promise<void> {
    await this.journal.append(record);
    this.maybeCompact();
  }

  async insertMany(documents: Record<string, unknown>[]): Promise<string[]> {
    this.checkOpen();
    if (!Array.isArray(documents)) throw new StudioError('InvalidDocument', 'Documents to insert must be a list.');
    if (documents.length === 0) return [];
    const docs = documents.map((d) => {
      const doc = normalizeDocument(d);
      // A new _id goes first, where MongoDB and CloudBase put it.
      return (doc._id === undefined ? { _id: this.host.ids.next(), ...doc } : doc) as StoredDocument;
    });
    await this.commit(this.applyChanges(docs.map((after) => ({ after }))));
    return docs.map((d) => d._id);
  }

  async update(filter: Record<string, unknown>, update: Record<string, unknown>, options: UpdateOptions): Promise<UpdateResult> {
    this.checkOpen();
    if (!isPlainObject(options as unknown)) throw invalidArgument('Update options must be an object.');
    const compiled = compileFilter(filter);
    const parsed = parseUpdate(update);
    const matches = this.firstMatches(compiled, options.multi === true);
    if (matches.length === 0) {
      if (!options.upsert) return { matched: 0, modified: 0 };
      const doc = this.upsertDocument(compiled.source, parsed);
      await this.commit(this.applyChanges([{ after: doc }]));
      return { matched: 0, modified: 0, upsertedId: doc._id };
    }
    const changes: Change[] = [];
    for (const before of matches) {
      const after = applyUpdate(before, parsed, compiled.source) as StoredDocument | undefined;
      if (after) changes.push({ before, after });
    }
    if (changes.length > 0) {
      await this.commit(this.applyChanges(changes));
    }
    return { matched: matches.length, modified: changes.length };
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
    const [before] = this.firstMatches(compiled, false);
    if (!before) return undefined;
    const after = applyUpdate(before, parsed, compiled.source) as StoredDocument | undefined;
    if (!after) return cloneValue(before);
    await this.commit(this.applyChanges([{ before, after }]));
    return cloneValue(after);
  }

  async remove(filter: Record<string, unknown>, options: { multi: boolean }): Promise<number> {
    this.checkOpen();
    if (!isPlainObject(options as unknown)) throw invalidArgument('Remove options must be an object.');
    const compiled = compileFilter(filter);
    const matches = this.firstMatches(compiled, options.multi === true);
    if (matches.length === 0) return 0;
    await this.commit(this.applyChanges(matches.map((before) => ({ before }))));
    return matches.length;
  }

  // ---- indexes ----

  async createIndex(spec: IndexSpec): Promise<IndexInfo> {
    this.checkOpen();
    const info = checkIndexSpec(spec);
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
    const index = new SecondaryIndex(info);
    index.build(this.primary.values());
    // Installed before the catalogue write so writes made meanwhile keep it up to date.
    this.indexes.push(index);
    try {
      await this.host.saveCatalog();
    } catch (e) {
      this.indexes = this.indexes.filter((i) => i !== index);
      throw e;
    }
    return cloneValue(info);
  }

  getPermission(): CollectionPermission {
    this.checkOpen();
    return cloneValue(this.permission ?? DEFAULT_PERMISSION);
  }

  async setPermission(permission: CollectionPermission): Promise<void> {
    this.checkOpen();
    const next = checkPermission(permission);
    const before = this.permission;
    this.permission = next;
    try {
      await this.host.saveCatalog();
    } catch (e) {
      this.permission = before;
      throw e;
    }
  }

  async dropIndex(name: string): Promise<void> {
    this.checkOpen();
    if (name === ID_INDEX.name) throw invalidArgument('The _id_ index cannot be dropped.');
    const index = this.indexes.find((i) => i.name === name);
    if (!index) throw new StudioError('IndexNotFound', `Index ${String(name)} does not exist on ${this.name}.`);
    const before = this.indexes;
    this.indexes = this.indexes.filter((i) => i !== index);
    try {
      await this.host.saveCatalog();
    } catch (e) {
      this.indexes = before;
      throw e;
    }
  }

  // ---- files ----

  private journalBytes(): number {
    return this.olderJournalBytes + this.journal.size;
  }

  private worthCompacting(): boolean {
    const bytes = this.journalBytes();
    return bytes > Math.max(this.host.compactionMinBytes, this.snapshotBytes * this.host.compactionRatio, this.compactionFloor);
  }

  private maybeCompact(): void {
    if (this.compacting || this.state !== 'open' || !this.worthCompacting()) return;
    this.compacting = this.compact()
      .catch(() => {
        // The journals still hold everything; try again once they have grown further.
        this.compactionFloor = this.journalBytes() * 2;
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Rewrites the snapshot from memory and drops the journals it covers. */
  async compact(): Promise<void> {
    const old = this.journal;
    // Writes from here on go to the next generation; the snapshot holds everything before.
    this.journal = nextJournal(this.host.folder, this.entry.file, old.generation + 1);
    const docs = this.primary.snapshot();
    this.olderJournalBytes += old.size;
    await old.close();
    this.snapshotBytes = await writeSnapshot(this.host.folder, this.entry.file, old.generation, docs);
    this.olderJournalBytes = 0;
    this.compactionFloor = 0;
  }

  /** Waits for writes and compaction in flight; compacts first when `compactIfWorthwhile`. */
  async close(compactIfWorthwhile = true): Promise<void> {
    if (this.state === 'closed') return;
    await this.compacting;
    if (compactIfWorthwhile && this.state === 'open' && this.worthCompacting()) {
      await this.compact().catch(() => undefined);
    }
    if (this.state === 'open') this.state = 'closed';
    await this.journal.close();
  }

  /** Marks the collection deleted: every later call fails with CollectionNotFound. */
  markDropped(): void {
    this.state = 'dropped';
  }

  /** Undoes markDropped when the catalogue could not be saved. */
  unmarkDropped(): void {
    this.state = 'open';
  }

  /** Removes the collection's files once the catalogue no longer names it. */
  async destroy(): Promise<void> {
    await this.compacting;
    await this.journal.close();
    await removeCollectionFiles(this.host.folder, this.entry.file);
  }

  /** Documents for another collection's `$lookup`; not copied (the caller copies). */
  allDocuments(): StoredDocument[] {
    return this.primary.snapshot();
  }
}
