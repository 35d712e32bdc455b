/**
 * Where the local database corrects and extends mingo, in one place: every query, pipeline and
 * expression compiled by ./query.ts runs with this context on top of mingo's own operators.
 *
 * Corrections (mingo 7.2.7 against MongoDB, which CloudBase follows):
 * - `$elemMatch` with field conditions tests scalar elements too, so `{ tags: { $elemMatch:
 *   { value: { $gt: 0 } } } }` matches `[1, 2, 3]`. MongoDB matches only elements that are
 *   documents (or arrays) there. Upstream's parity work on `$elemMatch` is kofrasa/mingo#613.
 * - `$week` counts one too many for most dates (2019-05-14 gives 20; MongoDB 19).
 * - `$substr`/`$substrBytes` refuse a negative count; MongoDB reads it as "to the end".
 * Pattern matching runs in RE2 (./regex.ts). Additions: `$indexOfCP`; the geo operators `$geoWithin`, `$geoIntersects`, `$nearSphere`,
 * `$near` and the `$geoNear` stage (geometry from @turf, see ./geo.ts); `$jsonSchema` through
 * ajv (see jsonSchemaValidator).
 */
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import { $substrBytes } from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Lazy, type Iterator } from 'mingo/lazy';
import { Query } from 'mingo/query';
import type { Any, AnyObject, Options } from 'mingo/types';
import { isArray, isObject, isOperator, resolve, setValue } from 'mingo/util';
import { StudioError } from '../../shared/errors';
import { regexExpressionOperators, regexQueryOperators } from './regex';
import { geoIntersects, geometryOf, geoNearPoint, geoWithin, nearDistance, nearSpecOf, nearTest, type GeoTest } from './geo';
import { isPlainObject } from './values';

type QueryOp = (selector: string, value: Any, options: Options) => (obj: AnyObject) => boolean;
type ExpressionOp = (obj: AnyObject, expr: Any, options: Options) => Any;

/** True when the criteria name fields (rather than being operators on the element itself). */
function namesFields(criteria: AnyObject): boolean {
  return Object.keys(criteria).some((k) => !isOperator(k) || k === '$and' || k === '$or' || k === '$nor');
}

const $elemMatch: QueryOp = (selector, criteria, options) => {
  if (!isObject(criteria)) throw new StudioError('InvalidQuery', '$elemMatch needs an object.');
  const spec = criteria as AnyObject;
  let test: (e: unknown) => boolean;
  if (Object.keys(spec).length === 0) {
    test = (e) => isObject(e);
  } else if (namesFields(spec)) {
    const query = new Query(spec, options);
    test = (e) => (isObject(e) || isArray(e)) && query.test(e as AnyObject);
  } else {
    // Operators on the element itself ({ $gt: 1 }) apply to scalars as well.
    const query = new Query({ element: spec }, options);
    test = (e) => query.test({ element: e });
  }
  return (obj) => {
    const value = resolve(obj, selector, { unwrapArray: true });
    return isArray(value) && value.some(test);
  };
};

/** A field-level geo operator: the stored value, or any of an array of them, passes the test. */
function geoOperator(build: (spec: Any, options: Options) => GeoTest): QueryOp {
  return (selector, spec, options) => {
    const test = build(spec, options);
    return (obj) => {
      const value = resolve(obj, selector);
      if (test(value)) return true;
      return isArray(value) && !(value.length === 2 && typeof value[0] === 'number') && value.some(test);
    };
  };
}

const $near: QueryOp = geoOperator((spec) => nearTest(nearSpecOf(spec)));

function weekOf(obj: AnyObject, expr: Any, options: Options): number | null {
  const dayOfYear = evalExpr(obj, { $dayOfYear: expr }, options) as number | null;
  const dayOfWeek = evalExpr(obj, { $dayOfWeek: expr }, options) as number | null;
  if (dayOfYear === null || dayOfWeek === null || dayOfYear === undefined || dayOfWeek === undefined) return null;
  // Weeks begin on Sunday; days before the year's first Sunday are week 0.
  const sunday = dayOfYear - (dayOfWeek - 1);
  return sunday < 1 ? 0 : Math.floor((sunday - 1) / 7) + 1;
}

