/**
 * Plain predicates for the filter shapes most calls use: equality, `$ne`, ranges, `$in`/`$nin` of
 * primitives, top-level `$exists`, `$and`/`$or`. Each one reproduces what mingo's operator does
 * (mingo/operators/_predicates), so the results never differ from the mingo path (see
 * test/unit/database/fast-filter.test.ts); the gain is skipping mingo's generic path resolution,
 * deep equality and hashing per document. A condition outside these shapes gets `undefined` and
 * the caller runs it through mingo.
 */
import { flatten, resolve } from 'mingo/util';
import { isPlainObject, type PlainObject } from './values';

export type Predicate = (doc: PlainObject) => boolean;

type Primitive = string | number | boolean | null;

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte']);
const FIELD_OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', '$exists', ...RANGE]);

function isPrimitive(v: unknown): v is Primitive {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

function isEqualityOperand(v: unknown): v is Primitive | Date {
  return isPrimitive(v) || (v instanceof Date && !Number.isNaN(v.getTime()));
}

function isRangeOperand(v: unknown): v is string | number | Date {
  return typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v)) || (v instanceof Date && !Number.isNaN(v.getTime()));
}

/** Path segments mingo reads as plain keys: no array indexes, no prototype names. */
function isPlainPath(field: string): boolean {
  if (field === '' || field.startsWith('$')) return false;
  return field.split('.').every((s) => s !== '' && !/^\d+$/.test(s) && s !== '__proto__' && s !== 'constructor' && s !== 'prototype' && !(s in Object.prototype));
}

/** The value mingo's field operators see: a top-level key, or the path resolved through arrays. */
function reader(field: string): (doc: PlainObject) => unknown {
  if (!field.includes('.')) return (doc) => (Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined);
  const opts = { unwrapArray: true };
  return (doc) => resolve(doc, field, opts);
}

/** mingo's $eq against a primitive: same value, nil against null, or an element (flattened to the path's depth). */
function equals(b: Primitive | Date, depth: number): (a: unknown) => boolean {
  if (b instanceof Date) {
    const t = b.getTime();
    const same = (v: unknown) => v instanceof Date && v.getTime() === t;
    return (a) => same(a) || (Array.isArray(a) && (a.some(same) || flatten(a, depth).some(same)));
  }
  if (b === null) {
    return (a) => a === null || a === undefined || (Array.isArray(a) && (a.some((v) => v === null) || flatten(a, depth).some((v) => v === null)));
  }
  return (a) => a === b || (Array.isArray(a) && (a.includes(b) || flatten(a, depth).includes(b)));
}

/** mingo's $in against primitives: nil matches only a listed null; otherwise the value or one of its elements is listed. */
function within(list: Primitive[]): (a: unknown) => boolean {
  const set = new Set<unknown>(list);
  const hasNull = set.has(null);
  return (a) => {
    if (a === null || a === undefined) return hasNull;
    if (!Array.isArray(a)) return set.has(a);
    for (const v of a) if (set.has(v)) return true;
    return false;
  };
}

/** mingo's range operators: the value or one of its elements, of the operand's own type. */
function range(op: string, b: string | number | Date): (a: unknown) => boolean {
  const date = b instanceof Date;
  const key = date ? b.getTime() : b;
  const kind = typeof b;
  const cmp =
    op === '$gt' ? (x: string | number) => x > key : op === '$gte' ? (x: string | number) => x >= key : op === '$lt' ? (x: string | number) => x < key : (x: string | number) => x <= key;
  const one = date
    ? (v: unknown) => v instanceof Date && cmp(v.getTime())
    : (v: unknown) => typeof v === kind && cmp(v as string | number);
  return (a) => (Array.isArray(a) ? a.some(one) : one(a));
}

function fieldOperator(field: string, op: string, value: unknown, depth: number): ((a: unknown) => boolean) | undefined {
  switch (op) {
    case '$eq':
      return isEqualityOperand(value) ? equals(value, depth) : undefined;
    case '$ne': {
      if (!isEqualityOperand(value)) return undefined;
      const eq = equals(value, depth);
      return (a) => !eq(a);
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(value) || !value.every(isPrimitive)) return undefined;
      const test = within(value as Primitive[]);
      return op === '$in' ? test : (a) => !test(a);
    }
    case '$exists': {
      // Dotted $exists walks arrays differently in mingo (resolveGraph): left to mingo.
      if (field.includes('.')) return undefined;
      const want = !!value;
      return (a) => (a !== undefined) === want;
    }
    default:
      return RANGE.has(op) && isRangeOperand(value) ? range(op, value) : undefined;
  }
}

/** One field's condition: a primitive (equality) or an object of supported operators. */
function fieldCondition(field: string, condition: unknown): Predicate | undefined {
  if (!isPlainPath(field)) return undefined;
  const depth = field.split('.').length - 1;
  const read = reader(field);
  if (isEqualityOperand(condition)) {
    const test = equals(condition, depth);
    return (doc) => test(read(doc));
  }
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.keys(condition);
  if (ops.length === 0 || !ops.every((k) => FIELD_OPERATORS.has(k))) return undefined;
  const tests: ((a: unknown) => boolean)[] = [];
  for (const op of ops) {
    const test = fieldOperator(field, op, condition[op], depth);
    if (!test) return undefined;
    tests.push(test);
  }
  if (tests.length === 1) {
    const [test] = tests;
    return (doc) => test(read(doc));
  }
  return (doc) => {
    const a = read(doc);
    for (const t of tests) if (!t(a)) return false;
    return true;
  };
}

const DISCARDED = (): Predicate => () => false;

function all(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) {
    const [a, b] = parts;
    return (doc) => a(doc) && b(doc);
  }
  return (doc) => parts.every((p) => p(doc));
}

/**
 * Compiles a filter (already checked and prepared by ./query.ts) to one predicate. Top-level
 * conditions are evaluated in the filter's key order, as mingo does, and a condition this module
 * does not compile is handed to `fallback` (a mingo query for just that condition). Returns
 * undefined when nothing could be compiled, so the caller keeps the plain mingo path.
 */
export function compileFastFilter(filter: PlainObject, fallback: (part: PlainObject) => Predicate): { test: Predicate; complete: boolean } | undefined {
  let complete = true;
  let compiledAny = false;
  const parts: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    let part: Predicate | undefined;
    if ((key === '$and' || key === '$or') && Array.isArray(condition) && condition.length > 0) {
      // A branch that is not wholly compiled sends the whole operator to mingo, so its parts need no fallback.
      const subs = condition.map((c) => (isPlainObject(c) ? compileFastFilter(c, DISCARDED) : undefined));
      if (subs.every((s) => s?.complete)) {
        const tests = subs.map((s) => s!.test);
        part = key === '$and' ? all(tests) : (doc) => tests.some((t) => t(doc));
      }
    } else if (!key.startsWith('$')) {
      part = fieldCondition(key, condition);
    }
    if (part) compiledAny = true;
    else {
      complete = false;
      part = fallback({ [key]: condition });
    }
    parts.push(part);
  }
  if (!compiledAny || parts.length === 0) return undefined;
  return { test: all(parts), complete };
}
