/**
 * Checks every caller-supplied tree (documents, filters, updates, projections, sorts, pipelines)
 * before the engine or mingo touches it, so that bad input is refused with a code instead of
 * doing harm:
 * - no key, dot path segment, positional identifier (`$[name]`) or aggregation field path
 *   (`$a.b`, `$$ROOT.a`) may name `__proto__`, `constructor` or `prototype`: mingo walks and
 *   writes paths with plain property access, so such a path reaches the prototype of a stored
 *   value (`arr.constructor.prototype.0` writes into Array.prototype for the whole process);
 * - nesting is bounded, so a deeply nested request is refused before anything recurses over it.
 * The walks are iterative: the check itself cannot overflow the stack.
 */
import { StudioError, type ErrorCode } from '../../shared/errors';
import { MAX_NESTING_DEPTH } from './limits';

/** Property names through which a path reaches an object's prototype chain. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Pipeline options whose string values are field paths or names without a leading `$` (`field` of `$getField`/`$setField`). */
const PATH_OPTIONS = new Set(['as', 'localField', 'foreignField', 'includeArrayIndex', 'path', 'connectFromField', 'connectToField', 'depthField', 'field']);
/** Stages whose string argument is a field name. */
const PATH_STAGES = new Set(['$unwind', '$count', '$sortByCount', '$unset']);

/** True for a name that reaches the prototype chain, also as a positional identifier (`$[constructor]`). */
export function isForbiddenName(segment: string): boolean {
  const bare = /^\$\[(.*)\]$/.exec(segment)?.[1] ?? segment.replace(/^\$+/, '');
  return FORBIDDEN.has(segment) || FORBIDDEN.has(bare);
}

function forbidden(code: ErrorCode, what: string, path: string): StudioError {
  return new StudioError(code, `The ${what} uses "${path}": __proto__, constructor and prototype cannot be field names.`);
}

/** Refuses a dot path (`a.b`, `arr.$[].c`, `$a.b`) with a segment that reaches the prototype chain. */
export function checkSafePath(path: string, what: string, code: ErrorCode = 'InvalidQuery'): void {
  for (const segment of path.split('.')) if (isForbiddenName(segment)) throw forbidden(code, what, path);
}

/** How a tree's string values are read: as plain data, or as aggregation field paths. */
type StringMode = 'data' | 'expressions';

interface Pending {
  value: unknown;
  depth: number;
  mode: StringMode;
  /** The key this value sits under, for options whose string value is a path. */
  key?: string;
}

function isWalkable(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export interface TreeCheck {
  /** Names the tree in messages: "filter", "update", "document", "pipeline". */
  what: string;
  code?: ErrorCode;
  /**
   * `data`: strings are values (documents, updates); `filter`: strings under `$expr` are field
   * paths; `pipeline`: strings are field paths except inside `$match` (a filter) and `$literal`.
   */
  kind: 'data' | 'filter' | 'pipeline';
  maxDepth?: number;
  /** False for trees that are data and never paths (a function's event): only the depth is bounded. */
  checkKeys?: boolean;
}

function tooDeep(code: ErrorCode, what: string, max: number): StudioError {
  return new StudioError(code, `The ${what} is nested deeper than ${max} levels.`);
}

/** Walks a tree once: its depth, its keys (split on dots) and, where they are paths, its strings. */
export function checkTree(root: unknown, check: TreeCheck): void {
  const code = check.code ?? 'InvalidQuery';
  const max = check.maxDepth ?? MAX_NESTING_DEPTH;
  const stack: Pending[] = [{ value: root, depth: 0, mode: check.kind === 'pipeline' ? 'expressions' : 'data' }];
  while (stack.length > 0) {
    const { value, depth, mode, key } = stack.pop()!;
    if (typeof value === 'string') {
      if (mode === 'expressions' && value.startsWith('$')) checkSafePath(value, check.what, code);
      else if (mode === 'expressions' && key !== undefined && (PATH_OPTIONS.has(key) || PATH_STAGES.has(key))) checkSafePath(value, check.what, code);
      continue;
    }
    if (!isWalkable(value)) continue;
    if (depth >= max) throw tooDeep(code, check.what, max);
    if (Array.isArray(value)) {
      // Array items keep their parent's key: `$unset: ['a', 'b']` lists paths.
      for (const item of value) stack.push({ value: item, depth: depth + 1, mode, key });
      continue;
    }
    for (const k of Object.keys(value)) {
      if (check.checkKeys !== false) checkSafePath(k, check.what, code);
      stack.push({ value: value[k], depth: depth + 1, mode: childMode(check.kind, mode, k, depth), key: k });
    }
  }
}

function childMode(kind: TreeCheck['kind'], mode: StringMode, key: string, depth: number): StringMode {
  if (key === '$literal') return 'data';
  if (kind !== 'data' && key === '$expr') return 'expressions';
  // A pipeline's `$match` stage (the stage object sits at depth 1, inside the pipeline array) is a filter.
  if (kind === 'pipeline' && key === '$match' && depth === 1) return 'data';
  return mode;
}

/**
 * The deepest nesting of arrays and objects in JSON text, without parsing it: bounds a request
 * before any recursive decoder (EJSON, the event checks) runs over it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Refuses JSON text nested deeper than `max` (arrays and objects both count). */
export function checkJsonDepth(text: string, what: string, code: ErrorCode = 'InvalidArgument', max = MAX_NESTING_DEPTH): void {
  if (jsonDepth(text) > max) throw tooDeep(code, what, max);
}
