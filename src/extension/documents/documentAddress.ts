/**
 * Where a document opens: `cloudbase:/<environment>/<collection>/<_id>.json` (editable), or the
 * same path on `cloudbase-readonly:` (the stored version, e.g. in a compare). Each segment is
 * percent-encoded, so keys with slashes or colons round-trip; the editor tab shows `<_id>.json`.
 * No vscode import.
 */
import { StudioError } from '../../shared/errors';

export const DOCUMENT_SCHEME = 'cloudbase';
export const READONLY_SCHEME = 'cloudbase-readonly';

export interface DocumentAddress {
  envKey: string;
  collection: string;
  id: string;
}

export function documentPath(address: DocumentAddress): string {
  return `/${[address.envKey, address.collection, address.id].map(encodeURIComponent).join('/')}.json`;
}

export function parseDocumentPath(path: string): DocumentAddress {
  const match = /^\/([^/]+)\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!match) throw new StudioError('InvalidPath', `Not a document address: ${path}`);
  try {
    const [envKey, collection, id] = match.slice(1).map(decodeURIComponent);
    return { envKey, collection, id };
  } catch (e) {
    throw new StudioError('InvalidPath', `Not a document address: ${path}`, { cause: e });
  }
}
