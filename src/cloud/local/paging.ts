/** Cursor paging over lists with unique, sorted names (collections, functions): no skipping. */
import { StudioError } from '../../shared/errors';
import type { PageRequest } from '../../shared/model';

export const MAX_PAGE = 1000;

export function checkPage(page: PageRequest): void {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE) {
    throw new StudioError('InvalidArgument', `A page holds 1 to ${MAX_PAGE} items, not ${page.limit}.`);
  }
}

/** The cursor carries the last name returned. */
export function encodeNameCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

export function decodeNameCursor(cursor: string, what = 'collection'): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (name === '' || encodeNameCursor(name) !== cursor) throw new StudioError('InvalidArgument', `The ${what} cursor is not valid.`);
  return name;
}
