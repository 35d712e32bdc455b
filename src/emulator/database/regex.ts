/**
 * Regular expressions from callers run in RE2 (re2js, a pure JavaScript port), whose matching
 * takes time linear in the input. JavaScript's own engine backtracks: `^(a+)+$` over 30
 * characters runs for many seconds, and the environment serves every client from one thread.
 *
 * The local operator context (./operators.ts) takes these in place of mingo's, so everything that
 * matches a caller's pattern goes through RE2: `$regex` (also inside `$not`, `$elemMatch`, `$pull`), RegExp values in
 * `$in`/`$nin`/`$all`, and the aggregation
 * operators `$regexMatch`, `$regexFind` and `$regexFindAll`.
 *
 * CloudBase's options i, m and s map to RE2's flags, u is implied (RE2 matches code points).
 * Lookaround and backreferences have no linear-time algorithm: such patterns are refused with
 * InvalidQuery rather than run with the risk.
 */
import { RE2JS } from 're2js';
import { evalExpr } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import type { Options } from 'mingo/types';
import { StudioError } from '../../shared/errors';

const SUPPORTED_OPTIONS = /^[imsu]*$/;

function compileRe2(pattern: string, flags: string): RE2JS {
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new StudioError(
      'InvalidQuery',
      `The regular expression /${pattern}/ cannot run in the local environment (${why}). Lookaround and backreferences are not supported: their matching time can grow exponentially.`,
      { cause: e },
    );
  }
}

/** A RegExp (for every `instanceof RegExp` check in mingo) whose matching is done by RE2. */
export class SafeRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(pattern: string, flags = '') {
    if (!SUPPORTED_OPTIONS.test(flags)) {
      throw new StudioError('InvalidQuery', `Unsupported regular expression options "${flags}" in /${pattern}/ (supported: i, m, s, u).`);
    }
    try {
      super(pattern, flags);
    } catch (e) {
      throw new StudioError('InvalidQuery', `Invalid regular expression /${pattern}/: ${(e as Error).message}`, { cause: e });
    }
    this.#re2 = compileRe2(pattern, flags);
  }

  /** Searches from the start of the string (no global or sticky state); null when nothing matches. */
  override exec(input: string): RegExpExecArray | null {
    return this.#re2.exec(String(input)) as RegExpExecArray | null;
  }

  override test(input: string): boolean {
    return this.#re2.test(String(input));
  }
}

/** Compiled patterns by flags and source, so operators that receive plain RegExps do not recompile per document. */
const cache = new Map<string, SafeRegExp>();
const CACHE_SIZE = 512;

/** The RE2-backed equivalent of any RegExp, or of a pattern string with options. */
export function safeRegExp(pattern: string | RegExp, flags?: string): SafeRegExp {
  if (pattern instanceof SafeRegExp && (flags === undefined || flags === pattern.flags)) return pattern;
  const source = pattern instanceof RegExp ? pattern.source : String(pattern);
  const options = flags ?? (pattern instanceof RegExp ? pattern.flags : '');
  const key = `${options}/${source}`;
  let re = cache.get(key);
  if (!re) {
    re = new SafeRegExp(source, options);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, re);
  }
  return re;
}

type QueryOperator = (selector: string, value: unknown, options: Options) => (doc: unknown) => boolean;

const $regex: QueryOperator = (selector, value, options) =>
  (queryOperators.$regex as QueryOperator)(selector, value instanceof RegExp || typeof value === 'string' ? safeRegExp(value) : value, options);

/** mingo's Query deep-copies its condition into native RegExps, so list operators get theirs back here. */
function withSafeList(operator: unknown): QueryOperator {
  return (selector, value, options) =>
    (operator as QueryOperator)(selector, Array.isArray(value) ? value.map((v: unknown) => (v instanceof RegExp ? safeRegExp(v) : v)) : value, options);
}

interface RegexMatch {
  match: string;
  idx: number;
  captures: (string | null)[];
}

/** `$regexFind`'s `{ input, regex, options }`; unlike mingo's own search it always advances past empty matches. */
function search(obj: unknown, expr: unknown, options: Options, global: boolean): RegexMatch[] {
  const args = evalExpr(obj, expr, options) as { input?: unknown; regex?: unknown; options?: unknown };
  if (typeof args.input !== 'string') return [];
  if (!(args.regex instanceof RegExp) && typeof args.regex !== 'string') {
    throw new StudioError('InvalidQuery', 'The regex of $regexMatch, $regexFind and $regexFindAll must be a string or a regular expression.');
  }
  const flags = typeof args.options === 'string' ? args.options : args.regex instanceof RegExp ? args.regex.flags : '';
  const re = safeRegExp(args.regex, flags);
  const input = args.input;
  const matches: RegexMatch[] = [];
  let offset = 0;
  while (offset <= input.length) {
    const m = re.exec(input.slice(offset));
    if (!m) break;
    matches.push({ match: m[0], idx: offset + m.index, captures: m.slice(1).map((c) => c ?? null) });
    if (!global) break;
    offset += m.index + Math.max(m[0].length, 1);
  }
  return matches;
}

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

const regexExpressions: Record<string, ExpressionOperator> = {
  $regexMatch: (obj, expr, options) => search(obj, expr, options, false).length > 0,
  $regexFind: (obj, expr, options) => search(obj, expr, options, false)[0] ?? null,
  $regexFindAll: (obj, expr, options) => search(obj, expr, options, true),
};

/** The query operators whose patterns match through RE2, in place of mingo's own (see ./operators.ts). */
export const regexQueryOperators = {
  $regex,
  $in: withSafeList(queryOperators.$in),
  $nin: withSafeList(queryOperators.$nin),
  $all: withSafeList(queryOperators.$all),
};

/** The expression operators whose patterns match through RE2. */
export const regexExpressionOperators = regexExpressions;

/** A copy of a caller's tree with every RegExp (and BSON regular expression) matched by RE2. */
export function withSafeRegExps<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof RegExp) return safeRegExp(value) as T;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  if (tag === 'BSONRegExp') {
    const r = value as unknown as { pattern: string; options: string };
    return safeRegExp(r.pattern, r.options.replace(/[^imsu]/g, '')) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => withSafeRegExps(v)) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withSafeRegExps(v);
  return out as T;
}
