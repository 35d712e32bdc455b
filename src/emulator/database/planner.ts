/**
 * Chooses how a query reads the collection: point lookups or a range scan on an index, in index
 * order when that order is the requested sort, otherwise a full scan. Candidates are always
 * checked against the whole filter afterwards, so a plan only has to find a superset of the
 * matches; it never decides what matches.
 */
import { MAX_INDEX_INTERVALS } from './limits';
import { Edge, HIGHEST, LOWEST, type IndexKeyTuple } from './keys';
import type { OrderedIndex } from './primary-index';
import { Rank, bsonType, compareValues, isPlainObject, typeRank, type PlainObject } from './values';

/** Allowed values of one field, in value order: a list of points or one range. */
type FieldBounds = { points: unknown[] } | { low: unknown; high: unknown };

export interface Interval {
  low: IndexKeyTuple;
  high: IndexKeyTuple;
}

export interface SortSpec {
  /** Sort keys before the `_id` tie-break. */
  keys: { field: string; direction: 1 | -1 }[];
  /** The `_id` direction when the caller sorted on `_id` explicitly; ascending otherwise. */
  tie?: 1 | -1;
}

export interface Plan {
  index: OrderedIndex;
  intervals: Interval[];
  reverse: boolean;
  /** Results come out in the requested sort order (ties aside). */
  ordered: boolean;
  /** Direction of `_id` among equal index values as the walk meets them. */
  tie: 1 | -1;
  /** The index narrows the candidates (rather than only ordering them). */
  narrowed: boolean;
  /** Fields fixed to one value by the filter, by position in the index: these let a cursor seek. */
  points: Map<string, unknown>;
}

const INDEXABLE_RANKS = new Set<number>([Rank.Null, Rank.Number, Rank.String, Rank.Boolean, Rank.Date, Rank.ObjectId]);

function indexable(v: unknown): boolean {
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  if (v instanceof RegExp || bsonType(v) === 'BSONRegExp') return false;
  return INDEXABLE_RANKS.has(typeRank(v));
}

function dedupe(values: unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(v, sorted[i - 1]) !== 0);
}

/** Bounds one field's condition allows, or undefined when it gives no usable bound. */
function boundsOf(condition: unknown): FieldBounds | undefined {
  if (!isPlainObject(condition) || !Object.keys(condition).some((k) => k.startsWith('$'))) {
    return indexable(condition) ? { points: [condition] } : undefined;
  }
  if ('$eq' in condition && indexable(condition.$eq)) return { points: [condition.$eq] };
  if (Array.isArray(condition.$in) && condition.$in.length > 0 && condition.$in.every(indexable)) {
    return { points: dedupe(condition.$in) };
  }
  let low: unknown;
  let high: unknown;
  let rank: number | undefined;
  const take = (op: string, v: unknown) => {
    if (!indexable(v) || v === null) return;
    const r = typeRank(v);
    if (rank !== undefined && r !== rank) return;
    rank = r;
    if (op === '$gt') low = Edge.around(v, 1);
    else if (op === '$gte') low = Edge.around(v, -1);
    else if (op === '$lt') high = Edge.around(v, -1);
    else high = Edge.around(v, 1);
  };
  for (const op of ['$gt', '$gte', '$lt', '$lte']) if (op in condition) take(op, condition[op]);
  if (rank === undefined) return undefined;
  // MongoDB compares within one type only: $gt: 5 never matches a string.
  return { low: low ?? Edge.ofType(rank, -1), high: high ?? Edge.ofType(rank, 1) };
}

/** Field → bounds from the filter's top level and its `$and`s. */
export function fieldBounds(filter: PlainObject): Map<string, FieldBounds> {
  const out = new Map<string, FieldBounds>();
  const visit = (f: PlainObject) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const part of v) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (k.startsWith('$') || out.has(k)) continue;
      const b = boundsOf(v);
      if (b) out.set(k, b);
    }
  };
  visit(filter);
  return out;
}

interface Candidate extends Plan {
  /** Constrained fields, for ranking; point fields count double. */
  score: number;
}

