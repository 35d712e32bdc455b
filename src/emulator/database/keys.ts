/**
 * Index keys: a tuple of field values followed by the document's `_id`, so every entry is unique
 * and equal field values are ordered by `_id`. Range bounds are `Edge`s, which sit between real
 * values and never equal one, so every scan bound is simply inclusive.
 */
import { compareValues, typeRank } from './values';

export type IndexKeyTuple = unknown[];

/** A position between values: just below (`side` -1) or just above (+1) a value or a whole type. */
export class Edge {
  private constructor(
    readonly value: unknown,
    /** Set for the edge of a whole type. */
    readonly rank: number | undefined,
    readonly side: -1 | 1,
  ) {}

  static around(value: unknown, side: -1 | 1): Edge {
    return new Edge(value, undefined, side);
  }

  /** The start (-1) or end (+1) of the values of one type, for MongoDB's type-bracketed ranges. */
  static ofType(rank: number, side: -1 | 1): Edge {
    return new Edge(undefined, rank, side);
  }

  /** Compares this edge with a real value, in ascending value order. Never 0. */
  compareTo(v: unknown): number {
    if (this.rank !== undefined) {
      const r = typeRank(v);
      return this.rank !== r ? this.rank - r : this.side;
    }
    return compareValues(this.value, v) || this.side;
  }
}

export const LOWEST = Edge.ofType(-1, -1);
export const HIGHEST = Edge.ofType(99, 1);

/** Ascending comparison of one key component; at most one side is an Edge. */
export function compareComponent(a: unknown, b: unknown): number {
  if (a instanceof Edge) return a.compareTo(b);
  if (b instanceof Edge) return -b.compareTo(a);
  return compareValues(a, b);
}

export function compareIds(a: unknown, b: unknown): number {
  if (a instanceof Edge || b instanceof Edge) return compareComponent(a, b);
  const x = a as string;
  const y = b as string;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders index key tuples: each field in its direction, then `_id` ascending. */
export function keyComparator(directions: readonly (1 | -1)[]): (a: IndexKeyTuple, b: IndexKeyTuple) => number {
  const n = directions.length;
  return (a, b) => {
    for (let i = 0; i < n; i++) {
      const c = compareComponent(a[i], b[i]);
      if (c !== 0) return c * directions[i];
    }
    return compareIds(a[n], b[n]);
  };
}
