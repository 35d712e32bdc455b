/**
 * One secondary index: an ordered B+ tree of (field values…, _id) → document. A document whose
 * indexed field holds an array gets one entry per element (a multikey index, as in MongoDB).
 */
import BTree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad';
import type { IndexInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { StoredDocument } from './api';
import { LOWEST, keyComparator, type IndexKeyTuple } from './keys';
import { pathValues, splitPath } from './paths';
import { compareValues } from './values';

const NODE_SIZE = 64;

export class SecondaryIndex {
  readonly fields: readonly string[];
  readonly directions: readonly (1 | -1)[];
  private readonly segments: readonly string[][];
  readonly compare: (a: IndexKeyTuple, b: IndexKeyTuple) => number;
  private tree: BTree<IndexKeyTuple, StoredDocument>;
  /** Documents whose entries came from arrays; while any exist the index cannot serve sorts. */
  private multikeyDocs = 0;

  constructor(readonly info: IndexInfo) {
    this.fields = info.keys.map((k) => k.field);
    this.directions = info.keys.map((k) => k.direction);
    this.segments = this.fields.map(splitPath);
    this.compare = keyComparator(this.directions);
    this.tree = new BTree<IndexKeyTuple, StoredDocument>(undefined, this.compare, NODE_SIZE);
  }

  get name(): string {
    return this.info.name;
  }

  get unique(): boolean {
    return this.info.unique;
  }

  get multikey(): boolean {
    return this.multikeyDocs > 0;
  }

  get size(): number {
    return this.tree.size;
  }

  /**
   * The key tuples (without `_id`) of a document, deduplicated. Arrays in two fields of one
   * compound index are refused, as MongoDB refuses "parallel arrays".
   */
  keysOf(doc: StoredDocument): { keys: unknown[][]; multi: boolean } {
    let tuples: unknown[][] = [[]];
    let multiFields = 0;
    for (const segments of this.segments) {
      const { values, multi } = pathValues(doc, segments);
      if (multi) multiFields++;
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
    return { keys: tuples, multi: multiFields > 0 };
  }

  /** Another document holding one of these keys, if this is a unique index. */
  conflict(keys: unknown[][], id: string): StoredDocument | undefined {
    if (!this.info.unique) return undefined;
    const n = this.fields.length;
    for (const key of keys) {
      let pair = this.tree.getPairOrNextHigher([...key, LOWEST]);
      while (pair && pair[1]._id === id) pair = this.tree.nextHigherPair(pair[0]);
      if (!pair) continue;
      let same = true;
      for (let i = 0; i < n && same; i++) same = compareValues(pair[0][i], key[i]) === 0;
      if (same) return pair[1];
    }
    return undefined;
  }

  add(doc: StoredDocument, computed = this.keysOf(doc)): void {
    for (const key of computed.keys) this.tree.set([...key, doc._id], doc);
    if (computed.multi) this.multikeyDocs++;
  }

  remove(doc: StoredDocument, computed = this.keysOf(doc)): void {
    for (const key of computed.keys) this.tree.delete([...key, doc._id]);
    if (computed.multi) this.multikeyDocs--;
  }

  /**
   * Builds the index over existing documents. Throws DuplicateKey (and builds nothing) when a
   * unique index would be violated.
   */
  build(docs: Iterable<StoredDocument>): void {
    const entries: [IndexKeyTuple, StoredDocument][] = [];
    let multikeyDocs = 0;
    for (const doc of docs) {
      const computed = this.keysOf(doc);
      if (computed.multi) multikeyDocs++;
      for (const key of computed.keys) entries.push([[...key, doc._id], doc]);
    }
    entries.sort((a, b) => this.compare(a[0], b[0]));
    if (this.info.unique) {
      const n = this.fields.length;
      for (let i = 1; i < entries.length; i++) {
        const [a, da] = entries[i - 1];
        const [b, db] = entries[i];
        if (da._id === db._id) continue;
        let same = true;
        for (let j = 0; j < n && same; j++) same = compareValues(a[j], b[j]) === 0;
        if (same) throw duplicateKey(this, b.slice(0, n), db._id);
      }
    }
    this.tree = bulkLoad(
      entries.map((e) => e[0]),
      entries.map((e) => e[1]),
      NODE_SIZE,
      this.compare,
    ) as BTree<IndexKeyTuple, StoredDocument>;
    this.multikeyDocs = multikeyDocs;
  }

  /** Entries from `low` to `high` (inclusive bounds; Edges make them exact), in index order or reversed. */
  *scan(low: IndexKeyTuple, high: IndexKeyTuple, reverse: boolean): Generator<[IndexKeyTuple, StoredDocument]> {
    if (!reverse) {
      for (const entry of this.tree.entries(low)) {
        if (this.compare(entry[0], high) > 0) return;
        yield entry;
      }
    } else {
      for (const entry of this.tree.entriesReversed(high)) {
        if (this.compare(entry[0], low) < 0) return;
        yield entry;
      }
    }
  }
}

export function duplicateKey(index: SecondaryIndex, key: unknown[], id: string): StudioError {
  const shown = index.fields.map((f, i) => `${f}: ${JSON.stringify(key[i]) ?? 'null'}`).join(', ');
  return new StudioError('DuplicateKey', `Duplicate key in unique index ${index.name} { ${shown} } (document ${id}).`);
}