/** How an index reads for these bounds, and whether that order serves the sort. */
function consider(index: OrderedIndex, bounds: Map<string, FieldBounds>, sort: SortSpec, isPrimary: boolean): Candidate | undefined {
  const fields = isPrimary ? ['_id'] : index.fields;
  const perField: FieldBounds[] = [];
  let intervalCount = 1;
  let score = 0;
  for (const field of fields) {
    const b = bounds.get(field);
    if (!b) break;
    if ('points' in b) {
      if (intervalCount * b.points.length > MAX_INDEX_INTERVALS) break;
      intervalCount *= b.points.length;
      perField.push(b);
      score += 2;
    } else {
      perField.push(b);
      score += 1;
      break;
    }
  }
  const points = new Map<string, unknown>();
  let pointPrefix = 0;
  for (const b of perField) {
    if (!('points' in b) || b.points.length !== 1) break;
    points.set(fields[pointPrefix], b.points[0]);
    pointPrefix++;
  }

  // Does walking this index give the sort keys' order? (Ties come out in `_id` order, ascending
  // forwards and descending in reverse; the executor puts them in the requested direction.)
  let direction: 1 | -1 | undefined;
  let covers = true;
  const remaining = isPrimary ? [] : fields.slice(pointPrefix);
  const sortKeys = sort.keys.filter((k) => !(points.has(k.field) && !index.multikey && !isPrimary));
  if (index.multikey && (pointPrefix < fields.length || sortKeys.length > 0)) covers = false;
  if (covers && sortKeys.length > 0) {
    if (sortKeys.length !== remaining.length) covers = false;
    else {
      sortKeys.forEach((k, i) => {
        if (k.field !== remaining[i]) covers = false;
        const d = (k.direction * index.directions[pointPrefix + i]) as 1 | -1;
        if (direction === undefined) direction = d;
        else if (direction !== d) covers = false;
      });
    }
  } else if (covers && remaining.length > 0) {
    covers = false;
  }
  const reverse = covers ? (direction ?? sort.tie ?? 1) === -1 : false;

  return {
    index,
    intervals: intervals(index, isPrimary, perField),
    reverse,
    ordered: covers,
    tie: reverse ? -1 : 1,
    narrowed: perField.length > 0,
    points,
    score,
  };
}

function intervals(index: OrderedIndex, isPrimary: boolean, perField: FieldBounds[]): Interval[] {
  const width = isPrimary ? 1 : index.fields.length + 1;
  let prefixes: { low: unknown[]; high: unknown[] }[] = [{ low: [], high: [] }];
  perField.forEach((b, i) => {
    const dir = isPrimary ? 1 : index.directions[i];
    if ('points' in b) {
      const next: typeof prefixes = [];
      for (const p of prefixes) for (const v of b.points) next.push({ low: [...p.low, v], high: [...p.high, v] });
      prefixes = next;
    } else {
      for (const p of prefixes) {
        p.low.push(dir === 1 ? b.low : b.high);
        p.high.push(dir === 1 ? b.high : b.low);
      }
    }
  });
  const list = prefixes.map((p) => {
    const low = [...p.low];
    const high = [...p.high];
    // Unbounded fields: in a descending field the highest value comes first.
    for (let i = low.length; i < width; i++) {
      const dir = isPrimary || i >= index.fields.length ? 1 : index.directions[i];
      low.push(dir === 1 ? LOWEST : HIGHEST);
      high.push(dir === 1 ? HIGHEST : LOWEST);
    }
    return { low, high };
  });
  list.sort((a, b) => index.compare(a.low, b.low));
  return list;
}

/** Matching candidates an index offers, counted up to `cap`: a cheap trial run between plans. */
function countUpTo(plan: Plan, cap: number): number {
  let n = 0;
  for (const iv of plan.intervals) {
    for (const _ of plan.index.scan(iv.low, iv.high, false)) {
      void _;
      if (++n >= cap) return n;
    }
  }
  return n;
}

const TRIAL_CAP = 10_000;

/** `sort` undefined: any order will do (counting, updating, deleting). */
export function choosePlan(primary: OrderedIndex, secondary: readonly OrderedIndex[], filter: PlainObject, sort?: SortSpec): Plan {
  const ordering = sort ?? { keys: [] };
  const bounds = fieldBounds(filter);
  const base = consider(primary, bounds, ordering, true)!;
  const options: Candidate[] = [base];
  for (const index of secondary) {
    const c = consider(index, bounds, ordering, false);
    if (c && (c.narrowed || c.ordered)) options.push(c);
  }

  // _id lookups and fully bound unique indexes read at most a handful of documents.
  const exact = options.find((o) => o.narrowed && o.index.unique && o.points.size === Math.max(1, o.index.fields.length));
  if (exact) return exact;

  const narrowed = options.filter((o) => o.narrowed).sort((a, b) => b.score - a.score || Number(b.ordered) - Number(a.ordered));
  const best = narrowed[0];
  if (best && (best.ordered || sort === undefined)) return best;
  const ordered = options.filter((o) => o.ordered).sort((a, b) => Number(b.narrowed) - Number(a.narrowed) || b.score - a.score);
  if (best && (ordered.length === 0 || countUpTo(best, TRIAL_CAP) < TRIAL_CAP)) return best;
  if (ordered.length > 0) return ordered[0];
  return base;
}
