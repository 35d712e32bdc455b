/**
 * Values on the wire are Extended JSON strings (the SDKs send canonical EJSON such as
 * `{"$numberInt":"18"}`); the engine holds native values. This is the one place that converts.
 */
import { BSONRegExp, EJSON, ObjectId } from 'bson';
import { StudioError } from '../../shared/errors';
import { checkJsonDepth, checkTree } from '../database/guards';
import { MAX_NESTING_DEPTH } from '../database/limits';

/** EJSON wrappers (`{"$date":{"$numberLong":…}}`) and an update's operator levels sit above a document's own nesting. */
const MAX_WIRE_DEPTH = MAX_NESTING_DEPTH + 4;

const SERVER_DATE = '$tcb_server_date';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JavaScript has no `x` (extended) flag; the other MongoDB options map one to one. */
function toRegExp(re: BSONRegExp): RegExp {
  if (/[^imsu]/.test(re.options)) {
    throw new StudioError('InvalidQuery', `Unsupported regular expression options "${re.options}" in /${re.pattern}/ (supported: i, m, s, u).`);
  }
  try {
    return new RegExp(re.pattern, re.options);
  } catch (e) {
    throw new StudioError('InvalidQuery', `Invalid regular expression /${re.pattern}/: ${(e as Error).message}`, { cause: e });
  }
}

function serverDate(spec: unknown, now: Date): Date {
  const offset = isPlainObject(spec) && typeof spec.offset === 'number' ? spec.offset : 0;
  return new Date(now.getTime() + offset);
}

/**
 * Replaces what EJSON leaves in wire form with the engine's values: regular expressions become
 * RegExp (so queries match with them), `db.serverDate()` markers become the request's time and
 * ObjectIds become their hex strings.
 */
export function resolveWireValues(value: unknown, now: Date): unknown {
  if (value instanceof BSONRegExp) return toRegExp(value);
  // The cloud answers `db.ObjectId({ id })` values (an `_id` or any field) with their hex string, and
  // matches them so: keeping the string is what the SDKs then read back.
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new StudioError('InvalidJson', 'A "$date" value is not a valid date.');
  if (Array.isArray(value)) return value.map((v) => resolveWireValues(v, now));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === SERVER_DATE) return serverDate(value[SERVER_DATE], now);
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = resolveWireValues(value[key], now);
  return out;
}

/**
 * Reads one wire value: an EJSON string, or an already-parsed object from older SDKs.
 * `what` names the parameter in the error message.
 */
export function decodeWireValue(raw: unknown, what: string, now: Date): unknown {
  let parsed: unknown;
  // EJSON decodes recursively, and copies keys by assignment (a `__proto__` key would become the
  // copy's prototype): the plain JSON is checked for depth and keys before EJSON sees it.
  const check = { what: `parameter "${what}"`, kind: 'data', code: 'InvalidArgument', maxDepth: MAX_WIRE_DEPTH } as const;
  if (typeof raw === 'string') {
    checkJsonDepth(raw, check.what, check.code, check.maxDepth);
    let plain: unknown;
    try {
      plain = JSON.parse(raw);
    } catch (e) {
      throw new StudioError('InvalidArgument', `Parameter "${what}" is not valid Extended JSON: ${(e as Error).message}`, { cause: e });
    }
    checkTree(plain, check);
  } else {
    checkTree(raw, check);
  }
  try {
    parsed = typeof raw === 'string' ? EJSON.parse(raw, { relaxed: true }) : EJSON.deserialize(raw as Record<string, unknown>, { relaxed: true });
  } catch (e) {
    throw new StudioError('InvalidArgument', `Parameter "${what}" is not valid Extended JSON: ${(e as Error).message}`, { cause: e });
  }
  return resolveWireValues(parsed, now);
}

/** Like decodeWireValue, for parameters that must be a JSON object. */
export function decodeWireObject(raw: unknown, what: string, now: Date): Record<string, unknown> {
  const value = decodeWireValue(raw, what, now);
  if (!isPlainObject(value)) throw new StudioError('InvalidArgument', `Parameter "${what}" must be an object.`);
  return value;
}

/** Documents go back as relaxed EJSON strings, which the SDKs parse with `EJSON.parse`. */
export function encodeWireDocument(document: Record<string, unknown>): string {
  return EJSON.stringify(document, { relaxed: true });
}

/** How one generation of the SDKs puts values on the wire. */
export interface WireCodec {
  decodeValue(raw: unknown, what: string, now: Date): unknown;
  decodeObject(raw: unknown, what: string, now: Date): Record<string, unknown>;
  encodeDocument(document: Record<string, unknown>): unknown;
}

/** @cloudbase/database 1.x (node-sdk, wx-server-sdk 2.x and later): EJSON strings both ways. */
export const ejsonCodec: WireCodec = {
  decodeValue: decodeWireValue,
  decodeObject: decodeWireObject,
  encodeDocument: encodeWireDocument,
};

/** 0.9.x sends `db.serverDate()` as `{ $date: { offset } }`, beside plain dates as `{ $date: <ms> }`. */
function legacyServerDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(legacyServerDates);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$date' && isPlainObject(value.$date)) return { [SERVER_DATE]: value.$date };
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = legacyServerDates(value[key]);
  return out;
}

/**
 * @cloudbase/database 0.9.x (tcb-admin-node, so wx-server-sdk 1.x): parameters are plain JSON with
 * Extended JSON v1 markers (`{ $date: <ms> }`, `{ $regex, $options }`), and documents go back the same way.
 */
export const legacyCodec: WireCodec = {
  decodeValue(raw, what, now) {
    let parsed: unknown;
    try {
      const json: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
      parsed = EJSON.deserialize(legacyServerDates(json) as Record<string, unknown>, { relaxed: true });
    } catch (e) {
      throw new StudioError('InvalidArgument', `Parameter "${what}" is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    return resolveWireValues(parsed, now);
  },
  decodeObject(raw, what, now) {
    const value = legacyCodec.decodeValue(raw ?? {}, what, now);
    if (!isPlainObject(value)) throw new StudioError('InvalidArgument', `Parameter "${what}" must be an object.`);
    return value;
  },
  encodeDocument(document) {
    return EJSON.serialize(document, { legacy: true, relaxed: true });
  },
};
