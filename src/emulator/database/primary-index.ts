/**
 * The `_id_` index, which is also where documents live: an ordered B+ tree from `_id` to document.
 * Ids made by the engine are time-ordered, so this order is insertion order.
 */
import BTree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad';
import type { IndexInfo } from '../../shared/model';
import type { StoredDocument } from './api';
import { compareIds, type IndexKeyTuple } from './keys';

const NODE_SIZE = 128;

export const ID_INDEX: IndexInfo = { name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true };

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

export class PrimaryIndex implements OrderedIndex {
  readonly name = ID_INDEX.name;
  readonly unique = true;
  readonly multikey = false;
  readonly fields: readonly string[] = [];
  readonly directions: readonly (1 | -1)[] = [];
  readonly compare = (a: IndexKeyTuple, b: IndexKeyTuple): number => compareIds(a[0], b[0]);
  private tree = new BTree<unknown, StoredDocument>(undefined, compareIds, NODE_SIZE);

  get size(): number {
    return this.tree.size;
  }

  get(id: string): StoredDocument | undefined {
    return this.tree.get(id);
  }

  set(doc: StoredDocument): void {
    this.tree.set(doc._id, doc);
  }

  delete(id: string): void {
    this.tree.delete(id);
  }

  values(): IterableIterator<StoredDocument> {
    return this.tree.values();
  }

  allDocuments(): Iterable<StoredDocument> {
    return this.tree.values();
  }

  /** Every document, in `_id` order, as an array that later writes do not change. */
  snapshot(): StoredDocument[] {
    return this.tree.valuesArray();
  }

  maxId(): string | undefined {
    return this.tree.maxKey() as string | undefined;
  }

  /** Replaces the content with documents sorted by `_id`; used when a collection is opened. */
  load(docs: StoredDocument[]): void {
    this.tree = bulkLoad(
      docs.map((d) => d._id),
      docs,
      NODE_SIZE,
      compareIds,
    ) as BTree<unknown, StoredDocument>;
  }

  *scan(low: IndexKeyTuple, high: IndexKeyTuple, reverse: boolean): Generator<[IndexKeyTuple, StoredDocument]> {
    if (!reverse) {
      for (const [id, doc] of this.tree.entries(low[0])) {
        if (compareIds(id, high[0]) > 0) return;
        yield [[id], doc];
      }
    } else {
      for (const [id, doc] of this.tree.entriesReversed(high[0])) {
        if (compareIds(id, low[0]) < 0) return;
        yield [[id], doc];
      }
    }
  }
}
