/**
 * Storage keys (`avatars/user-01.png`) as the cloud accepts them, checked before anything touches
 * the disk: a key that could climb out of the storage folder or name two places is refused.
 */
import { StudioError } from '../shared/errors';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_KEY_LENGTH = 850;

function refuse(path: string, why: string): never {
  throw new StudioError('InvalidPath', `The storage path ${JSON.stringify(path)} is not allowed: ${why}.`);
}

function checkSegments(path: string, body: string): void {
  if (body.includes('\\')) refuse(path, 'it contains a backslash');
  if (CONTROL.test(body)) refuse(path, 'it contains a control character');
  if (body.startsWith('/') || /^[A-Za-z]:/.test(body)) refuse(path, 'it is absolute');
  for (const segment of body.split('/')) {
    if (segment === '') refuse(path, 'it has an empty segment');
    if (segment === '.' || segment === '..') refuse(path, `it has a "${segment}" segment`);
  }
  if (Buffer.byteLength(body) > MAX_KEY_LENGTH) refuse(path, `it is longer than ${MAX_KEY_LENGTH} bytes`);
}

/** A file's key: `a/b.txt`, never empty, never ending in `/`. */
export function checkFileKey(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new StudioError('InvalidPath', 'A storage file path must be a non-empty string.');
  if (path.endsWith('/')) refuse(path, 'a file path cannot end with "/"');
  checkSegments(path, path);
  return path;
}

/** A folder prefix: `` (the root) or `a/b/`. A prefix given without its trailing `/` gets one. */
export function checkFolderPrefix(path: unknown): string {
  if (typeof path !== 'string') throw new StudioError('InvalidPath', 'A storage folder path must be a string.');
  if (path === '' || path === '/') return '';
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  checkSegments(path, body);
  return `${body}/`;
}

/** The last segment: the name the tree shows. */
export function baseName(key: string): string {
  const body = key.endsWith('/') ? key.slice(0, -1) : key;
  return body.slice(body.lastIndexOf('/') + 1);
}

/** `a/b/c.txt` → `a/b/`; `c.txt` → ``. */
export function parentPrefix(key: string): string {
  const body = key.endsWith('/') ? key.slice(0, -1) : key;
  const slash = body.lastIndexOf('/');
  return slash < 0 ? '' : body.slice(0, slash + 1);
}
