/**
 * Update documents: operator updates through mingo's updater, whole-document replacement, and
 * the seed document an upsert starts from. Everything here works on copies; stored documents are
 * never changed in place.
 */
import { update as applyOperators } from 'mingo/updater';
import type { Modifier } from 'mingo/updater';
import { StudioError } from '../../shared/errors';
import { encode } from './codec';
import { checkSafePath, checkTree } from './guards';
import { MAX_NESTING_DEPTH } from './limits';
import { withSafeRegExps } from './regex';
import { MINGO_OPTIONS, queryError } from './query';
import { bsonType, cloneValue, isPlainObject, normalizeDocument, type PlainObject } from './values';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$currentDate',
  '$setOnInsert',
  '$bit',
]);

const NUMERIC_OPERATORS = new Set(['$inc', '$mul', '$bit']);
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

export type ParsedUpdate =
  | { kind: 'replace'; document: PlainObject }
  | { kind: 'operators'; operators: Record<string, PlainObject>; positional: boolean };

function bad(message: string): StudioError {
  return new StudioError('InvalidQuery', message);
}

/** Checks an update's shape: all operators (known ones) or none (a replacement document). */
export function parseUpdate(update: unknown): ParsedUpdate {
  if (!isPlainObject(update)) throw bad('An update must be an object.');
  const keys = Object.keys(update);
  const operatorCount = keys.filter((k) => k.startsWith('$')).length;
  if (operatorCount === 0) {
    const document = normalizeDocument(update);
    return { kind: 'replace', document };
  }
  // An operator and its field map sit above the values, which may nest as deep as a document.
  checkTree(update, { what: 'update', kind: 'data', maxDepth: MAX_NESTING_DEPTH + 2 });
  if (operatorCount !== keys.length) throw bad('An update either uses operators ($set, $inc, …) or replaces the document, not both.');
  const operators: Record<string, PlainObject> = {};
  let positional = false;
  for (const op of keys) {
    if (!OPERATORS.has(op)) throw new StudioError('UnknownOperator', `Unknown update operator ${op}.`);
    const arg = update[op];
    if (!isPlainObject(arg)) throw bad(`${op} needs an object of field paths.`);
    for (const path of Object.keys(arg)) {
      const segments = path.split('.');
      if (path === '' || segments.some((s) => s === '')) throw bad(`${op}: invalid field path "${path}".`);
      if (segments.some((s) => s.startsWith('$') && !isPositional(s))) throw bad(`${op}: invalid field path "${path}".`);
      if (segments.some(isPositional)) positional = true;
      if (op === '$rename' && (typeof arg[path] !== 'string' || arg[path] === '')) throw bad(`$rename: the new name of "${path}" must be a field path.`);
      if (op === '$rename') checkSafePath(arg[path] as string, 'update');
    }
    // Conditions in $pull match with RE2, as queries do.
    operators[op] = withSafeRegExps(arg);
  }
  return { kind: 'operators', operators, positional };
}

function isPositional(segment: string): boolean {
  return segment === '$' || segment === '$[]' || /^\$\[[A-Za-z][A-Za-z0-9]*\]$/.test(segment);
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  const t = bsonType(v);
  return t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return bsonType(v) ?? (v instanceof Date ? 'date' : typeof v);
}

/**
 * MongoDB refuses updates that cannot apply to the document (a field inside a number, $inc on a
 * string, $push onto a non-array); mingo skips them silently, so they are checked here first.
 */
function checkApplicable(doc: PlainObject, op: string, path: string): void {
  const segments = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (isPositional(seg)) return;
    if (current === undefined) return;
    let next: unknown;
    if (isPlainObject(current)) next = current[seg];
    else if (Array.isArray(current) && /^\d+$/.test(seg)) next = current[Number(seg)];
    else if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop' || op === '$rename') return;
    else throw bad(`${op} cannot apply to "${path}": "${segments.slice(0, i).join('.')}" holds a ${describe(current)}.`);
    current = next;
  }
  if (current === undefined) return;
  if (NUMERIC_OPERATORS.has(op) && !isNumeric(current)) throw bad(`${op} needs a number at "${path}", found a ${describe(current)}.`);
  if (ARRAY_OPERATORS.has(op) && !Array.isArray(current)) throw bad(`${op} needs an array at "${path}", found a ${describe(current)}.`);
}

function touchesId(path: string): boolean {
  return path === '_id' || path.startsWith('_id.');
}

/**
 * Applies a parsed update to a stored document and returns the new document (checked and ready to
 * store) or undefined when nothing changed. `filter` resolves the positional `$`.
 */
export function applyUpdate(doc: PlainObject, parsed: ParsedUpdate, filter: PlainObject, inserting = false): PlainObject | undefined {
  if (parsed.kind === 'replace') {
    const replacement = parsed.document;
    if ('_id' in replacement && replacement._id !== doc._id) throw immutableId();
    const next = { _id: doc._id, ...replacement };
    return encode(next) === encode(doc) ? undefined : next;
  }
  const target = cloneValue(doc);
  const operators: Record<string, PlainObject> = {};
  for (const [op, arg] of Object.entries(parsed.operators)) {
    if (op === '$setOnInsert' && !inserting) continue;
    const name = op === '$setOnInsert' ? '$set' : op;
    const kept: PlainObject = { ...(operators[name] ?? {}) };
    for (const [path, value] of Object.entries(arg)) {
      const destination = op === '$rename' ? String(value) : undefined;
      if (touchesId(path) || (destination !== undefined && touchesId(destination))) {
        // Setting _id to its current value is allowed, as in MongoDB.
        if ((op === '$set' || op === '$setOnInsert') && path === '_id' && value === doc._id) continue;
        throw immutableId();
      }
      checkApplicable(target, op, path);
      kept[path] = value;
    }
    if (Object.keys(kept).length > 0) operators[name] = kept;
  }
  if (Object.keys(operators).length === 0) return undefined;
  let changed: string[];
  try {
    changed = applyOperators(target, operators as Modifier<PlainObject>, undefined, parsed.positional ? filter : undefined, {
      cloneMode: 'deep',
      queryOptions: MINGO_OPTIONS,
    });
  } catch (e) {
    throw queryError(e, 'update');
  }
  if (changed.length === 0) return undefined;
  const next = normalizeDocument(target);
  if (next._id !== doc._id) throw immutableId();
  return next;
}

function immutableId(): StudioError {
  return new StudioError('InvalidDocument', 'The _id field cannot be changed.');
}

/**
 * The document an upsert inserts before the update applies: the filter's equality conditions
 * (`field: value`, `field: {$eq: value}`, also inside `$and`), as MongoDB builds it.
 */
export function upsertSeed(filter: PlainObject): PlainObject {
  const equalities: PlainObject = {};
  const visit = (f: PlainObject) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const part of v) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if (Object.keys(v).length === 1 && '$eq' in v) equalities[k] = v.$eq;
        continue;
      }
      if (v instanceof RegExp || bsonType(v) === 'BSONRegExp') continue;
      equalities[k] = v;
    }
  };
  visit(filter);
  // mingo's updater guards _id like MongoDB does, so the seed's _id is set directly.
  const seed: PlainObject = '_id' in equalities ? { _id: equalities._id } : {};
  delete equalities._id;
  if (Object.keys(equalities).length > 0) {
    try {
      applyOperators(seed, { $set: equalities } as Modifier<PlainObject>, undefined, undefined, { cloneMode: 'deep', queryOptions: MINGO_OPTIONS });
    } catch (e) {
      throw queryError(e, 'upsert filter');
    }
  }
  return seed;
}
