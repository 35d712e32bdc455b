/**
 * One secondary index: the store's entries table, keyed by the index's prefix, the field values
 * and the `_id` (key-encoding.ts), so a range of values is a range of keys. A document whose
 * indexed field holds an array gets one entry per element (a multikey index, as in MongoDB).
 */
import type { IndexInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { StoredDocument } from './api';
import { afterPrefix, boundKey, decodeEntryKey, entryKey, isOrdered } from './key-encoding';
import { keyComparator, type IndexKeyTuple } from './keys';
import { pathValues, splitPath } from './paths';
import { MAX_KEY_BYTES, keyRange, type PrimaryIndex } from './primary-index';
import type { Store } from './store';
import { compareValues } from './values';

const EMPTY = Buffer.alloc(0);

export interface IndexKeys {
  keys: unknown[][];
  /** Entries that keep the index from serving sorts: from arrays, or of values not stored in order. */
  multi: boolean;
}

export class SecondaryIndex {
  readonly fields: readonly string[];
  readonly directions: readonly (1 | -1)[];
  private readonly keyDirections: readonly (1 | -1)[];
  private readonly segments: readonly string[][];
  readonly compare: (a: IndexKeyTuple, b: IndexKeyTuple) => number;
  private readonly prefix: Buffer;
  private readonly multiKey: string;

  constructor(
    readonly info: IndexInfo,
    private readonly store: Store,
    stem: string,
    private readonly primary: PrimaryIndex,
  ) {
    this.fields = info.keys.map((k) => k.field);
    this.directions = info.keys.map((k) => k.direction);
    this.keyDirections = [...this.directions, 1];
    this.segments = this.fields.map(splitPath);
    this.compare = keyComparator(this.directions);
    this.prefix = Buffer.from(`${stem}\u0000${info.name}\u0000`);
    this.multiKey = `multi:${stem}:${info.name}`;
  }

  get name(): string {
    return this.info.name;
  }

  get unique(): boolean {
    return this.info.unique;
  }

  get multikey(): boolean {
    return this.store.count(this.multiKey) > 0;
  }

  /**
   * The key tuples (without `_id`) of a document, deduplicated. Arrays in two fields of one
   * compound index are refused, as MongoDB refuses "parallel arrays".
   */
  keysOf(doc: StoredDocument): IndexKeys {
    let tuples: unknown[][] = [[]];
    let multiFields = 0;
    let unordered = false;
    for (const segments of this.segments) {
      const { values, multi } = pathValues(doc, segments);
      if (multi) multiFields++;
      for (const v of values) if (!isOrdered(v)) unordered = true;
      if (values.length === 1) {
        for (const t of tuples) t.push(values[0]);
        continue;
      }
      if (multiFields > 1) {
        throw new StudioError('InvalidDocument', `Index ${this.name} cannot hold arrays in more than one of its fields (document ${doc._id}).`);
      }
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of values) next.push([...t, v]);
      tuples = next;
    }
    if (tuples.length > 1) {
      tuples.sort((a, b) => {
        for (let i = 0; i < a.length; i++) {
          const c = compareValues(a[i], b[i]);
          if (c !== 0) return c;
        }
        return 0;
      });
      tuples = tuples.filter((t, i) => i === 0 || t.some((v, j) => compareValues(v, tuples[i - 1][j]) !== 0));
    }
    return { keys: tuples, multi: multiFields > 0 || unordered };
  }

  private entryKeyOf(key: unknown[], id: string): Buffer {
    const bytes = entryKey(this.prefix, [...key, id], this.keyDirections);
    if (bytes.length > MAX_KEY_BYTES) {
      throw new StudioError('InvalidDocument', `A value in index ${this.name} is too large to index (document ${id}).`);
    }
    return bytes;
  }

  /** The `_id` of another document holding one of these keys, if this is a unique index. */
  conflict(keys: unknown[][], id: string): { key: unknown[]; id: string } | undefined {
    if (!this.info.unique) return undefined;
    for (const key of keys) {
      const start = entryKey(this.prefix, key, this.directions);
      for (const { key: found } of keyRange(this.store.entries, start, afterPrefix(start), false, false)) {
        const other = decodeEntryKey(found, this.prefix.length, this.keyDirections).values[key.length] as string;
        if (other !== id) return { key, id: other };
      }
    }
    return undefined;
  }

  /** Inside a store write. */
  add(doc: StoredDocument, computed = this.keysOf(doc)): void {
    for (const key of computed.keys) void this.store.entries.put(this.entryKeyOf(key, doc._id), EMPTY);
    if (computed.multi) this.store.addCount(this.multiKey, 1);
  }

  /** Inside a store write. */
  remove(doc: StoredDocument, computed = this.keysOf(doc)): void {
    for (const key of computed.keys) void this.store.entries.remove(this.entryKeyOf(key, doc._id));
    if (computed.multi) this.store.addCount(this.multiKey, -1);
  }

  /** Inside a store write: entries for existing documents; DuplicateKey (and the write undone) when a unique index would be violated. */
  build(docs: Iterable<StoredDocument>): void {
    for (const doc of docs) {
      const computed = this.keysOf(doc);
      const clash = this.conflict(computed.keys, doc._id);
      if (clash) throw duplicateKey(this, clash.key, doc._id);
      this.add(doc, computed);
    }
  }

  /** Inside a store write: removes every entry and the counter. */
  clear(): void {
    for (const { key } of keyRange(this.store.entries, this.prefix, afterPrefix(this.prefix), false, false)) void this.store.entries.remove(key);
    void this.store.meta.remove(this.multiKey);
  }

  /** Entries from `low` to `high` (inclusive bounds; Edges make them exact), in index order or reversed. */
  *scan(low: IndexKeyTuple, high: IndexKeyTuple, reverse: boolean): Generator<[IndexKeyTuple, StoredDocument]> {
    const from = boundKey(this.prefix, low, this.keyDirections, false);
    const to = boundKey(this.prefix, high, this.keyDirections, true);
    for (const { key } of keyRange(this.store.entries, from, to, reverse, false)) {
      const tuple = decodeEntryKey(key, this.prefix.length, this.keyDirections).values;
      const doc = this.primary.get(tuple[tuple.length - 1] as string);
      if (doc) yield [tuple, doc];
    }
  }
}

export function duplicateKey(index: SecondaryIndex, key: unknown[], id: string): StudioError {
  const shown = index.fields.map((f, i) => `${f}: ${JSON.stringify(key[i]) ?? 'null'}`).join(', ');
  return new StudioError('DuplicateKey', `Duplicate key in unique index ${index.name} { ${shown} } (document ${id}).`);
}
