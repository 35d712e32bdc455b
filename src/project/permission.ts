/**
 * Collection security rules as CloudBase keeps them: one of four presets or a custom rule. The
 * engine stores and checks their shape; the client SDK paths enforce them (../client/rules.ts),
 * and the admin paths bypass them, as on CloudBase.
 */
import type { CollectionPermission, JsonObject, PermissionAcl } from '../shared/model';
import { StudioError } from '../shared/errors';

/** New collections start where CloudBase's console starts them. */
export const DEFAULT_PERMISSION: CollectionPermission = { acl: 'PRIVATE' };

const ACLS: readonly PermissionAcl[] = ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'];
const RULE_KEYS = new Set(['read', 'write', 'create', 'update', 'delete']);

/** As the engine's check: a class instance (a Date, a bson value) is not a rule object. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A checked copy; refuses unknown presets, custom rules that are not objects of boolean/expression entries. */
export function checkPermission(value: unknown): CollectionPermission {
  if (!isPlainObject(value)) throw new StudioError('InvalidArgument', 'A permission must be an object with an "acl".');
  const acl = value.acl as PermissionAcl;
  if (!ACLS.includes(acl)) throw new StudioError('InvalidArgument', `Unknown permission "${String(value.acl)}"; use one of ${ACLS.join(', ')}.`);
  if (acl !== 'CUSTOM') {
    if (value.rule !== undefined) throw new StudioError('InvalidArgument', 'Only a CUSTOM permission carries a rule.');
    return { acl };
  }
  const rule = value.rule;
  if (!isPlainObject(rule) || Object.keys(rule).length === 0) {
    throw new StudioError('InvalidArgument', 'A CUSTOM permission needs a rule object, e.g. {"read": true, "write": false}.');
  }
  for (const [key, entry] of Object.entries(rule)) {
    if (!RULE_KEYS.has(key)) throw new StudioError('InvalidArgument', `Unknown rule key "${key}"; use ${[...RULE_KEYS].join(', ')}.`);
    if (typeof entry !== 'boolean' && (typeof entry !== 'string' || entry.trim() === '')) {
      throw new StudioError('InvalidArgument', `The rule's "${key}" must be true, false or an expression string.`);
    }
  }
  return { acl, rule: { ...(rule as JsonObject) } };
}
