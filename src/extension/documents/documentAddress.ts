/**
 * Where a document opens: `cloudbase-readonly:/<environment>/<collection>/<_id>.json`. Each
 * segment is percent-encoded, so keys with slashes or colons round-trip; the editor tab shows
 * `<_id>.json`. No vscode import.
 */
import { StudioError } from '../../shared/errors';

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
