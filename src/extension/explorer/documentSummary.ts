/**
 * The one-line summary a document node shows next to its `_id`: the first fields as
 * `name: value`, Extended JSON wrappers unwrapped, cut to fit a tree row. System fields
 * (`_openid` and the like, the same on every document of a user) come after the user's own.
 * No vscode import: unit-tested in plain Node.
 */
import type { DocumentJson, JsonValue } from '../../shared/model';

const VALUE_LIMIT = 40;

export function documentSummary(document: DocumentJson, maxLength = 80): string {
  let out = '';
  const fields = Object.entries(document).filter(([field]) => field !== '_id');
  const ordered = [...fields.filter(([f]) => !f.startsWith('_')), ...fields.filter(([f]) => f.startsWith('_'))];
  for (const [field, value] of ordered) {
    const part = `${field}: ${valueSummary(value)}`;
    out = out === '' ? part : `${out}, ${part}`;
    if (out.length >= maxLength) break;
  }
  return truncate(out, maxLength);
}

export function valueSummary(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return truncate(value.replace(/\s+/g, ' ').trim(), VALUE_LIMIT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.length}]`;
  const keys = Object.keys(value);
  // Relaxed Extended JSON wraps one value under a `$` key ({ "$date": "…" }, { "$oid": "…" }).
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const inner = value[keys[0]];
    if (typeof inner === 'string' || typeof inner === 'number') return truncate(String(inner), VALUE_LIMIT);
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && typeof inner.$numberLong === 'string') return inner.$numberLong;
  }
  return keys.length === 0 ? '{}' : '{…}';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
