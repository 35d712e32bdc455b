/**
 * Runs a plan: walks the chosen index, checks each candidate against the filter, and produces the
 * page in sort order. An ordered plan stops as soon as the page is full; otherwise matches are
 * ranked with a bounded heap so a first page never sorts the whole collection.
 */
import type { StoredDocument } from './api';
import type { CompiledFilter } from './query';
import { encodeCursor, type CursorPosition } from './cursor';
import { HIGHEST, LOWEST, compareComponent, type IndexKeyTuple } from './keys';
import { sortValue, splitPath } from './paths';
import type { Plan, SortSpec } from './planner';
import { compareValues } from './values';

export interface PageRequestInternal {
  filter: CompiledFilter;
  sort: SortSpec;
  sortSignature: string;
  skip: number;
  /** Undefined: everything. */
  limit?: number;
  after?: CursorPosition;
}

export interface ExecutionStats {
  examined: number;
}

export interface PageOutcome {
  documents: StoredDocument[];
  nextCursor?: string;
}

interface Ranked {
  values: unknown[];
  doc: StoredDocument;
}

class SortOrder {
  private readonly readers: ((doc: StoredDocument) => unknown)[];
  constructor(
    private readonly spec: SortSpec,
    readonly tie: 1 | -1,
  ) {
    this.readers = spec.keys.map((k) => {
      const segments = splitPath(k.field);
      const general = (doc: StoredDocument) => sortValue(doc, segments, k.direction);
      if (segments.length > 1) return general;
      // Top-level fields holding no array are most sorts: read them directly.
      const field = segments[0];
      return (doc: StoredDocument) => {
        const v = doc[field];
        return v === undefined ? null : Array.isArray(v) ? general(doc) : v;
      };
    });
  }

  valuesOf(doc: StoredDocument): unknown[] {
    const out = new Array(this.readers.length);
    for (let i = 0; i < out.length; i++) out[i] = this.readers[i](doc);
    return out;
  }

  compare(a: unknown[], aId: string, b: unknown[], bId: string): number {
    const keys = this.spec.keys;
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c * keys[i].direction;
    }
    return (aId < bId ? -1 : aId > bId ? 1 : 0) * this.tie;
  }
}

/**
 * Index entries in the plan's intervals, in walk order, starting at `seek` when given (entries
 * equal to `seek` are skipped: that is the last document of the previous page).
 */
function* entries(plan: Plan, seek: IndexKeyTuple | undefined, stats: ExecutionStats): Generator<[IndexKeyTuple, StoredDocument]> {
  const { index } = plan;
  const seen = index.multikey ? new Set<string>() : undefined;
  const list = plan.reverse ? [...plan.intervals].reverse() : plan.intervals;
  for (const iv of list) {
    let { low, high } = iv;
    if (seek) {
      if (!plan.reverse) {
        if (index.compare(high, seek) <= 0) continue;
        if (index.compare(seek, low) > 0) low = seek;
      } else {
        if (index.compare(low, seek) >= 0) continue;
        if (index.compare(seek, high) < 0) high = seek;
      }
    }
    for (const entry of index.scan(low, high, plan.reverse)) {
      if (seek && index.compare(entry[0], seek) === 0) continue;
      const doc = entry[1];
      if (seen) {
        if (seen.has(doc._id)) continue;
        seen.add(doc._id);
      }
      stats.examined++;
      yield entry;
    }
  }
}

function* candidates(plan: Plan, stats: ExecutionStats): Generator<StoredDocument> {
  const all = plan.narrowed ? undefined : plan.index.allDocuments?.();
  if (all) {
    // A full scan of the primary index: straight over the documents, no key tuples.
    for (const doc of all) {
      stats.examined++;
      yield doc;
    }
    return;
  }
  for (const [, doc] of entries(plan, undefined, stats)) yield doc;
}

/** Same index values (the `_id` component aside). */
function sameValues(plan: Plan, a: IndexKeyTuple, b: IndexKeyTuple): boolean {
  for (let i = 0; i < plan.index.fields.length; i++) if (compareComponent(a[i], b[i]) !== 0) return false;
  return true;
}

/**
 * Reads an ordered plan into `accept` (which returns true once the page is full). When the walk
 * meets ties in the opposite `_id` direction to the one wanted, each run of equal values is
 * gathered and replayed backwards; a cursor then starts at its whole run and keeps the ids after it.
 */
