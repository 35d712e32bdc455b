/** Checks of the options callers pass: sorts, counts, index specifications. */
import type { IndexInfo, IndexSpec, SortKey } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import { sortSignature } from './cursor';
import { checkSafePath } from './guards';
import { MAX_INDEX_FIELDS } from './limits';
import { checkIndexName } from './names';
import type { SortSpec } from './planner';
import { isPlainObject } from './values';

export function invalidArgument(message: string): StudioError {
  return new StudioError('InvalidArgument', message);
}

function checkFieldPath(path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.split('.').some((s) => s === '' || s.startsWith('$'))) {
    throw new StudioError('InvalidQuery', `Invalid ${what} field: ${String(path)}`);
  }
  checkSafePath(path, what);
}

/** Validates a sort; keys after `_id` cannot matter and are dropped. */
export function normalizeSort(sort: readonly SortKey[] | undefined): { spec: SortSpec; signature: string } {
  if (sort === undefined) return { spec: { keys: [] }, signature: '' };
  if (!Array.isArray(sort)) throw new StudioError('InvalidQuery', 'A sort must be a list of { field, direction }.');
  const keys: { field: string; direction: 1 | -1 }[] = [];
  const seen = new Set<string>();
  let tie: 1 | -1 | undefined;
  for (const k of sort) {
    if (!isPlainObject(k)) throw new StudioError('InvalidQuery', 'A sort must be a list of { field, direction }.');
    checkFieldPath(k.field, 'sort');
    if (k.direction !== 1 && k.direction !== -1) throw new StudioError('InvalidQuery', `Sort direction of ${k.field} must be 1 or -1.`);
    if (seen.has(k.field)) throw new StudioError('InvalidQuery', `The sort names ${k.field} twice.`);
    seen.add(k.field);
    if (k.field === '_id') {
      tie = k.direction;
      break;
    }
    keys.push({ field: k.field, direction: k.direction });
  }
  const all = tie === undefined ? keys : [...keys, { field: '_id', direction: tie }];
  return { spec: { keys, tie }, signature: sortSignature(all) };
}

export function checkCount(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidArgument(`${what} must be a whole number ≥ 0.`);
  return value;
}

/** Validates an index specification and names it MongoDB's way (`field_1_other_-1`) when unnamed. */
export function checkIndexSpec(spec: IndexSpec): IndexInfo {
  if (!isPlainObject(spec) || !Array.isArray(spec.keys) || spec.keys.length === 0) {
    throw invalidArgument('An index needs at least one key { field, direction }.');
  }
  if (spec.keys.length > MAX_INDEX_FIELDS) throw invalidArgument(`An index has at most ${MAX_INDEX_FIELDS} fields.`);
  const seen = new Set<string>();
  const keys = spec.keys.map((k) => {
    if (!isPlainObject(k)) throw invalidArgument('Index keys are { field, direction }.');
    checkFieldPath(k.field, 'index');
    if (k.direction !== 1 && k.direction !== -1) throw invalidArgument(`Index direction of ${k.field} must be 1 or -1.`);
    if (seen.has(k.field)) throw invalidArgument(`The index names ${k.field} twice.`);
    seen.add(k.field);
    return { field: k.field, direction: k.direction };
  });
  if (spec.unique !== undefined && typeof spec.unique !== 'boolean') throw invalidArgument('unique must be true or false.');
  const name = spec.name ?? keys.map((k) => `${k.field}_${k.direction}`).join('_');
  checkIndexName(name);
  return { name, keys, unique: spec.unique === true };
}
