/**
 * Values as the engine holds them: plain objects, arrays, strings, numbers, booleans, null, Date,
 * and bson's value classes. This module orders them the way MongoDB does, copies them, and checks
 * documents before they are stored.
 */
import { BSONRegExp, Long } from 'bson';
import { StudioError } from '../../shared/errors';
import { isForbiddenName } from './guards';
import { MAX_NESTING_DEPTH } from './limits';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is PlainObject {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** bson's classes tag themselves; the tag is how values from any copy of the library are recognised. */
export function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/**
 * MongoDB's comparison order between types (missing counts as null). Numbers of every flavour
 * share one rank so 5, Int32(5) and Long(5) compare by value.
 */
export const enum Rank {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  Binary = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegExp = 12,
  MaxKey = 13,
}

export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return Rank.Number;
    case 'string':
      return Rank.String;
    case 'boolean':
      return Rank.Boolean;
    case 'undefined':
      return Rank.Null;
    case 'object':
      break;
    default:
      return Rank.Object;
  }
  if (v === null) return Rank.Null;
  if (Array.isArray(v)) return Rank.Array;
  if (v instanceof Date) return Rank.Date;
  if (v instanceof RegExp) return Rank.RegExp;
  switch (bsonType(v)) {
    case undefined:
      return Rank.Object;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return Rank.Number;
    case 'BSONSymbol':
      return Rank.String;
    case 'Binary':
      return Rank.Binary;
    case 'ObjectId':
      return Rank.ObjectId;
    case 'Timestamp':
      return Rank.Timestamp;
    case 'BSONRegExp':
      return Rank.RegExp;
    case 'MinKey':
      return Rank.MinKey;
    case 'MaxKey':
      return Rank.MaxKey;
    default:
      return Rank.Object;
  }
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bsonType(v);
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Int32' || t === 'Double') return (v as { value: number }).value;
  return Number(String(v));
}

function compareNumbers(a: number, b: number): number {
  // MongoDB orders NaN below every other number and equal to itself.
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Total order over engine values, following MongoDB's sort order. Returns <0, 0 or >0. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case Rank.Null:
    case Rank.MinKey:
    case Rank.MaxKey:
      return 0;
    case Rank.Number:
      return compareNumbers(toNumber(a), toNumber(b));
    case Rank.String:
      return compareStrings(String(a), String(b));
    case Rank.Boolean:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case Rank.Date:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case Rank.ObjectId:
      return compareStrings((a as { toHexString(): string }).toHexString(), (b as { toHexString(): string }).toHexString());
    case Rank.Binary: {
      const ba = a as { sub_type: number; buffer: Uint8Array; position: number };
      const bb = b as { sub_type: number; buffer: Uint8Array; position: number };
      if (ba.position !== bb.position) return ba.position - bb.position;
      if (ba.sub_type !== bb.sub_type) return ba.sub_type - bb.sub_type;
      return compareBytes(ba.buffer.subarray(0, ba.position), bb.buffer.subarray(0, bb.position));
    }
    case Rank.Timestamp:
      return (a as Long).compare(b as Long);
    case Rank.RegExp: {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return compareStrings(pa, pb) || compareStrings(fa, fb);
    }
    case Rank.Array: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    default:
      return compareObjects(a as PlainObject, b as PlainObject);
  }
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as BSONRegExp;
  return [r.pattern, r.options];
}

/** Embedded documents compare field by field: the value's type, then the name, then the value. */
function compareObjects(a: PlainObject, b: PlainObject): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const c = typeRank(va) - typeRank(vb) || compareStrings(ka[i], kb[i]) || compareValues(va, vb);
    if (c !== 0) return c;
  }
  return ka.length - kb.length;
}

/**
 * A deep copy that callers may change freely. bson's value classes are immutable in practice and
 * are shared; Dates are copied because they are mutable.
 */
export function cloneValue<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneValue(v[i]);
    return out as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (!isPlainObject(v)) return v;
  const out: PlainObject = {};
  for (const k in v) out[k] = cloneValue(v[k]);
  return out as T;
}

const STORABLE_BSON = new Set([
  'ObjectId',
  'Decimal128',
  'Long',
  'Int32',
  'Double',
  'Binary',
  'Timestamp',
  'BSONRegExp',
  'BSONSymbol',
  'MinKey',
  'MaxKey',
  'Code',
  'DBRef',
]);

function invalid(path: string, why: string): StudioError {
  return new StudioError('InvalidDocument', path ? `Field "${path}": ${why}` : why);
}

/**
 * Field names the store can round-trip. A "." inside a name is kept as written (`"key."`), as the
 * cloud's database does; queries and updates read dots as paths, so such a field is stored, not addressed.
 */
export function checkFieldName(name: string, path: string): void {
  if (name.startsWith('$')) throw invalid(path, 'field names may not start with "$".');
  if (name.includes('\0')) throw invalid(path, 'field names may not contain NUL characters.');
  if (isForbiddenName(name)) throw invalid(path, '__proto__, constructor and prototype cannot be field names.');
}

/**
 * Copies a value into the form the store keeps, refusing what it cannot keep faithfully. Int32
 * and Double become plain numbers (the store keeps numbers by value), RegExp becomes
 * BSONRegExp, bigint becomes Long, undefined fields are dropped, as BSON drivers do.
 */
function normalizeValue(v: unknown, path: string, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return v;
    case 'bigint':
      if (v < -(2n ** 63n) || v >= 2n ** 63n) throw invalid(path, 'integer out of the 64-bit range.');
      return Long.fromBigInt(v);
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      throw invalid(path, `values of type ${typeof v} cannot be stored.`);
  }
  if (v === null) return null;
  if (depth > MAX_NESTING_DEPTH) throw invalid(path, `nesting deeper than ${MAX_NESTING_DEPTH} levels.`);
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const item = normalizeValue(v[i], `${path}.${i}`, depth + 1);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw invalid(path, 'invalid date.');
    return new Date(v.getTime());
  }
  if (v instanceof RegExp) return new BSONRegExp(v.source, v.flags);
  const tag = bsonType(v);
  if (tag !== undefined) {
    if (tag === 'Int32' || tag === 'Double') return (v as { value: number }).value;
    if (!STORABLE_BSON.has(tag)) throw invalid(path, `values of type ${tag} cannot be stored.`);
    return v;
  }
  if (!isPlainObject(v)) throw invalid(path, `objects of class ${v.constructor?.name ?? 'unknown'} cannot be stored.`);
  return normalizeObject(v, path, depth + 1);
}

function normalizeObject(o: PlainObject, path: string, depth: number): PlainObject {
  const out: PlainObject = {};
  for (const k in o) {
    const p = path ? `${path}.${k}` : k;
    checkFieldName(k, p);
    const item = normalizeValue(o[k], p, depth);
    if (item !== undefined) out[k] = item;
  }
  return out;
}

/**
 * Checks a document and returns the copy to store. `_id`, when present, must be a non-empty
 * string. (The size limit is checked where the document is encoded for the store.)
 */
export function normalizeDocument(doc: unknown): PlainObject {
  if (!isPlainObject(doc)) throw invalid('', 'a document must be an object.');
  const out = normalizeObject(doc, '', 1);
  if ('_id' in out && (typeof out._id !== 'string' || out._id === '')) {
    throw invalid('_id', 'must be a non-empty string.');
  }
  return out;
}
