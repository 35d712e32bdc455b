/**
 * The query language, projection and aggregation come from mingo. This module turns caller input
 * into mingo objects and mingo's complaints into StudioErrors with stable codes.
 */
import { BSONRegExp } from 'bson';
// The base classes, which take the operator context they are given (mingo's index merges its own over it).
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Options } from 'mingo/types';
import { StudioError } from '../../shared/errors';
import { checkTree } from './guards';
import { safeRegExp } from './regex';
import { bsonType, isPlainObject, type PlainObject } from './values';
import { LOCAL_OPERATORS } from './operators';
import { jsonSchemaValidator } from './json-schema';
import { compileFastFilter } from './fast-filter';

/** Operators that run caller-supplied code or write elsewhere: never offered by the local environment. */
const REFUSED = new Set(['$where', '$function', '$accumulator', '$out', '$merge']);

const ARRAY_ARGUMENT = new Set(['$in', '$nin', '$all', '$and', '$or', '$nor']);

export const MINGO_OPTIONS: Partial<Options> = { scriptEnabled: false, useStrictMode: true, context: LOCAL_OPERATORS, jsonSchemaValidator };

/** Maps an error thrown while compiling or running a query to a StudioError. */
export function queryError(e: unknown, what: string): StudioError {
  if (e instanceof StudioError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const operator =
    /unknown (?:query |top level |update )?operator:? '?(\$[\w]+)/i.exec(message) ??
    /(?:accumulator|operator) '?(\$[\w]+)'? is not registered/i.exec(message) ??
    /unregistered \w+ operator '?(\$[\w]+)/i.exec(message);
  if (operator) return new StudioError('UnknownOperator', `Unknown operator ${operator[1]} in the ${what}.`, { cause: e });
  return new StudioError('InvalidQuery', `Invalid ${what}: ${message}`, { cause: e });
}

/**
 * Copies a filter into the form mingo reads: BSON regular expressions become RegExp and bson's
 * number wrappers become numbers. Also refuses operators the environment does not run and checks
 * the argument shapes mingo would otherwise only trip over while scanning.
 */
function prepare(v: unknown, what: string, depth: number): unknown {
  if (depth > 200) throw new StudioError('InvalidQuery', `The ${what} is nested too deeply.`);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => prepare(x, what, depth + 1));
  if (v instanceof RegExp) return safeRegExp(v);
  if (v instanceof Date) return v;
  const tag = bsonType(v);
  if (tag === 'BSONRegExp') {
    const r = v as BSONRegExp;
    return safeRegExp(r.pattern, r.options.replace(/[^imsu]/g, ''));
  }
  if (tag === 'Int32' || tag === 'Double') return (v as { value: number }).value;
  if (tag !== undefined || !isPlainObject(v)) return v;
  const out: PlainObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) {
      if (REFUSED.has(k)) throw new StudioError('NotSupported', `The local environment does not run ${k}.`);
      if (ARRAY_ARGUMENT.has(k) && !Array.isArray(x)) {
        throw new StudioError('InvalidQuery', `${k} needs an array in the ${what}.`);
      }
      if ((k === '$and' || k === '$or' || k === '$nor') && (x as unknown[]).length === 0) {
        throw new StudioError('InvalidQuery', `${k} needs a non-empty array in the ${what}.`);
      }
    }
    out[k] = prepare(x, what, depth + 1);
  }
  return out;
}

export function checkFilterShape(filter: unknown): PlainObject {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw new StudioError('InvalidQuery', 'A filter must be an object.');
  return filter;
}

export interface CompiledFilter {
  readonly source: PlainObject;
  readonly empty: boolean;
  test(doc: PlainObject): boolean;
}

/** Compiles a filter, refusing unknown operators and malformed conditions before anything runs. */
export function compileFilter(filter: unknown): CompiledFilter {
  const shaped = checkFilterShape(filter);
  checkTree(shaped, { what: 'filter', kind: 'filter' });
  const source = prepare(shaped, 'filter', 0) as PlainObject;
  const empty = Object.keys(source).length === 0;
  if (empty) return { source, empty, test: () => true };
  let fast: ReturnType<typeof compileFastFilter>;
  try {
    // Conditions not compiled here run as one mingo query each, built once for the filter.
    fast = compileFastFilter(source, (part) => {
      const q = new Query(part, MINGO_OPTIONS);
      return (doc) => q.test(doc);
    });
  } catch (e) {
    throw queryError(e, 'filter');
  }
  let test: (doc: PlainObject) => boolean;
  if (fast?.complete) {
    // Every condition compiled: the shapes compiled here have no errors left to find by running.
    test = fast.test;
  } else {
    let query: Query;
    try {
      query = new Query(source, MINGO_OPTIONS);
      // Some conditions ($expr operators, argument types) only fail when evaluated.
      query.test({});
    } catch (e) {
      throw queryError(e, 'filter');
    }
    test = fast ? fast.test : (doc) => query.test(doc);
  }
  return {
    source,
    empty,
    test(doc: PlainObject): boolean {
      try {
        return test(doc);
      } catch (e) {
        throw queryError(e, 'filter');
      }
    },
  };
}

