/**
 * Geometry for the geo query operators, on GeoJSON as the SDKs store it (`db.Geo.Point` is
 * `{ type: 'Point', coordinates: [lng, lat] }`). The geometry itself is @turf's; this module only
 * reads MongoDB's operator arguments and stored values into it.
 */
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import { distance } from '@turf/distance';
import type { Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { StudioError } from '../../shared/errors';
import { isPlainObject } from './values';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

function isPosition(v: unknown): v is Position {
  return Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

/** A stored value as a geometry: GeoJSON, or MongoDB's legacy coordinate pair; anything else is not one. */
export function geometryOf(value: unknown): Geometry | undefined {
  if (isPosition(value)) return { type: 'Point', coordinates: [value[0], value[1]] };
  if (isPlainObject(value) && typeof value.type === 'string' && GEOMETRY_TYPES.has(value.type) && Array.isArray(value.coordinates)) {
    return value as unknown as Geometry;
  }
  return undefined;
}

function requireGeometry(value: unknown, what: string): Geometry {
  const g = geometryOf(value);
  if (!g) throw new StudioError('InvalidQuery', `${what} needs a GeoJSON geometry.`);
  return g;
}

function requirePoint(value: unknown, what: string): Point {
  const g = requireGeometry(value, what);
  if (g.type !== 'Point') throw new StudioError('InvalidQuery', `${what} needs a Point.`);
  return g;
}

function positionsOf(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
    default:
      return [];
  }
}

/** The shortest distance from `from` to any vertex of `to`, in meters or radians along the sphere. */
export function sphericalDistance(from: Point, to: Geometry, units: 'meters' | 'radians'): number {
  let best = Infinity;
  for (const p of positionsOf(to)) best = Math.min(best, distance(from.coordinates, p, { units }));
  return best;
}

/** A stored value tested by one operator; built once per query from the operator's argument. */
export type GeoTest = (value: unknown) => boolean;

function withinArea(area: Polygon | MultiPolygon): GeoTest {
  const parts: Polygon[] = area.type === 'Polygon' ? [area] : area.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
  return (value) => {
    const g = geometryOf(value);
    if (!g) return false;
    if (g.type === 'Point') return booleanPointInPolygon(g, area);
    return parts.some((part) => booleanWithin(g, part));
  };
}

function box(corners: unknown): Polygon {
  if (!Array.isArray(corners) || corners.length !== 2 || !isPosition(corners[0]) || !isPosition(corners[1])) {
    throw new StudioError('InvalidQuery', '$box needs two corners [[x1, y1], [x2, y2]].');
  }
  const [[x1, y1], [x2, y2]] = corners;
  return { type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] };
}

function ring(points: unknown): Polygon {
  if (!Array.isArray(points) || points.length < 3 || !points.every(isPosition)) throw new StudioError('InvalidQuery', '$polygon needs at least three points.');
  return { type: 'Polygon', coordinates: [[...points, points[0]]] };
}

function circle(spec: unknown, what: string): { center: Position; radius: number } {
  if (!Array.isArray(spec) || spec.length !== 2 || !isPosition(spec[0]) || typeof spec[1] !== 'number' || spec[1] < 0) {
    throw new StudioError('InvalidQuery', `${what} needs [[x, y], radius].`);
  }
  return { center: spec[0], radius: spec[1] };
}

/** `$geoWithin`: `$geometry` (Polygon, MultiPolygon), `$centerSphere` (radians), `$box`, `$polygon`, `$center` (flat). */
export function geoWithin(spec: unknown): GeoTest {
  if (!isPlainObject(spec)) throw new StudioError('InvalidQuery', '$geoWithin needs an object.');
  if ('$geometry' in spec) {
    const area = requireGeometry(spec.$geometry, '$geoWithin.$geometry');
    if (area.type !== 'Polygon' && area.type !== 'MultiPolygon') throw new StudioError('InvalidQuery', '$geoWithin.$geometry must be a Polygon or MultiPolygon.');
    return withinArea(area);
  }
  if ('$centerSphere' in spec) {
    const { center, radius } = circle(spec.$centerSphere, '$centerSphere');
    const from: Point = { type: 'Point', coordinates: center };
    return (value) => {
      const g = geometryOf(value);
      return !!g && positionsOf(g).every((p) => distance(from.coordinates, p, { units: 'radians' }) <= radius);
    };
  }
  if ('$center' in spec) {
    const { center, radius } = circle(spec.$center, '$center');
    return (value) => {
      const g = geometryOf(value);
      return !!g && positionsOf(g).every((p) => Math.hypot(p[0] - center[0], p[1] - center[1]) <= radius);
    };
  }
  if ('$box' in spec) return withinArea(box(spec.$box));
  if ('$polygon' in spec) return withinArea(ring(spec.$polygon));
  throw new StudioError('InvalidQuery', '$geoWithin needs $geometry, $centerSphere, $box, $polygon or $center.');
}

