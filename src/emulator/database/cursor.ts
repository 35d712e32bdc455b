/**
 * Page cursors: an opaque base64url token holding the last document's sort values and `_id`, so
 * the next page seeks to that position instead of skipping over everything before it.
 */
import { StudioError } from '../../shared/errors';
import type { SortKey } from '../../shared/model';
import { decode, encode } from './codec';

export interface CursorPosition {
  /** The sort the cursor belongs to, as text; a cursor only continues the same sort. */
  sort: string;
  values: unknown[];
  id: string;
  /** Direction of the `_id` tie-break among equal sort values. */
  tie: 1 | -1;
}

export function sortSignature(keys: readonly SortKey[]): string {
  return keys.map((k) => `${k.field}:${k.direction}`).join(',');
}

export function encodeCursor(position: CursorPosition): string {
  const text = encode({ s: position.sort, v: position.values, i: position.id, t: position.tie });
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function decodeCursor(token: unknown, sort: string): CursorPosition {
  const invalid = (why: string) => new StudioError('InvalidArgument', `Invalid page cursor: ${why}`);
  if (typeof token !== 'string' || token === '' || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('not a cursor token.');
  let raw: unknown;
  try {
    raw = decode(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('damaged token.');
  }
  const r = raw as { s?: unknown; v?: unknown; i?: unknown; t?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.s !== 'string' || !Array.isArray(r.v) || typeof r.i !== 'string' || (r.t !== 1 && r.t !== -1)) {
    throw invalid('damaged token.');
  }
  if (r.s !== sort) throw invalid('it belongs to a different sort.');
  return { sort: r.s, values: r.v, id: r.i, tie: r.t };
}
