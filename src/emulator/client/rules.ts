/**
 * Security rules for client requests, as CloudBase applies them: a preset or a custom rule picks
 * the expression for the operation, and the expression must hold for every document the request
 * could touch. Rules validate, they do not filter: for a query, `doc.<field>` is known only when
 * the query itself fixes that field to one value; anything else leaves the rule undecided, and an
 * undecided rule denies, naming the query condition that would decide it.
 */
import jsep from 'jsep';
import type { CollectionPermission } from '../../shared/model';
import type { ClientIdentity } from './tokens';

export type RuleOperation = 'read' | 'create' | 'update' | 'delete';

/** CloudBase's rule text limit. */
export const MAX_RULE_LENGTH = 1024;

const CREATOR = 'doc._openid == auth.openid';

/** The presets are shorthands for these rules (CloudBase's documentation gives the same table). */
const PRESETS: Record<Exclude<CollectionPermission['acl'], 'CUSTOM'>, { read: boolean | string; write: boolean | string }> = {
  READONLY: { read: true, write: CREATOR },
  PRIVATE: { read: CREATOR, write: CREATOR },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
};

export interface ChosenRule {
  /** e.g. `PRIVATE (read: doc._openid == auth.openid)` or `custom rule "write": "…"`. */
  label: string;
  rule: boolean | string;
}

export function ruleFor(permission: CollectionPermission, operation: RuleOperation): ChosenRule {
  if (permission.acl !== 'CUSTOM') {
    const key = operation === 'read' ? 'read' : 'write';
    const rule = PRESETS[permission.acl][key];
    return { label: `${permission.acl} (${key}: ${String(rule)})`, rule };
  }
  const custom = permission.rule ?? {};
  const key = operation === 'read' ? 'read' : Object.hasOwn(custom, operation) ? operation : 'write';
  const entry = Object.hasOwn(custom, key) ? custom[key] : undefined;
  if (typeof entry === 'boolean' || typeof entry === 'string') return { label: `custom rule "${key}": ${JSON.stringify(entry)}`, rule: entry };
  return { label: `custom rule (no "${key}" entry, so false)`, rule: false };
}

/** What a rule may read about the request. */
export interface RuleFacts {
  auth: ClientIdentity | null;
  /** The value of `doc.<path>` when the request fixes it; `undefined` entry = not fixed. */
  doc: (path: string) => { value: unknown } | undefined;
  /** `request.data` of a write, when there is one. */
  data?: Record<string, unknown>;
  now: Date;
}

/** A query condition that would make an undecided comparison hold. */
export interface MissingCondition {
  field: string;
  /** The query value to use: a literal, or `'{openid}'` for `auth.openid`. */
  value: unknown;
}

export interface RuleDecision {
  allowed: boolean;
  /** Why it was denied: the sub-expressions that failed or could not be decided. */
  failed: string[];
  missing: MissingCondition[];
}

type Node = jsep.Expression;
type Value = { known: true; value: unknown } | { known: false; field: string };
type Truth = { state: 'true' | 'false' | 'unknown'; failed: string[]; missing: MissingCondition[] };

/** A rule that cannot be evaluated (does not parse, or uses what the local environment lacks). */
export class RuleError extends Error {}

jsep.addBinaryOp('in', 7);

const parsed = new Map<string, Node>();

export function parseRule(text: string): Node {
  if (text.length > MAX_RULE_LENGTH) throw new RuleError(`the rule is ${text.length} characters; CloudBase allows at most ${MAX_RULE_LENGTH}`);
  let node = parsed.get(text);
  if (!node) {
    try {
      node = jsep(text);
    } catch (e) {
      throw new RuleError(`the rule does not parse: ${(e as Error).message}`);
    }
    if (parsed.size > 500) parsed.clear();
    parsed.set(text, node);
  }
  return node;
}

