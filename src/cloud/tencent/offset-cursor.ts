/**
 * Tencent's list APIs page by offset (MgoOffset, Offset), not by a position in the sort order, so
 * a cursor here is an encoded offset: items added or removed between pages can shift what the next
 * page shows.
 */
import { StudioError } from '../../shared/errors';

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // falls through to the refusal below
  }
  throw new StudioError('InvalidArgument', 'The page cursor is not one this environment issued.');
}
