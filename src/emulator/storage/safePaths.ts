/**
 * Keys become paths inside the storage folder only: the key is checked, and no existing part of
 * the way (folder or file) may be a symbolic link, so a link planted in the folder cannot lead a
 * read or a write elsewhere.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { StudioError } from '../../shared/errors';

/** `root` must already be a real path (no links); `key` must be checked (src/project/storage-paths.ts). */
export function lexicalPath(root: string, key: string): string {
  const body = key.endsWith('/') ? key.slice(0, -1) : key;
  return body === '' ? root : join(root, ...body.split('/'));
}

/** Refuses when the deepest existing part of `path` resolves somewhere else than it reads. */
export async function assertNoLinks(root: string, path: string, key: string): Promise<void> {
  let probe = path;
  for (;;) {
    try {
      const info = await fs.lstat(probe);
      if (info.isSymbolicLink()) break;
      const real = await fs.realpath(probe);
      if (real !== probe) break;
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      if (probe === root || !probe.startsWith(root + sep)) return;
      probe = dirname(probe);
    }
  }
  throw new StudioError('InvalidPath', `The storage path "${key}" leads through a symbolic link; only plain files and folders inside the storage folder are used.`);
}