/** The source text of a sub-expression, for explanations. */
export function print(node: Node): string {
  switch (node.type) {
    case 'BinaryExpression':
      return `${printOperand(node.left as Node)} ${String(node.operator)} ${printOperand(node.right as Node)}`;
    case 'LogicalExpression':
      return `${printOperand(node.left as Node)} ${String(node.operator)} ${printOperand(node.right as Node)}`;
    case 'UnaryExpression':
      return `${String(node.operator)}${printOperand(node.argument as Node)}`;
    case 'MemberExpression':
      return node.computed ? `${print(node.object as Node)}[${print(node.property as Node)}]` : `${print(node.object as Node)}.${print(node.property as Node)}`;
    case 'Identifier':
      return String(node.name);
    case 'Literal':
      return String(node.raw);
    case 'ArrayExpression':
      return `[${(node.elements as Node[]).map(print).join(', ')}]`;
    case 'CallExpression':
      return `${print(node.callee as Node)}(${(node.arguments as Node[]).map(print).join(', ')})`;
    default:
      return node.type;
  }
}

function printOperand(node: Node): string {
  return node.type === 'BinaryExpression' || node.type === 'LogicalExpression' ? `(${print(node)})` : print(node);
}

/** `doc.a.b` → `a.b`; undefined for anything not rooted at `root`. */
function pathOf(node: Node, root: string): string | undefined {
  if (node.type === 'Identifier') return node.name === root ? '' : undefined;
  if (node.type !== 'MemberExpression') return undefined;
  const base = pathOf(node.object as Node, root);
  if (base === undefined) return undefined;
  const property = node.property as Node;
  const key = node.computed ? (property.type === 'Literal' ? String(property.value) : undefined) : String(property.name);
  if (key === undefined) throw new RuleError(`"${print(node)}" computes a field name, which the local environment does not evaluate`);
  return base === '' ? key : `${base}.${key}`;
}

