/**
 * Sorted child lists per folder, read once with readdir (no stat per file) and kept until the
 * folder changes: our own writes drop the folder's list, and a folder whose mtime moved (files
 * copied in by hand) is read again. A page of a 100,000-file folder then costs a binary search.
 */
import { promises as fs } from 'node:fs';
import { sep } from 'node:path';

export interface FolderEntry {
  name: string;
  folder: boolean;
}

interface Cached {
  mtimeMs: number;
  entries: FolderEntry[];
}

/** Folders first, then files, each by code point: the order pages and cursors follow. */
export function compareEntries(a: FolderEntry, b: FolderEntry): number {
  if (a.folder !== b.folder) return a.folder ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class FolderIndex {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly root: string) {}

  async entries(path: string): Promise<FolderEntry[]> {
    const info = await fs.stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      this.cache.delete(path);
      return [];
    }
    const cached = this.cache.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.entries;
    const dirents = await fs.readdir(path, { withFileTypes: true });
    // Links and special files are not storage objects: only plain files and folders are listed.
    const entries = dirents
      .filter((d) => d.isFile() || d.isDirectory())
      .map((d) => ({ name: d.name, folder: d.isDirectory() }))
      .sort(compareEntries);
    this.cache.set(path, { mtimeMs: info.mtimeMs, entries });
    return entries;
  }

  forget(path: string): void {
    this.cache.delete(path.endsWith(sep) && path !== this.root ? path.slice(0, -1) : path);
  }

  forgetUnder(path: string): void {
    for (const key of this.cache.keys()) if (key === path || key.startsWith(path + sep)) this.cache.delete(key);
    const parent = path.slice(0, path.lastIndexOf(sep));
    this.cache.delete(parent);
  }

  /** Index of the first entry after `entry` in `sorted`. */
  static positionAfter(sorted: FolderEntry[], entry: FolderEntry): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(sorted[mid], entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