/** The mingo path for a whole filter, kept to check the compiled predicates against. */
export function compileMingoFilter(filter: unknown): CompiledFilter {
  const shaped = checkFilterShape(filter);
  checkTree(shaped, { what: 'filter', kind: 'filter' });
  const source = prepare(shaped, 'filter', 0) as PlainObject;
  const query = new Query(source, MINGO_OPTIONS);
  return { source, empty: Object.keys(source).length === 0, test: (doc) => query.test(doc) };
}

/** Returns a function applying the projection, or undefined for none. `_id` stays unless excluded. */
export function compileProjection(projection: unknown): ((docs: PlainObject[]) => PlainObject[]) | undefined {
  if (projection === undefined || projection === null) return undefined;
  if (!isPlainObject(projection)) throw new StudioError('InvalidQuery', 'A projection must be an object.');
  if (Object.keys(projection).length === 0) return undefined;
  checkTree(projection, { what: 'projection', kind: 'filter' });
  let include = false;
  let exclude = false;
  for (const [field, v] of Object.entries(projection)) {
    if (field === '' || field.split('.').some((s) => s === '' || s.startsWith('$'))) {
      throw new StudioError('InvalidQuery', `Invalid projection field: ${field}`);
    }
    const flag = v === 1 || v === true ? 1 : v === 0 || v === false ? 0 : undefined;
    if (flag === undefined) {
      if (isPlainObject(v)) {
        include = true; // $slice, $elemMatch: mingo checks them
        continue;
      }
      throw new StudioError('InvalidQuery', `Projection values are 1 or 0: ${field}`);
    }
    if (field === '_id') continue;
    if (flag === 1) include = true;
    else exclude = true;
  }
  if (include && exclude) throw new StudioError('InvalidQuery', 'A projection cannot both include and exclude fields (except _id).');
  const spec = prepare(projection, 'projection', 0) as PlainObject;
  let query: Query;
  try {
    query = new Query({}, MINGO_OPTIONS);
    query.find([{ _id: 'x' }], spec).all();
  } catch (e) {
    throw queryError(e, 'projection');
  }
  return (docs) => {
    try {
      return query.find(docs, spec).all() as PlainObject[];
    } catch (e) {
      throw queryError(e, 'projection');
    }
  };
}

export interface CompiledPipeline {
  /** The leading `$match`, which the engine answers with its indexes. */
  readonly match?: PlainObject;
  run(docs: PlainObject[], resolve: (collection: string) => PlainObject[]): PlainObject[];
}

export function compilePipeline(pipeline: unknown): CompiledPipeline {
  if (!Array.isArray(pipeline)) throw new StudioError('InvalidQuery', 'A pipeline must be an array of stages.');
  checkTree(pipeline, { what: 'pipeline', kind: 'pipeline' });
  const stages = pipeline.map((stage, i) => {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new StudioError('InvalidQuery', `Pipeline stage ${i} must be an object with one operator.`);
    }
    const name = Object.keys(stage)[0];
    if (!name.startsWith('$')) throw new StudioError('InvalidQuery', `Pipeline stage ${i} must name an operator: ${name}`);
    if (REFUSED.has(name)) throw new StudioError('NotSupported', `The local environment does not run ${name}.`);
    return prepare(stage, 'pipeline', 0) as PlainObject;
  });
  const first = stages[0];
  const match = first && isPlainObject(first.$match) ? first.$match : undefined;
  const rest = match ? stages.slice(1) : stages;
  // Compile once up front (unknown stages fail here), with a resolver per run for $lookup.
  let current: ((name: string) => PlainObject[]) | undefined;
  let aggregator: Aggregator;
  try {
    aggregator = new Aggregator(rest, { ...MINGO_OPTIONS, collectionResolver: (name: string) => current?.(name) ?? [] });
    aggregator.run([]);
  } catch (e) {
    throw queryError(e, 'pipeline');
  }
  return {
    match,
    run(docs, resolve) {
      current = resolve;
      try {
        return aggregator.run(docs) as PlainObject[];
      } catch (e) {
        throw queryError(e, 'pipeline');
      } finally {
        current = undefined;
      }
    },
  };
}
