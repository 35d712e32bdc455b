/**
 * The local environment's files: one plain file per key under the storage folder, so users can
 * look at them and seed them by copying. Writes go to a temporary file that is synced and then
 * moved into place, so a write that returned is on disk and a reader never sees half a file.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { StudioError } from '../../shared/errors';
import { contentTypeOf } from './contentTypes';
import { FolderIndex, type FolderEntry } from './folderIndex';
import { baseName, checkFileKey, checkFolderPrefix } from '../../project/storage-paths';
import { assertNoLinks, lexicalPath } from './safePaths';

export interface StoredFile {
  key: string;
  size: number;
  modified: Date;
  contentType: string;
}

export interface ListedEntry {
  kind: 'file' | 'folder';
  /** Folders end with `/`. */
  key: string;
  name: string;
  size?: number;
  modified?: Date;
  contentType?: string;
}

export interface ListPage {
  entries: ListedEntry[];
  /** The last key of this page when more follow. */
  next?: string;
}

export type WriteSource = Readable | Buffer | string;

export interface WriteOptions {
  /** Without it an existing file is refused (FileExists), never replaced. */
  overwrite: boolean;
  signal?: AbortSignal;
}

const isMissing = (e: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');

/** Stored files are the user's data: readable by the user only, like the URL secret beside them. */
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

/** A full disk is said as such (the SDKs get a coded error instead of a bare errno). */
export function diskFullError(e: unknown, what: string): StudioError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  const why = code === 'ENOSPC' ? 'the disk is full' : 'the disk quota is used up';
  return new StudioError('DiskFull', `${what} failed: ${why} (${code}). Free some space and try again; nothing was kept of it.`, { cause: e });
}

export interface FileStoreOptions {
  /** Opens the temporary file an upload is written to (exclusively, mode 0600). A seam for fault injection. */
  openPartial?: (path: string) => Promise<fs.FileHandle>;
}