const substr: ExpressionOp = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (isArray(args) && args.length === 3 && typeof args[2] === 'number' && args[2] < 0) {
    const text = typeof args[0] === 'string' ? args[0] : args[0] === null || args[0] === undefined ? '' : String(args[0]);
    return $substrBytes(obj, [{ $literal: text }, args[1], Math.max(0, Buffer.byteLength(text) - Number(args[1]))], options);
  }
  return $substrBytes(obj, expr, options);
};

/** `[string, substring, start?, end?]`, counted in code points. */
const $indexOfCP: ExpressionOp = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (!isArray(args) || args.length < 2 || args.length > 4) throw new StudioError('InvalidQuery', '$indexOfCP needs [string, substring, start?, end?].');
  const [text, search, start = 0, end] = args as [unknown, unknown, unknown, unknown];
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string' || typeof search !== 'string') throw new StudioError('InvalidQuery', '$indexOfCP needs strings.');
  const points = [...text];
  const from = Number(start);
  const to = end === undefined ? points.length : Number(end);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(to) || to < 0) throw new StudioError('InvalidQuery', '$indexOfCP start and end must be non-negative integers.');
  const needle = [...search];
  for (let i = from; i + needle.length <= Math.min(to, points.length); i++) {
    if (needle.every((c, j) => points[i + j] === c)) return i;
  }
  return -1;
};

/** The first field of a document holding a geometry, for `$geoNear` without `key` (CloudBase needs one geo index). */
function geoKeyOf(docs: AnyObject[]): string | undefined {
  const isGeoJson = (v: unknown) => isPlainObject(v) && geometryOf(v) !== undefined;
  for (const doc of docs) {
    for (const [k, v] of Object.entries(doc)) {
      if (isGeoJson(v)) return k;
      if (isPlainObject(v)) for (const [k2, v2] of Object.entries(v)) if (isGeoJson(v2)) return `${k}.${k2}`;
    }
  }
  return undefined;
}

function $geoNear(collection: Iterator, expr: Any, options: Options): Iterator {
  if (!isPlainObject(expr)) throw new StudioError('InvalidQuery', '$geoNear needs an object.');
  const spec = expr;
  if (typeof spec.distanceField !== 'string' || spec.distanceField === '') throw new StudioError('InvalidQuery', '$geoNear needs a distanceField.');
  const { point, units } = geoNearPoint(spec.near);
  const near = { point, units };
  const distanceOf = (v: unknown) => nearDistance(near, v);
  const filter = spec.query === undefined ? undefined : new Query(spec.query as AnyObject, options);
  const multiplier = typeof spec.distanceMultiplier === 'number' ? spec.distanceMultiplier : 1;
  const min = typeof spec.minDistance === 'number' ? spec.minDistance : undefined;
  const max = typeof spec.maxDistance === 'number' ? spec.maxDistance : undefined;
  return collection.transform((docs: AnyObject[]) => {
    const key = typeof spec.key === 'string' ? spec.key : geoKeyOf(docs);
    const found: { doc: AnyObject; d: number }[] = [];
    for (const doc of docs) {
      if (!key) break;
      const location = resolve(doc, key);
      const d = distanceOf(location);
      if (d === undefined || (min !== undefined && d < min) || (max !== undefined && d > max)) continue;
      if (filter && !filter.test(doc)) continue;
      const out = structuredClone(doc);
      setValue(out, spec.distanceField as string, d * multiplier);
      if (typeof spec.includeLocs === 'string') setValue(out, spec.includeLocs, location);
      found.push({ doc: out, d });
    }
    found.sort((a, b) => a.d - b.d);
    return Lazy(found.map((f) => f.doc));
  });
}

/**
 * mingo's operators with the ones above in their place. A context passed in options ranks below
 * mingo's defaults (the first context to name an operator wins), so this is the whole set, used
 * with mingo's base Query and Aggregator classes.
 */
export const LOCAL_OPERATORS = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: { ...expressionOperators, ...regexExpressionOperators, $week: weekOf, $substr: substr, $substrBytes: substr, $indexOfCP },
  pipeline: { ...pipelineOperators, $geoNear },
  projection: { ...projectionOperators },
  query: {
    ...queryOperators,
    ...regexQueryOperators,
    $elemMatch,
    $geoWithin: geoOperator((spec) => geoWithin(spec)),
    $geoIntersects: geoOperator((spec) => geoIntersects(spec)),
    $nearSphere: $near,
    $near,
  },
  window: { ...windowOperators },
} as Parameters<typeof Context.init>[0]);
