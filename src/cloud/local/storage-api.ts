/**
 * Storage of a project's local environment, in-process: the same files the server's /admin
 * storage actions and signed URLs use, so the tree, the SDKs and the disk always agree.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { StorageApi, StorageSource } from '../backend';
import { StudioError, throwIfAborted } from '../../shared/errors';
import type { Page, PageRequest, StorageEntry } from '../../shared/model';
import { checkFileKey, checkFolderPrefix, type ListedEntry, type LocalStorage, type StoredFile } from '../../emulator/storage/index';
import { checkPage, decodeNameCursor, encodeNameCursor } from './paging';

function sourceStream(source: StorageSource): Readable {
  if ('localPath' in source) return createReadStream(source.localPath);
  if ('data' in source) return Readable.from([Buffer.from(source.data)]);
  return Readable.from(source.stream);
}

export class LocalStorageApi implements StorageApi {
  constructor(private readonly storage: LocalStorage) {}

  private entryOf(item: ListedEntry | StoredFile): StorageEntry {
    const kind = 'kind' in item ? item.kind : 'file';
    const name = item.key.replace(/\/$/, '').slice(item.key.replace(/\/$/, '').lastIndexOf('/') + 1);
    const entry: StorageEntry = { kind, path: item.key, name };
    if (item.size !== undefined) entry.size = item.size;
    if (item.modified !== undefined) entry.modified = item.modified.toISOString();
    if (item.contentType !== undefined) entry.contentType = item.contentType;
    if (kind === 'file') entry.fileId = this.storage.fileId(item.key);
    return entry;
  }

  async list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>> {
    throwIfAborted(signal);
    checkPage(page);
    const folder = checkFolderPrefix(prefix);
    const after = page.cursor === undefined ? undefined : decodeNameCursor(page.cursor, 'storage');
    const result = await this.storage.files.list(folder, page.limit, after);
    throwIfAborted(signal);
    return { items: result.entries.map((e) => this.entryOf(e)), nextCursor: result.next === undefined ? undefined : encodeNameCursor(result.next) };
  }

  async stat(path: string, signal?: AbortSignal): Promise<StorageEntry | undefined> {
    throwIfAborted(signal);
    const file = await this.storage.files.stat(checkFileKey(path));
    return file ? this.entryOf(file) : undefined;
  }

  async upload(path: string, source: StorageSource, options: { overwrite: boolean }, signal?: AbortSignal): Promise<StorageEntry> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    if ('localPath' in source) {
      const info = await fs.stat(source.localPath).catch(() => undefined);
      if (!info?.isFile()) throw new StudioError('InvalidPath', `Not a file: ${source.localPath}`);
    }
    return this.entryOf(await this.storage.files.write(key, sourceStream(source), { overwrite: options.overwrite, signal }));
  }

  async download(path: string, localPath: string, signal?: AbortSignal): Promise<StorageEntry> {
    throwIfAborted(signal);
    const { file, stream } = await this.storage.files.openRead(checkFileKey(path));
    await fs.mkdir(dirname(localPath), { recursive: true });
    // Written beside the target and renamed, so a cancelled download leaves no half file behind.
    const partial = `${localPath}.${randomUUID().slice(0, 8)}.part`;
    try {
      await pipeline(stream, createWriteStream(partial, { flags: 'wx' }), { signal });
      await fs.rename(partial, localPath);
    } catch (e) {
      stream.destroy();
      await fs.rm(partial, { force: true });
      if ((e as Error).name === 'AbortError') throw new StudioError('Cancelled', 'The download was cancelled.', { cause: e });
      throw e;
    }
    return this.entryOf(file);
  }

  async readFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    const { stream } = await this.storage.files.openRead(checkFileKey(path));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      if (signal?.aborted) {
        stream.destroy();
        throwIfAborted(signal);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async delete(paths: string[], signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    // Every path is checked before the first deletion: a bad one changes nothing.
    const checked = paths.map((p) => ({ folder: p.endsWith('/'), key: p.endsWith('/') ? checkFolderPrefix(p) : checkFileKey(p) }));
    let count = 0;
    for (const item of checked) {
      throwIfAborted(signal);
      if (item.folder) count += await this.storage.files.removeFolder(item.key);
      else if (await this.storage.files.remove(item.key)) count += 1;
    }
    return count;
  }

  async listFiles(prefix: string, signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    return this.storage.files.filesUnder(checkFolderPrefix(prefix));
  }

  async createFolder(prefix: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    await this.storage.files.createFolder(checkFolderPrefix(prefix));
  }

  async getTemporaryUrl(path: string, maxAgeSeconds?: number, signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    if (!(await this.storage.files.stat(key))) throw new StudioError('FileNotFound', `No file at "${key}".`);
    return this.storage.temporaryUrl(key, maxAgeSeconds);
  }

  fileId(path: string): string {
    return this.storage.fileId(checkFileKey(path));
  }
}