function readOrdered(plan: Plan, req: PageRequestInternal, tie: 1 | -1, stats: ExecutionStats, accept: (doc: StoredDocument) => boolean): void {
  const cursorKey = req.after ? seekKey(plan, req.sort, req.after) : undefined;
  // In a unique index every run holds one document, so the tie direction cannot matter.
  if (plan.tie === tie || plan.index.unique) {
    for (const [, doc] of entries(plan, cursorKey, stats)) if (req.filter.test(doc) && accept(doc)) return;
    return;
  }
  const seek = cursorKey ? [...cursorKey.slice(0, -1), plan.reverse ? HIGHEST : LOWEST] : undefined;
  const afterId = req.after?.id;
  let run: StoredDocument[] = [];
  let runKey: IndexKeyTuple | undefined;
  const replay = (): boolean => {
    for (let i = run.length - 1; i >= 0; i--) if (req.filter.test(run[i]) && accept(run[i])) return true;
    run = [];
    return false;
  };
  for (const [key, doc] of entries(plan, seek, stats)) {
    if (runKey && !sameValues(plan, runKey, key) && replay()) return;
    runKey = key;
    if (cursorKey && afterId !== undefined && sameValues(plan, key, cursorKey)) {
      const after = tie === 1 ? doc._id > afterId : doc._id < afterId;
      if (!after) continue;
    }
    run.push(doc);
  }
  replay();
}

/** The index position of a cursor for an ordered plan. */
function seekKey(plan: Plan, sort: SortSpec, after: CursorPosition): IndexKeyTuple {
  const byField = new Map(sort.keys.map((k, i) => [k.field, after.values[i]]));
  const key = plan.index.fields.map((f) => (plan.points.has(f) ? plan.points.get(f) : byField.get(f) ?? null));
  key.push(after.id);
  return key;
}

/** Keeps the `size` smallest items under `compare` (a max-heap on the worst kept item). */
class BoundedHeap<T> {
  private readonly items: T[] = [];
  constructor(
    private readonly size: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    const h = this.items;
    if (h.length < this.size) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.compare(h[i], h[p]) <= 0) break;
        [h[i], h[p]] = [h[p], h[i]];
        i = p;
      }
      return;
    }
    if (this.size === 0 || this.compare(item, h[0]) >= 0) return;
    h[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.compare(h[l], h[m]) > 0) m = l;
      if (r < h.length && this.compare(h[r], h[m]) > 0) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }

  sorted(): T[] {
    return [...this.items].sort(this.compare);
  }
}

export function executeFind(plan: Plan, req: PageRequestInternal, stats: ExecutionStats): PageOutcome {
  const tie = req.sort.tie ?? 1;
  const order = new SortOrder(req.sort, tie);
  const want = req.limit === undefined ? Infinity : req.skip + req.limit + 1;
  let page: StoredDocument[];

  let skip = req.skip;
  if (plan.ordered) {
    // Skipped documents are counted, not kept: a skip of a million holds no million documents.
    page = [];
    readOrdered(plan, req, tie, stats, (doc) => {
      if (skip > 0) {
        skip--;
        return false;
      }
      page.push(doc);
      return page.length >= want - req.skip;
    });
  } else {
    const after = req.after;
    const rankedCompare = (a: Ranked, b: Ranked) => order.compare(a.values, a.doc._id, b.values, b.doc._id);
    const keep = (doc: StoredDocument): Ranked | undefined => {
      if (!req.filter.test(doc)) return undefined;
      const values = order.valuesOf(doc);
      if (after && order.compare(values, doc._id, after.values, after.id) <= 0) return undefined;
      return { values, doc };
    };
    if (want === Infinity) {
      const all: Ranked[] = [];
      for (const doc of candidates(plan, stats)) {
        const r = keep(doc);
        if (r) all.push(r);
      }
      page = all.sort(rankedCompare).map((r) => r.doc);
    } else {
      const heap = new BoundedHeap<Ranked>(want, rankedCompare);
      for (const doc of candidates(plan, stats)) {
        const r = keep(doc);
        if (r) heap.push(r);
      }
      page = heap.sorted().map((r) => r.doc);
    }
  }

  const afterSkip = skip > 0 ? page.slice(skip) : page;
  if (req.limit === undefined || afterSkip.length <= req.limit) return { documents: afterSkip };
  const documents = afterSkip.slice(0, req.limit);
  const last = documents[documents.length - 1];
  const nextCursor =
    last === undefined
      ? undefined
      : encodeCursor({ sort: req.sortSignature, values: order.valuesOf(last), id: last._id, tie });
  return { documents, nextCursor };
}

/** Matches, in the plan's order, for counting, updates and deletes. */
export function* matching(plan: Plan, filter: CompiledFilter, stats: ExecutionStats): Generator<StoredDocument> {
  for (const doc of candidates(plan, stats)) if (filter.test(doc)) yield doc;
}
