/**
 * The storage of one Tencent CloudBase environment through manager-node's `storage` service:
 * listings, stats, uploads and folder deletes go to COS; temporary URLs and file deletes to the
 * `/admin` storage actions. Those two are sent with manager-node's own request function rather
 * than its wrappers, which read the answer's `data` without looking at its error code first.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type CloudBase from '@cloudbase/manager-node';
import { StudioError, isStudioError, throwIfAborted } from '../../shared/errors';
import type { Page, PageRequest, StorageEntry } from '../../shared/model';
import { checkFileKey, checkFolderPrefix } from '../../project/storage-paths';
import type { StorageApi, StorageSource } from '../backend';
import { callCloud, type CallPolicy } from './calls';
import { adminRequest, fetchStream } from './manager';

/** The contract's default; COS accepts up to a day. */
const DEFAULT_URL_SECONDS = 2 * 60 * 60;
const MAX_PAGE = 1000;
/** How long the pages after a folder's first page reuse its listing (COS lists a folder whole). */
const SNAPSHOT_MS = 60_000;

interface CosObject {
  Key: string;
  LastModified?: string;
  Size?: string | number;
}

interface AdminAnswer {
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  data?: Record<string, unknown>;
}

/**
 * The COS SDK fails with `{statusCode, code, error: {Code, Message, RequestId}, headers}`; this
 * gives the error mapping the code, the request ID and a message in the shape it expects.
 */
function cosFailure(e: unknown): unknown {
  if (e instanceof StudioError || !e || typeof e !== 'object') return e;
  const err = e as { statusCode?: number; code?: unknown; message?: unknown; error?: { Code?: string; Message?: string; RequestId?: string }; headers?: Record<string, string> };
  if (err.statusCode === undefined && err.error === undefined) return e;
  const code = err.error?.Code ?? (typeof err.code === 'string' ? err.code : String(err.statusCode ?? ''));
  const message = err.error?.Message ?? (typeof err.message === 'string' ? err.message : `HTTP ${String(err.statusCode)}`);
  return {
    name: 'CloudBaseError',
    code: COS_CODES[code] ?? (/^5\d\d$/.test(code) ? 'InternalError' : code),
    message: `[COS] ${message}`,
    requestId: err.error?.RequestId ?? err.headers?.['x-cos-request-id'],
  };
}

/** COS's words for throttling and refused credentials, in the Cloud API's. */
const COS_CODES: Record<string, string> = {
  SlowDown: 'RequestLimitExceeded',
  InvalidAccessKeyId: 'AuthFailure.SecretIdNotFound',
  SignatureDoesNotMatch: 'AuthFailure.SignatureFailure',
  ExpiredToken: 'AuthFailure.TokenFailure',
  InvalidToken: 'AuthFailure.TokenFailure',
  AccessDenied: 'UnauthorizedOperation.AccessDenied',
};

/**
 * manager-node's uploadFile reports a refused getUploadMetadata as a CloudBaseError without a
 * code, the code leading its message (`RequestLimitExceeded: …`): the code is put back.
 */
function adminFailure(e: unknown): unknown {
  const err = e as { name?: unknown; code?: unknown; message?: unknown; requestId?: unknown } | undefined;
  if (!err || err.name !== 'CloudBaseError' || err.code || typeof err.message !== 'string') return e;
  const m = /^([A-Za-z][\w.]*): ?(.*)$/s.exec(err.message);
  return m ? { name: 'CloudBaseError', code: m[1], message: m[2] || m[1], requestId: err.requestId } : e;
}

function isNotFound(e: unknown): boolean {
  const err = e as { statusCode?: unknown; code?: unknown } | undefined;
  return err?.statusCode === 404 || err?.code === 'NoSuchKey' || err?.code === '404';
}

