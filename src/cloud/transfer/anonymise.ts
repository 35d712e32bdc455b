/**
 * Anonymisation on copy: per-field rules kept in the project (`.cloudbase/anonymise.json`), so the
 * same pull from production can be repeated and gives the same values. Fakes are seeded by a hash
 * of the original value (and the file's salt): one customer keeps one fake name across documents,
 * collections and runs, and references between them still line up.
 *
 * ```json
 * { "salt": "any text",
 *   "collections": { "users": { "password": "drop", "idCard": "hash", "name": "name",
 *                              "phone": "phone", "email": "email", "birthday": { "shiftDays": -30 } } } }
 * ```
 * A path is dotted (`profile.phone`); through an array it applies to every element.
 */
import { createHash } from 'node:crypto';
import { faker } from '@faker-js/faker/locale/zh_CN';
import { StudioError } from '../../shared/errors';
import type { JsonObject, JsonValue } from '../../shared/model';

export type FieldRule = 'drop' | 'hash' | 'name' | 'phone' | 'email' | { shiftDays: number };

export interface AnonymiseRules {
  salt?: string;
  collections: Record<string, Record<string, FieldRule>>;
}

export const ANONYMISE_FILE = '.cloudbase/anonymise.json';

const NAMED_RULES = new Set(['drop', 'hash', 'name', 'phone', 'email']);
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Checks a rules file's content; the message names the first thing that is wrong. */
export function parseAnonymiseRules(text: string): AnonymiseRules {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StudioError('InvalidJson', `${ANONYMISE_FILE} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (what: string): never => {
    throw new StudioError('InvalidArgument', `${ANONYMISE_FILE}: ${what}`);
  };
  if (!isObject(raw)) return bad('the file must hold an object.');
  if (raw.salt !== undefined && typeof raw.salt !== 'string') bad('"salt" must be a string.');
  if (!isObject(raw.collections)) return bad('"collections" must be an object of collection names.');
  for (const [collection, fields] of Object.entries(raw.collections)) {
    if (!isObject(fields)) bad(`"${collection}" must be an object of field paths.`);
    for (const [path, rule] of Object.entries(fields as Record<string, unknown>)) {
      if (path === '' || path.split('.').some((s) => s === '' || FORBIDDEN_SEGMENTS.has(s))) bad(`"${collection}.${path}" is not a usable field path.`);
      if (path === '_id' || path.startsWith('_id.')) bad(`"${collection}": _id cannot be anonymised (copies are matched by it).`);
      const shift = isObject(rule) && Object.keys(rule).length === 1 && typeof rule.shiftDays === 'number' && Number.isFinite(rule.shiftDays);
      if (!(typeof rule === 'string' && NAMED_RULES.has(rule)) && !shift) {
        bad(`"${collection}.${path}" must be "drop", "hash", "name", "phone", "email" or { "shiftDays": <number> }.`);
      }
    }
  }
  return raw as unknown as AnonymiseRules;
}

/** A function that anonymises a collection's documents, or undefined when no rule names it. */
export function anonymiserFor(rules: AnonymiseRules | undefined, collection: string): ((doc: JsonObject) => JsonObject) | undefined {
  const fields = rules?.collections[collection];
  if (!fields || Object.keys(fields).length === 0) return undefined;
  const salt = rules?.salt ?? '';
  const entries = Object.entries(fields).map(([path, rule]) => ({ segments: path.split('.'), rule }));
  return (doc) => {
    const copy = structuredClone(doc);
    for (const { segments, rule } of entries) apply(copy, segments, rule, salt);
    return copy;
  };
}

function apply(target: JsonValue, segments: string[], rule: FieldRule, salt: string): void {
  if (Array.isArray(target)) {
    for (const item of target) apply(item, segments, rule, salt);
    return;
  }
  if (!isObject(target)) return;
  const [head, ...rest] = segments;
  if (!Object.hasOwn(target, head)) return;
  if (rest.length > 0) return apply(target[head], rest, rule, salt);
  if (rule === 'drop') {
    delete target[head];
    return;
  }
  target[head] = replaceValue(target[head], rule, salt);
}

function replaceValue(value: JsonValue, rule: Exclude<FieldRule, 'drop'>, salt: string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => replaceValue(v, rule, salt));
  if (value === null) return null;
  if (typeof rule === 'object') return shiftDate(value, rule.shiftDays);
  const digest = createHash('sha256').update(salt).update('\u0000').update(JSON.stringify(value)).digest();
  if (rule === 'hash') return digest.toString('hex').slice(0, 24);
  faker.seed(digest.readUInt32BE(0));
  if (rule === 'name') return faker.person.fullName();
  if (rule === 'phone') return faker.helpers.fromRegExp('1[3-9][0-9]{9}');
  return faker.internet.email();
}

/** Dates in Extended JSON (`{ $date }`) or as ISO strings move by whole days; other values stay. */
function shiftDate(value: JsonValue, days: number): JsonValue {
  const ms = days * 86_400_000;
  if (isObject(value) && typeof value.$date === 'string' && Object.keys(value).length === 1) {
    const t = Date.parse(value.$date);
    return Number.isNaN(t) ? value : { $date: new Date(t + ms).toISOString() };
  }
  if (isObject(value) && isObject(value.$date) && typeof value.$date.$numberLong === 'string') {
    return { $date: { $numberLong: String(Number(value.$date.$numberLong) + ms) } };
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) {
    return new Date(Date.parse(value) + ms).toISOString();
  }
  return value;
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