const openPartialFile = (path: string): Promise<fs.FileHandle> => fs.open(path, 'wx', FILE_MODE);

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class FileStore {
  private readonly index: FolderIndex;

  private constructor(
    /** A real path: links inside it are refused, so it must not be one itself. */
    readonly root: string,
    private readonly partialDir: string,
    private readonly openPartial: (path: string) => Promise<fs.FileHandle>,
  ) {
    this.index = new FolderIndex(root);
  }

  /** `partialDir` must be on the same file system as `root` (renames into place) and outside it (never listed). */
  static async open(root: string, partialDir: string, options: FileStoreOptions = {}): Promise<FileStore> {
    await fs.mkdir(root, { recursive: true, mode: FOLDER_MODE });
    await fs.mkdir(partialDir, { recursive: true, mode: FOLDER_MODE });
    // Temporary files of a crash are garbage: their writes never returned.
    for (const name of await fs.readdir(partialDir)) await fs.rm(join(partialDir, name), { force: true, recursive: true });
    return new FileStore(await fs.realpath(root), partialDir, options.openPartial ?? openPartialFile);
  }

  private async pathOf(key: string): Promise<string> {
    const path = lexicalPath(this.root, key);
    await assertNoLinks(this.root, path, key);
    return path;
  }

  async stat(key: string): Promise<StoredFile | undefined> {
    checkFileKey(key);
    const path = await this.pathOf(key);
    try {
      const info = await fs.stat(path);
      return info.isFile() ? { key, size: info.size, modified: info.mtime, contentType: contentTypeOf(key) } : undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async folderExists(prefix: string): Promise<boolean> {
    const path = await this.pathOf(checkFolderPrefix(prefix));
    return (await fs.stat(path).catch(() => undefined))?.isDirectory() ?? false;
  }

  /** Opens a file for streaming; the size is the opened file's, so Content-Length matches what is read. */
  async openRead(key: string): Promise<{ file: StoredFile; stream: Readable }> {
    checkFileKey(key);
    const path = await this.pathOf(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EISDIR') throw new StudioError('FileNotFound', `No file at "${key}".`, { cause: e });
      throw e;
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new StudioError('FileNotFound', `No file at "${key}".`);
    }
    const file = { key, size: info.size, modified: info.mtime, contentType: contentTypeOf(key) };
    if (info.size === 0) {
      await handle.close();
      return { file, stream: Readable.from([]) };
    }
    // Exactly the size announced, even if the file grows meanwhile; the stream closes the handle.
    return { file, stream: handle.createReadStream({ start: 0, end: info.size - 1, autoClose: true }) };
  }

  /** Throws StudioError('DiskFull') when the disk has no room; the partial file is removed and nothing changes. */
  async write(key: string, source: WriteSource, options: WriteOptions): Promise<StoredFile> {
    try {
      return await this.writeFile(key, source, options);
    } catch (e) {
      throw diskFullError(e, `Writing "${key}"`) ?? e;
    }
  }

  private async writeFile(key: string, source: WriteSource, options: WriteOptions): Promise<StoredFile> {
    checkFileKey(key);
    const target = await this.pathOf(key);
    const parent = lexicalPath(this.root, key.slice(0, key.lastIndexOf('/') + 1));
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw new StudioError('FileExists', `"${key}" is a folder.`);
    if (existing && !options.overwrite) throw new StudioError('FileExists', `A file already exists at "${key}".`);
    await makeFolder(parent, key);
    // mkdir follows links that appeared meanwhile; check the finished way once more.
    await assertNoLinks(this.root, target, key);

    const partial = join(this.partialDir, randomUUID());
    const handle = await this.openPartial(partial);
    try {
      try {
        await copyInto(handle, source, options.signal);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (options.overwrite) {
        await fs.rename(partial, target);
      } else {
        // link() refuses an existing name, so a file that appeared meanwhile is not replaced.
        try {
          await fs.link(partial, target);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new StudioError('FileExists', `A file already exists at "${key}".`, { cause: e });
          throw e;
        }
        await fs.rm(partial, { force: true });
      }
    } catch (e) {
      await fs.rm(partial, { force: true });
      throw e;
    }
    await syncDirectory(parent);
    this.index.forget(parent);
    const info = await fs.stat(target);
    return { key, size: info.size, modified: info.mtime, contentType: contentTypeOf(key) };
  }

  /** Returns whether there was a file to delete. */
  async remove(key: string): Promise<boolean> {
    checkFileKey(key);
    const path = await this.pathOf(key);
    const info = await fs.lstat(path).catch(() => undefined);
    if (!info?.isFile()) return false;
    await fs.unlink(path);
    this.index.forget(lexicalPath(this.root, key.slice(0, key.lastIndexOf('/') + 1)));
    return true;
  }

  /** Deletes a folder and everything in it; returns how many files went. The root cannot be deleted. */
  async removeFolder(prefix: string): Promise<number> {
    const folder = checkFolderPrefix(prefix);
    if (folder === '') throw new StudioError('InvalidPath', 'The storage root cannot be deleted; delete its folders and files instead.');
    const path = await this.pathOf(folder);
    const files = await this.filesUnder(folder);
    await fs.rm(path, { recursive: true, force: true });
    this.index.forgetUnder(path);
    return files.length;
  }

  async createFolder(prefix: string): Promise<void> {
    const folder = checkFolderPrefix(prefix);
    const path = await this.pathOf(folder);
    const existing = await fs.lstat(path).catch(() => undefined);
    if (existing && !existing.isDirectory()) throw new StudioError('FileExists', `A file already exists at "${folder.slice(0, -1)}".`);
    await makeFolder(path, folder);
    await assertNoLinks(this.root, path, folder);
  }

  /** One page of a folder's direct children, folders first, each by name; `after` is the last key seen. */
  async list(prefix: string, limit: number, after?: string): Promise<ListPage> {
    const folder = checkFolderPrefix(prefix);
    const path = await this.pathOf(folder);
    const sorted = await this.index.entries(path);
    const start = after === undefined ? 0 : FolderIndex.positionAfter(sorted, entryOfKey(folder, after));
    const slice = sorted.slice(start, start + limit);
    const entries = await Promise.all(slice.map((entry) => this.describe(folder, path, entry)));
    const next = start + limit < sorted.length && slice.length > 0 ? entries[entries.length - 1].key : undefined;
    return { entries, next };
  }

  /** Every file key under a folder (for downloads and counts), depth first, in listing order. */
  async filesUnder(prefix: string): Promise<string[]> {
    const folder = checkFolderPrefix(prefix);
    const out: string[] = [];
    const walk = async (current: string): Promise<void> => {
      const entries = await this.index.entries(lexicalPath(this.root, current));
      for (const entry of entries) {
        if (entry.folder) await walk(`${current}${entry.name}/`);
        else out.push(current + entry.name);
      }
    };
    await this.pathOf(folder);
    await walk(folder);
    return out;
  }

  private async describe(folder: string, folderPath: string, entry: FolderEntry): Promise<ListedEntry> {
    if (entry.folder) return { kind: 'folder', key: `${folder}${entry.name}/`, name: entry.name };
    const key = folder + entry.name;
    const info = await fs.stat(join(folderPath, entry.name)).catch(() => undefined);
    return { kind: 'file', key, name: baseName(key), size: info?.size, modified: info?.mtime, contentType: contentTypeOf(key) };
  }
}

/** A file where a folder of the path should be is the caller's problem, said plainly. */
async function makeFolder(path: string, key: string): Promise<void> {
  try {
    await fs.mkdir(path, { recursive: true, mode: FOLDER_MODE });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new StudioError('FileExists', `A file is in the way of "${key}": a folder on its path is a file.`, { cause: e });
    throw e;
  }
}

/** Plain writes keep the handle open for the sync that makes the write durable. */
async function copyInto(handle: fs.FileHandle, source: WriteSource, signal: AbortSignal | undefined): Promise<void> {
  if (typeof source === 'string' || Buffer.isBuffer(source)) {
    if (signal?.aborted) throw new StudioError('Cancelled', 'The upload was cancelled.');
    await handle.writeFile(source);
    return;
  }
  try {
    for await (const chunk of source) {
      if (signal?.aborted) throw new StudioError('Cancelled', 'The upload was cancelled.');
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      let offset = 0;
      while (offset < bytes.length) offset += (await handle.write(bytes, offset)).bytesWritten;
    }
  } catch (e) {
    source.destroy();
    throw e;
  }
}

function entryOfKey(folder: string, key: string): FolderEntry {
  if (!key.startsWith(folder)) throw new StudioError('InvalidArgument', `The cursor "${key}" is not inside "${folder}".`);
  const rest = key.slice(folder.length);
  return rest.endsWith('/') ? { name: rest.slice(0, -1), folder: true } : { name: rest, folder: false };
}
