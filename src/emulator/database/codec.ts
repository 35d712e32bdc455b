/**
 * Canonical Extended JSON for the documents MessagePack cannot hold exactly (document-bytes.ts),
 * cursors, and the earlier format's journals and snapshots,
 * so every type survives a restart and stays readable by any EJSON parser (bson's `EJSON.parse`).
 *
 * The common types (strings, numbers, booleans, null, Date, arrays, objects) take a direct path
 * that is several times faster than bson's general walk; every other bson type goes through bson.
 * Plain numbers are written as $numberInt or $numberDouble, so $numberLong always means a Long.
 */
import { EJSON } from 'bson';
import { bsonType, isPlainObject } from './values';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function encodeNumber(n: number): string {
  if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0)) {
    return `{"$numberInt":"${n}"}`;
  }
  if (Number.isNaN(n)) return '{"$numberDouble":"NaN"}';
  if (n === Infinity) return '{"$numberDouble":"Infinity"}';
  if (n === -Infinity) return '{"$numberDouble":"-Infinity"}';
  if (Object.is(n, -0)) return '{"$numberDouble":"-0.0"}';
  // An integral double keeps a ".0" so readers see a double, as canonical EJSON writes it.
  const text = String(n);
  return `{"$numberDouble":"${Number.isInteger(n) && !/[.e]/.test(text) ? `${text}.0` : text}"}`;
}

/** Characters JSON must escape, and surrogates (a lone one must be escaped to survive UTF-8). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function encodeString(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

/** Field names repeat from document to document; their encoded form is kept. */
const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 10_000;

function encodeKey(k: string): string {
  let encoded = keyCache.get(k);
  if (encoded === undefined) {
    encoded = `${encodeString(k)}:`;
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(k, encoded);
  }
  return encoded;
}

function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return encodeNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + encodeValue(v[i]);
    return `${s}]`;
  }
  if (v instanceof Date) return `{"$date":{"$numberLong":"${v.getTime()}"}}`;
  if (bsonType(v) !== undefined || !isPlainObject(v)) return EJSON.stringify(v as never, { relaxed: false });
  let s = '{';
  let first = true;
  for (const k in v) {
    const item = v[k];
    if (item === undefined) continue;
    s += (first ? '' : ',') + encodeKey(k) + encodeValue(item);
    first = false;
  }
  return `${s}}`;
}

/** One value (usually a document) as a single line of canonical EJSON. */
export function encode(value: unknown): string {
  return encodeValue(value);
}

function decodeTagged(o: Record<string, unknown>): unknown {
  const int = o.$numberInt;
  if (typeof int === 'string') return Number(int);
  const dbl = o.$numberDouble;
  if (typeof dbl === 'string') return Number(dbl);
  const date = o.$date;
  if (date !== null && typeof date === 'object') {
    const ms = (date as { $numberLong?: unknown }).$numberLong;
    if (typeof ms === 'string') return new Date(Number(ms));
  }
  return EJSON.deserialize(o, { relaxed: false });
}

/** Turns parsed JSON into engine values in place. Stored field names never start with `$`, so a
 *  `$`-key marks a type wrapper. */
function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decodeValue(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (k.charCodeAt(0) === 36) return decodeTagged(o);
    break;
  }
  for (const k in o) o[k] = decodeValue(o[k]);
  return o;
}

/**
 * Number wrappers with a plain numeric text, rewritten to bare JSON numbers before parsing: it
 * saves an object per number. A `"` inside a JSON string is always escaped, so the pattern can
 * only match real wrappers, never text inside a string value.
 */
const PLAIN_NUMBER = /\{"\$number(?:Int|Double)":"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"\}/g;

/** Parses one line written by `encode` (or any canonical EJSON). Throws SyntaxError on a damaged line. */
export function decode(line: string): unknown {
  const text = line.replace(PLAIN_NUMBER, '$1');
  const value: unknown = JSON.parse(text);
  return text.includes('{"$') ? decodeValue(value) : value;
}