function getPath(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function valueOf(node: Node, facts: RuleFacts): Value {
  switch (node.type) {
    case 'Literal':
      return { known: true, value: node.value };
    case 'ArrayExpression': {
      const items = (node.elements as Node[]).map((e) => valueOf(e, facts));
      const unknown = items.find((i) => !i.known);
      return unknown ?? { known: true, value: items.map((i) => (i as { value: unknown }).value) };
    }
    case 'Identifier':
      if (node.name === 'now') return { known: true, value: facts.now.getTime() };
      if (node.name === 'auth') return { known: true, value: facts.auth };
      break;
    case 'MemberExpression': {
      const docPath = pathOf(node, 'doc');
      if (docPath) {
        const fixed = facts.doc(docPath);
        return fixed ? { known: true, value: fixed.value } : { known: false, field: docPath };
      }
      const authPath = pathOf(node, 'auth');
      if (authPath) return { known: true, value: facts.auth ? getPath(facts.auth, authPath) : null };
      const requestPath = pathOf(node, 'request');
      if (requestPath?.startsWith('data.')) {
        const dataPath = requestPath.slice('data.'.length);
        if (!facts.data) throw new RuleError(`"${print(node)}" is only defined for writes that carry data`);
        return { known: true, value: getPath(facts.data, dataPath) };
      }
      break;
    }
  }
  throw new RuleError(`"${print(node)}" is not supported by the local environment's rules (supported: auth.*, doc.*, request.data.*, now, literals)`);
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  // A field the document lacks and a signed-out user's openid are both "nothing".
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return a === b;
}

function orderOf(v: unknown): number | string | undefined {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

const TRUE: Truth = { state: 'true', failed: [], missing: [] };

function compare(node: Node, facts: RuleFacts): Truth {
  const operator = String(node.operator);
  const left = valueOf(node.left as Node, facts);
  const right = valueOf(node.right as Node, facts);
  const text = print(node);
  if (!left.known || !right.known) {
    const missing: MissingCondition[] = [];
    // `doc.f == <known>` is decided by a query that fixes f to that value.
    if (operator === '==' || operator === '===') {
      const [unknown, other, otherNode] = !left.known ? [left, right, node.right as Node] : [right as Value, left, node.left as Node];
      if (!unknown.known && other.known) missing.push({ field: unknown.field, value: print(otherNode) === 'auth.openid' ? '{openid}' : other.value });
    }
    const field = !left.known ? left.field : (right as { field: string }).field;
    return { state: 'unknown', failed: [`${text} (the query does not fix doc.${field})`], missing };
  }
  let holds: boolean;
  switch (operator) {
    case '==':
    case '===':
      holds = same(left.value, right.value);
      break;
    case '!=':
    case '!==':
      holds = !same(left.value, right.value);
      break;
    case 'in':
      if (!Array.isArray(right.value)) throw new RuleError(`the right side of "in" in "${text}" must be an array`);
      holds = right.value.some((v) => same(left.value, v));
      break;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = orderOf(left.value);
      const b = orderOf(right.value);
      holds = a !== undefined && b !== undefined && typeof a === typeof b && (operator === '<' ? a < b : operator === '<=' ? a <= b : operator === '>' ? a > b : a >= b);
      break;
    }
    default:
      throw new RuleError(`operator "${operator}" is not supported by the local environment's rules`);
  }
  return holds ? TRUE : { state: 'false', failed: [`${text} (${describe(left.value)} vs ${describe(right.value)})`], missing: [] };
}

function describe(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

function truth(node: Node, facts: RuleFacts): Truth {
  if (node.type === 'BinaryExpression' && (node.operator === '&&' || node.operator === '||')) return logical(node, facts);
  if (node.type === 'LogicalExpression') return logical(node, facts);
  if (node.type === 'BinaryExpression') return compare(node, facts);
  if (node.type === 'UnaryExpression' && node.operator === '!') {
    const inner = truth(node.argument as Node, facts);
    if (inner.state === 'unknown') return { ...inner, missing: [] };
    return inner.state === 'true' ? { state: 'false', failed: [`${print(node)}`], missing: [] } : TRUE;
  }
  const value = valueOf(node, facts);
  if (!value.known) return { state: 'unknown', failed: [`${print(node)} (the query does not fix doc.${value.field})`], missing: [{ field: value.field, value: true }] };
  return value.value === true ? TRUE : { state: 'false', failed: [`${print(node)} (${describe(value.value)})`], missing: [] };
}

/** Kleene logic: an undecided side decides nothing unless the other side settles it. */
function logical(node: Node, facts: RuleFacts): Truth {
  const left = truth(node.left as Node, facts);
  const right = truth(node.right as Node, facts);
  if (node.operator === '&&') {
    if (left.state === 'true' && right.state === 'true') return TRUE;
    const state = left.state === 'false' || right.state === 'false' ? 'false' : 'unknown';
    return { state, failed: [...left.failed, ...right.failed], missing: [...left.missing, ...right.missing] };
  }
  if (left.state === 'true' || right.state === 'true') return TRUE;
  const state = left.state === 'unknown' || right.state === 'unknown' ? 'unknown' : 'false';
  // Either side would do; the first one's conditions are the suggestion.
  const missing = left.missing.length > 0 ? left.missing : right.missing;
  return { state, failed: [`none of ${print(node)} holds: ${[...left.failed, ...right.failed].join('; ')}`], missing };
}

export function decide(chosen: ChosenRule, facts: RuleFacts): RuleDecision {
  if (chosen.rule === true) return { allowed: true, failed: [], missing: [] };
  if (chosen.rule === false) return { allowed: false, failed: ['the rule is false: no client may do this'], missing: [] };
  const result = truth(parseRule(chosen.rule), facts);
  return { allowed: result.state === 'true', failed: result.failed, missing: result.missing };
}

/**
 * What a query fixes: top-level fields (and those of `$and` branches) compared with one value,
 * `{ f: v }` or `{ f: { $eq: v } }`. Nothing else narrows a field to one value.
 */
export function fixedFields(filter: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (f: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const branch of value) if (branch && typeof branch === 'object' && !Array.isArray(branch)) visit(branch as Record<string, unknown>);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isSingleValue(value)) out.set(key, value);
      else if (value && typeof value === 'object' && !Array.isArray(value)) {
        const ops = value as Record<string, unknown>;
        const keys = Object.keys(ops);
        if (keys.length >= 1 && keys.includes('$eq') && isSingleValue(ops.$eq)) out.set(key, ops.$eq);
      }
    }
  };
  visit(filter);
  return out;
}

function isSingleValue(value: unknown): boolean {
  return value === null || value instanceof Date || ['string', 'number', 'boolean'].includes(typeof value);
}
