/**
 * Where a document opens: `cloudbase:/<environment>/<collection>/<_id>.json` (editable), or the
 * same path on `cloudbase-readonly:` (the stored version, e.g. in a compare). The path is what
 * people read (breadcrumbs, tab titles, VS Code's own messages), so the environment appears as
 * its label, with a short hash of its key only when two environments share a label. Only `%`,
 * `/` and `\` are escaped in a segment, so ids with slashes round-trip and everything else reads
 * as typed. No vscode import.
 */
import { StudioError } from '../../shared/errors';

export const DOCUMENT_SCHEME = 'cloudbase';
export const READONLY_SCHEME = 'cloudbase-readonly';

export interface DocumentAddress {
  envKey: string;
  collection: string;
  id: string;
}

/** The environments a path can name: their keys and labels. */
export interface NamedEnvironment {
  key: string;
  label: string;
}

export const escapeSegment = (s: string): string => s.replace(/[%/\\]/g, (c) => encodeURIComponent(c));

/** FNV-1a, in base 36: stable across sessions, so a restored editor finds its environment again. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

/** How the environment appears in paths: its label, made unique among `known` when it has to be. */
export function environmentSegment(envKey: string, known: readonly NamedEnvironment[]): string {
  const own = known.find((e) => e.key === envKey);
  const label = own?.label.trim() || envKey.split(/[/\\]/).filter(Boolean).pop() || 'env';
  const shared = known.some((e) => e.key !== envKey && e.label.trim() === label);
  return escapeSegment(shared || !own ? `${label}~${shortHash(envKey)}` : label);
}

/** The environment a path segment names, or undefined when none does (any longer). */
export function environmentOfSegment(segment: string, known: readonly NamedEnvironment[]): string | undefined {
  return known.find((e) => environmentSegment(e.key, known) === segment)?.key;
}

export function documentPath(address: DocumentAddress, known: readonly NamedEnvironment[]): string {
  return `/${[environmentSegment(address.envKey, known), escapeSegment(address.collection), escapeSegment(address.id)].join('/')}.json`;
}

export function parseDocumentPath(path: string, known: readonly NamedEnvironment[]): DocumentAddress {
  const match = /^\/([^/]+)\/([^/]+)\/([^/]+)\.json$/.exec(path);
  const envKey = match ? environmentOfSegment(match[1], known) : undefined;
  if (!match || envKey === undefined) throw new StudioError('InvalidPath', `Not a document address: ${path}`);
  try {
    const [collection, id] = match.slice(2).map(decodeURIComponent);
    return { envKey, collection, id };
  } catch (e) {
    throw new StudioError('InvalidPath', `Not a document address: ${path}`, { cause: e });
  }
}
