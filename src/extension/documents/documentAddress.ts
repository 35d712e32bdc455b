/**
 * Where a document opens: `cloudbase:/<environment label>/<collection>/<_id>.json?env=<key>`
 * (editable), or the same on `cloudbase-readonly:` (the stored version, e.g. in a compare). The
 * path is what people read (breadcrumbs, tab titles, messages), so it holds the environment's
 * label rather than its key; the key, which can hold a whole project path, rides in the query.
 * Only `%`, `/` and `\` are escaped in a segment, so keys with slashes round-trip and everything
 * else reads as typed. No vscode import.
 */
import { StudioError } from '../../shared/errors';

export const DOCUMENT_SCHEME = 'cloudbase';
export const READONLY_SCHEME = 'cloudbase-readonly';

export interface DocumentAddress {
  envKey: string;
  collection: string;
  id: string;
}

export interface UriParts {
  path: string;
  query: string;
}

const escapeSegment = (s: string): string => s.replace(/[%/\\]/g, (c) => encodeURIComponent(c));

/** `label` names the environment in the path; without one the key's last segment stands in. */
export function documentUriParts(address: DocumentAddress, label?: string): UriParts {
  const shown = label?.trim() || address.envKey.split(/[/\\]/).filter(Boolean).pop() || 'env';
  return {
    path: `/${[shown, address.collection, address.id].map(escapeSegment).join('/')}.json`,
    query: `env=${encodeURIComponent(address.envKey)}`,
  };
}

export function parseDocumentUri(path: string, query: string): DocumentAddress {
  const match = /^\/([^/]+)\/([^/]+)\/([^/]+)\.json$/.exec(path);
  const env = /^env=([^&]+)$/.exec(query);
  if (!match || !env) throw new StudioError('InvalidPath', `Not a document address: ${path}`);
  try {
    const [collection, id] = match.slice(2).map(decodeURIComponent);
    return { envKey: decodeURIComponent(env[1]), collection, id };
  } catch (e) {
    throw new StudioError('InvalidPath', `Not a document address: ${path}`, { cause: e });
  }
}