export function geoIntersects(spec: unknown): GeoTest {
  if (!isPlainObject(spec)) throw new StudioError('InvalidQuery', '$geoIntersects needs { $geometry }.');
  const shape = requireGeometry(spec.$geometry, '$geoIntersects.$geometry');
  return (value) => {
    const g = geometryOf(value);
    return !!g && booleanIntersects(g, shape);
  };
}

export interface NearSpec {
  point: Point;
  /** Meters for a GeoJSON point, radians for a legacy pair, as in MongoDB. */
  units: 'meters' | 'radians';
  min?: number;
  max?: number;
}

function optionalDistance(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v >= 0)) throw new StudioError('InvalidQuery', `${what} must be a non-negative number.`);
  return v;
}

/** `$nearSphere` / `$near`: `{ $geometry, $maxDistance, $minDistance }` or a legacy pair with `$maxDistance` beside it. */
export function nearSpecOf(spec: unknown, siblings: Record<string, unknown> = {}): NearSpec {
  if (isPosition(spec)) {
    return { point: { type: 'Point', coordinates: spec }, units: 'radians', max: optionalDistance(siblings.$maxDistance, '$maxDistance'), min: optionalDistance(siblings.$minDistance, '$minDistance') };
  }
  if (!isPlainObject(spec)) throw new StudioError('InvalidQuery', '$nearSphere needs { $geometry: Point }.');
  const point = requirePoint(spec.$geometry, '$nearSphere.$geometry');
  return { point, units: 'meters', max: optionalDistance(spec.$maxDistance ?? siblings.$maxDistance, '$maxDistance'), min: optionalDistance(spec.$minDistance ?? siblings.$minDistance, '$minDistance') };
}

/** The distance of a stored value from the near point, or undefined when it is not a geometry. */
export function nearDistance(near: NearSpec, value: unknown): number | undefined {
  const g = geometryOf(value);
  return g ? sphericalDistance(near.point, g, near.units) : undefined;
}

export function nearTest(near: NearSpec): GeoTest {
  return (value) => {
    const d = nearDistance(near, value);
    return d !== undefined && (near.min === undefined || d >= near.min) && (near.max === undefined || d <= near.max);
  };
}

/** `$geoNear`'s `near`: a GeoJSON point (meters) or a legacy pair (radians). */
export function geoNearPoint(near: unknown): { point: Point; units: 'meters' | 'radians' } {
  if (isPosition(near)) return { point: { type: 'Point', coordinates: near }, units: 'radians' };
  return { point: requirePoint(near, '$geoNear.near'), units: 'meters' };
}

/**
 * `$nearSphere`/`$near` also order the results nearest first, as in MongoDB, unless the caller
 * sorted. Returns each document's distance for the filter's near condition, or undefined without one.
 */
export function nearDistanceOf(filter: Record<string, unknown>): ((doc: Record<string, unknown>) => number) | undefined {
  for (const [field, condition] of Object.entries(filter)) {
    if (field.startsWith('$') || !isPlainObject(condition)) continue;
    const op = '$nearSphere' in condition ? '$nearSphere' : '$near' in condition ? '$near' : undefined;
    if (!op) continue;
    const near = nearSpecOf(condition[op], condition);
    return (doc) => nearDistance(near, valueAt(doc, field)) ?? Infinity;
  }
  return undefined;
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(value)) return undefined;
    value = value[part];
  }
  return value;
}
