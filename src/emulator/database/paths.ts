/**
 * Reading a dot path the way MongoDB's indexes and sorts do: a path walks into arrays of
 * documents, and an array at the end contributes each of its elements.
 */
import { compareValues, isPlainObject } from './values';

const NUMERIC = /^\d+$/;

export interface PathValues {
  values: unknown[];
  /** An array was met on the way or at the end: the value is multi-valued. */
  multi: boolean;
}

function collect(value: unknown, segments: readonly string[], i: number, out: PathValues): void {
  if (i === segments.length) {
    if (Array.isArray(value)) {
      out.multi = true;
      // An empty array is its own key, as MongoDB keeps it distinct from a missing field.
      if (value.length === 0) out.values.push(value);
      else for (const el of value) out.values.push(el);
    } else {
      out.values.push(value === undefined ? null : value);
    }
    return;
  }
  const seg = segments[i];
  if (Array.isArray(value)) {
    out.multi = true;
    const before = out.values.length;
    if (NUMERIC.test(seg)) collect(value[Number(seg)], segments, i + 1, out);
    for (const el of value) if (isPlainObject(el)) collect(el[seg], segments, i + 1, out);
    if (out.values.length === before) out.values.push(null);
    return;
  }
  if (isPlainObject(value)) collect(value[seg], segments, i + 1, out);
  else out.values.push(null);
}

/** Every value a path reaches in a document; a missing field gives `[null]`. */
export function pathValues(doc: Record<string, unknown>, segments: readonly string[]): PathValues {
  const out: PathValues = { values: [], multi: false };
  if (segments.length === 1 && !Array.isArray(doc[segments[0]])) {
    const v = doc[segments[0]];
    out.values.push(v === undefined ? null : v);
    return out;
  }
  collect(doc, segments, 0, out);
  return out;
}

/** The value a sort uses: MongoDB sorts an array by its smallest element ascending and its largest descending. */
export function sortValue(doc: Record<string, unknown>, segments: readonly string[], direction: 1 | -1): unknown {
  const { values, multi } = pathValues(doc, segments);
  if (!multi) return values[0];
  let best: unknown = undefined;
  let first = true;
  for (const v of values) {
    const candidate = Array.isArray(v) && v.length === 0 ? null : v;
    if (first || compareValues(candidate, best) * direction < 0) best = candidate;
    first = false;
  }
  return best;
}

export function splitPath(path: string): string[] {
  return path.split('.');
}
