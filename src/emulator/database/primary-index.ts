/**
 * The `_id_` index, which is also where documents live: the store's documents table, keyed by the
 * collection's prefix and the `_id`. Ids made by the engine are time-ordered, so this order is
 * insertion order. Documents are decoded when read; nothing is held in memory.
 */
import type { IndexInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { StoredDocument } from './api';
import { afterPrefix, boundKey, decodeEntryKey, entryKey } from './key-encoding';
import { compareIds, type IndexKeyTuple } from './keys';
import type { RangeTable, Store } from './store';

export const ID_INDEX: IndexInfo = { name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true };

/** LMDB's longest key, less room for the prefix. */
export const MAX_KEY_BYTES = 1900;
const ID_DIRECTIONS: readonly (1 | -1)[] = [1];

/** What the planner needs from an index, primary or secondary. */
export interface OrderedIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly multikey: boolean;
  /** Indexed fields before the trailing `_id`; empty for the primary index. */
  readonly fields: readonly string[];
  readonly directions: readonly (1 | -1)[];
  readonly compare: (a: IndexKeyTuple, b: IndexKeyTuple) => number;
  scan(low: IndexKeyTuple, high: IndexKeyTuple, reverse: boolean): Iterable<[IndexKeyTuple, StoredDocument]>;
  /** Every document once, when the index can list them cheaply (the primary index). */
  allDocuments?(): Iterable<StoredDocument>;
}

/** Store entries between `low` and `high` (inclusive low, exclusive high), in order or reversed; `value` only when `values`. */
export function* keyRange<V>(table: RangeTable<V>, low: Buffer, high: Buffer, reverse: boolean, values: boolean): Generator<{ key: Buffer; value: V }> {
  const read = (options: { start: Buffer; end?: Buffer; reverse?: boolean }): Iterable<{ key: Buffer; value: V }> =>
    values ? table.getRange(options) : mapKeys(table.getKeys(options));
  if (!reverse) {
    yield* read({ start: low, end: high });
    return;
  }
  for (const e of read({ start: high, reverse: true })) {
    if (Buffer.compare(e.key, low) < 0) return;
    if (e.key.equals(high)) continue;
    yield e;
  }
}

function* mapKeys<V>(keys: Iterable<Buffer>): Generator<{ key: Buffer; value: V }> {
  for (const key of keys) yield { key, value: undefined as V };
}

export class PrimaryIndex implements OrderedIndex {
  readonly name = ID_INDEX.name;
  readonly unique = true;
  readonly multikey = false;
  readonly fields: readonly string[] = [];
  readonly directions: readonly (1 | -1)[] = [];
  readonly compare = (a: IndexKeyTuple, b: IndexKeyTuple): number => compareIds(a[0], b[0]);
  readonly prefix: Buffer;
  /** Just above every key of the collection. */
  private readonly end: Buffer;
  private readonly countKey: string;
  private readonly bytesKey: string;

  constructor(
    private readonly store: Store,
    stem: string,
  ) {
    this.prefix = Buffer.from(`${stem}\u0000`);
    this.end = afterPrefix(this.prefix);
    this.countKey = `count:${stem}`;
    this.bytesKey = `bytes:${stem}`;
  }

  get size(): number {
    return this.store.count(this.countKey);
  }

  /** Bytes of the encoded documents. */
  get bytes(): number {
    return this.store.count(this.bytesKey);
  }

  keyOf(id: string): Buffer {
    const key = entryKey(this.prefix, [id], ID_DIRECTIONS);
    if (key.length > MAX_KEY_BYTES) throw new StudioError('InvalidDocument', `The _id is too long (${key.length} bytes; at most ${MAX_KEY_BYTES}).`);
    return key;
  }

  has(id: string): boolean {
    return this.store.documents.doesExist(this.keyOf(id));
  }

  get(id: string): StoredDocument | undefined {
    return this.store.documents.get(this.keyOf(id));
  }

  /** Bytes the stored document takes, undefined when there is none. */
  private storedSize(key: Buffer): number | undefined {
    return this.store.documents.getBinaryFast(key)?.length;
  }

  /** Inside a store write: stores a document (encoded by `encodeStored`), new (`knownNew`: checked absent already, not read again) or replacing. */
  put(id: string, encoded: Buffer, knownNew = false): void {
    const key = this.keyOf(id);
    const old = knownNew ? undefined : this.storedSize(key);
    void this.store.documents.put(key, encoded);
    if (old === undefined) this.store.addCount(this.countKey, 1);
    this.store.addCount(this.bytesKey, encoded.length - (old ?? 0));
  }

  /** Inside a store write. */
  delete(id: string): void {
    const key = this.keyOf(id);
    const old = this.storedSize(key);
    if (old === undefined) return;
    void this.store.documents.remove(key);
    this.store.addCount(this.countKey, -1);
    this.store.addCount(this.bytesKey, -old);
  }

  /** Inside a store write: removes every document and the counters. */
  clear(): void {
    for (const { key } of keyRange(this.store.documents, this.prefix, this.end, false, false)) {
      void this.store.documents.remove(key);
    }
    void this.store.meta.remove(this.countKey);
    void this.store.meta.remove(this.bytesKey);
  }

  *allDocuments(): Generator<StoredDocument> {
    for (const { value } of keyRange(this.store.documents, this.prefix, this.end, false, true)) yield value;
  }

  /** Every document, in `_id` order, as an array that later writes do not change. */
  snapshot(): StoredDocument[] {
    return [...this.allDocuments()];
  }

  maxId(): string | undefined {
    for (const { key } of keyRange(this.store.documents, this.prefix, this.end, true, false)) {
      return decodeEntryKey(key, this.prefix.length, ID_DIRECTIONS).values[0] as string;
    }
    return undefined;
  }

  *scan(low: IndexKeyTuple, high: IndexKeyTuple, reverse: boolean): Generator<[IndexKeyTuple, StoredDocument]> {
    const from = boundKey(this.prefix, low, ID_DIRECTIONS, false);
    const to = boundKey(this.prefix, high, ID_DIRECTIONS, true);
    for (const { value: doc } of keyRange(this.store.documents, from, to, reverse, true)) yield [[doc._id], doc];
  }
}