function nameOf(path: string): string {
  const trimmed = path.replace(/\/$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function encodeCursor(path: string): string {
  return Buffer.from(path, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const path = Buffer.from(cursor, 'base64url').toString('utf8');
  if (path === '' || encodeCursor(path) !== cursor) throw new StudioError('InvalidArgument', 'The storage cursor is not valid.');
  return path;
}

/** Folders first, each group by name: the order of the contract and of the local environment. */
function compareEntries(a: StorageEntry, b: StorageEntry): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class TencentStorage implements StorageApi {
  private bucket?: string;
  private snapshot?: { folder: string; at: number; entries: StorageEntry[] };

  constructor(
    private readonly app: CloudBase,
    private readonly envId: string,
    private readonly policy: CallPolicy,
    private readonly proxy?: string,
  ) {}

  private call<T>(action: string, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return callCloud(action, () => run().catch((e: unknown) => Promise.reject(adminFailure(cosFailure(e)))), this.policy, signal);
  }

  /** The bucket comes from the environment's description, which manager-node loads once. */
  private async ensureBucket(signal?: AbortSignal): Promise<string> {
    if (this.bucket) return this.bucket;
    const environment = this.app.currentEnvironment();
    const info = (await this.call('DescribeEnvInfo', () => environment.lazyInit(), signal)) as { Storages?: { Bucket?: string }[] } | undefined;
    const bucket = info?.Storages?.[0]?.Bucket;
    if (!bucket) throw new StudioError('NotSupported', `Environment ${this.envId} has no storage bucket.`);
    this.bucket = bucket;
    return bucket;
  }

  private async admin(action: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    await this.ensureBucket(signal);
    return this.call(
      action,
      async () => {
        const res = (await adminRequest(this.app, { ...params, action })) as AdminAnswer;
        if (res.code) {
          throw { name: 'CloudBaseError', code: String(res.code), message: `[${action}] ${String(res.message ?? res.code)}`, requestId: res.requestId };
        }
        if (!res.data || typeof res.data !== 'object') throw { name: 'CloudBaseError', code: '', message: `[${action}] The answer has no data.`, requestId: res.requestId };
        return res.data;
      },
      signal,
    );
  }

  private entry(path: string, size?: number, modified?: string): StorageEntry {
    const entry: StorageEntry = { kind: 'file', path, name: nameOf(path), fileId: this.fileId(path) };
    if (size !== undefined && Number.isFinite(size)) entry.size = size;
    if (modified) entry.modified = new Date(modified).toISOString();
    return entry;
  }

  private async exists(key: string, signal?: AbortSignal): Promise<boolean> {
    await this.ensureBucket(signal);
    return this.call(
      'HeadObject',
      () =>
        this.app.storage.getFileInfo(key).then(
          () => true,
          (e: unknown) => (isNotFound(e) ? false : Promise.reject(e)),
        ),
      signal,
    );
  }

  /** A folder's direct children, read whole (COS pages by 1000) and then cut into cursor pages. */
  private async children(folder: string, signal?: AbortSignal): Promise<StorageEntry[]> {
    await this.ensureBucket(signal);
    const res = await this.call('GetBucket', () => this.app.storage.listCurrentDirectory(folder), signal);
    const files = (res.files as CosObject[]).filter((f) => !f.Key.endsWith('/')).map((f) => this.entry(f.Key, Number(f.Size), f.LastModified));
    const folders = res.directories.map((d): StorageEntry => ({ kind: 'folder', path: d, name: nameOf(d) }));
    return [...folders, ...files].sort(compareEntries);
  }

  async list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>> {
    throwIfAborted(signal);
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE) {
      throw new StudioError('InvalidArgument', `A page holds 1 to ${MAX_PAGE} items, not ${page.limit}.`);
    }
    const folder = checkFolderPrefix(prefix);
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    // A first page reads the folder afresh; the pages after it cut the same reading while it is recent.
    const recent = this.snapshot && this.snapshot.folder === folder && Date.now() - this.snapshot.at < SNAPSHOT_MS ? this.snapshot.entries : undefined;
    const all = after !== undefined && recent ? recent : await this.children(folder, signal);
    this.snapshot = { folder, at: Date.now(), entries: all };
    let start = 0;
    if (after !== undefined) {
      const marker: StorageEntry = { kind: after.endsWith('/') ? 'folder' : 'file', path: after, name: nameOf(after) };
      while (start < all.length && compareEntries(all[start]!, marker) <= 0) start++;
    }
    const items = all.slice(start, start + page.limit);
    const more = start + page.limit < all.length && items.length > 0;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.path) : undefined };
  }

  async stat(path: string, signal?: AbortSignal): Promise<StorageEntry | undefined> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    // The listing of the parent gives exact sizes and times; a HEAD through manager-node gives KB.
    const parent = key.slice(0, key.lastIndexOf('/') + 1);
    return (await this.children(parent, signal)).find((e) => e.kind === 'file' && e.path === key);
  }

  async upload(path: string, source: StorageSource, options: { overwrite: boolean }, signal?: AbortSignal): Promise<StorageEntry> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    let localPath: string;
    let temporary: string | undefined;
    if ('localPath' in source) {
      const info = await fs.stat(source.localPath).catch(() => undefined);
      if (!info?.isFile()) throw new StudioError('InvalidPath', `Not a file: ${source.localPath}`);
      localPath = source.localPath;
    } else {
      // manager-node uploads from a file only.
      temporary = join(tmpdir(), `cloudbase-upload-${randomUUID()}`);
      const chunks = 'data' in source ? Readable.from([Buffer.from(source.data)]) : Readable.from(source.stream);
      await pipeline(chunks, createWriteStream(temporary, { flags: 'wx' }), { signal }).catch(async (e: unknown) => {
        await fs.rm(temporary!, { force: true });
        throw (e as Error).name === 'AbortError' ? new StudioError('Cancelled', 'The upload was cancelled.', { cause: e }) : e;
      });
      localPath = temporary;
    }
    try {
      // COS has no "create only" write: the check and the write are two requests.
      if (!options.overwrite && (await this.exists(key, signal))) throw new StudioError('FileExists', `A file already exists at "${key}".`);
      const size = (await fs.stat(localPath)).size;
      await this.call('PutObject', () => this.app.storage.uploadFile({ localPath, cloudPath: key }), signal).catch((e: unknown) => {
        if (!isStudioError(e, 'Cancelled') && !isStudioError(e, 'Timeout')) throw e;
        // manager-node cannot stop a request it has sent: say that the file may still arrive.
        throw new StudioError(e.code, `${e.message} The upload of "${key}" may still complete.`, { cause: e, requestId: e.requestId });
      });
      return this.entry(key, size, new Date().toISOString());
    } finally {
      if (temporary) await fs.rm(temporary, { force: true });
    }
  }

  private async open(key: string, signal?: AbortSignal): Promise<NodeJS.ReadableStream> {
    const url = await this.getTemporaryUrl(key, undefined, signal);
    const res = await this.call('GetObject', () => fetchStream(url, { signal }, this.proxy), signal);
    if (res.status === 404) throw new StudioError('FileNotFound', `No file at "${key}".`);
    if (res.status !== 200) throw new StudioError('ServiceError', `Downloading "${key}" failed: HTTP ${res.status}.`);
    return res.body;
  }

  async download(path: string, localPath: string, signal?: AbortSignal): Promise<StorageEntry> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    const body = await this.open(key, signal);
    await fs.mkdir(dirname(localPath), { recursive: true });
    // Written beside the target and renamed, so a failed or cancelled download leaves no half file.
    const partial = `${localPath}.${randomUUID().slice(0, 8)}.part`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }), { signal });
      await fs.rename(partial, localPath);
    } catch (e) {
      await fs.rm(partial, { force: true });
      if ((e as Error).name === 'AbortError' || signal?.aborted) throw new StudioError('Cancelled', 'The download was cancelled.', { cause: e });
      throw e;
    }
    return this.entry(key, (await fs.stat(localPath)).size);
  }

  async readFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    const body = await this.open(checkFileKey(path), signal);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        throwIfAborted(signal);
        chunks.push(chunk);
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw new StudioError('Cancelled', 'The download was cancelled.', { cause: e });
      throw e;
    }
    return Buffer.concat(chunks);
  }

  async delete(paths: string[], signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    // Every path is checked before the first deletion: a bad one changes nothing.
    const folders: string[] = [];
    const files: string[] = [];
    for (const p of paths) {
      if (p.endsWith('/')) {
        const folder = checkFolderPrefix(p);
        if (folder === '') throw new StudioError('InvalidPath', 'The storage root cannot be deleted; delete its folders and files instead.');
        folders.push(folder);
      } else {
        files.push(checkFileKey(p));
      }
    }
    let count = 0;
    if (files.length > 0) {
      await this.ensureBucket(signal);
      const data = await this.admin('storage.batchDeleteFile', { fileid_list: files.map((f) => this.fileId(f)) }, signal);
      const list = (data.delete_list as { fileID?: string; code?: string; message?: string }[] | undefined) ?? [];
      const failed = list.filter((i) => i.code !== 'SUCCESS' && i.code !== 'STORAGE_FILE_NONEXIST');
      count += list.filter((i) => i.code === 'SUCCESS').length;
      if (failed.length > 0) {
        throw new StudioError('ServiceError', `${failed.length} of ${files.length} files were not deleted: ${failed.map((i) => `${i.fileID} (${i.code})`).join(', ')}.`);
      }
    }
    for (const folder of folders) {
      throwIfAborted(signal);
      const res = await this.call('DeleteMultipleObjects', () => this.app.storage.deleteDirectory(folder), signal);
      const errors = (res.Error ?? []) as { Key?: string; Code?: string }[];
      if (errors.length > 0) {
        throw new StudioError('ServiceError', `${errors.length} objects under "${folder}" were not deleted: ${errors.map((e) => `${e.Key} (${e.Code})`).join(', ')}.`);
      }
      count += ((res.Deleted ?? []) as { Key?: string }[]).filter((d) => d.Key !== undefined && !d.Key.endsWith('/')).length;
    }
    return count;
  }

  async listFiles(prefix: string, signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    const folder = checkFolderPrefix(prefix);
    await this.ensureBucket(signal);
    const objects = (await this.call('GetBucket', () => this.app.storage.listDirectoryFiles(folder), signal)) as CosObject[];
    return objects.map((o) => o.Key).filter((k) => !k.endsWith('/'));
  }

  async createFolder(prefix: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const folder = checkFolderPrefix(prefix);
    if (folder === '') return;
    await this.ensureBucket(signal);
    await this.call('PutObject', () => this.app.storage.createCloudDirectroy(folder), signal);
  }

  async getTemporaryUrl(path: string, maxAgeSeconds: number = DEFAULT_URL_SECONDS, signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const key = checkFileKey(path);
    if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1) throw new StudioError('InvalidArgument', `A URL lifetime is a whole number of seconds, not ${maxAgeSeconds}.`);
    if (!(await this.exists(key, signal))) throw new StudioError('FileNotFound', `No file at "${key}".`);
    const data = await this.admin('storage.batchGetDownloadUrl', { file_list: [{ fileid: this.fileId(key), max_age: maxAgeSeconds }] }, signal);
    const item = ((data.download_list as { download_url?: string; code?: string; message?: string }[] | undefined) ?? [])[0];
    if (item?.code === 'STORAGE_FILE_NONEXIST') throw new StudioError('FileNotFound', `No file at "${key}".`);
    if (!item?.download_url || (item.code !== undefined && item.code !== 'SUCCESS')) {
      throw new StudioError('ServiceError', `No temporary URL for "${key}" (${item?.code ?? 'no answer'}${item?.message ? `: ${item.message}` : ''}).`);
    }
    return item.download_url;
  }

  fileId(path: string): string {
    const key = checkFileKey(path);
    if (!this.bucket) throw new StudioError('NotSupported', 'The storage bucket is not known yet: list or read the storage first.');
    return `cloud://${this.envId}.${this.bucket}/${key}`;
  }
}
