/**
 * An in-memory StorageApi for explorer and upload tests: files by key, explicit empty folders,
 * pages folders first by name with the last path as cursor (like the local environment), and
 * every call recorded so tests can see how the tree pages.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { StorageApi, StorageSource } from '../../src/cloud/backend';
import { StudioError, throwIfAborted } from '../../src/shared/errors';
import type { Page, PageRequest, StorageEntry } from '../../src/shared/model';
import { checkFileKey, checkFolderPrefix } from '../../src/project/storage-paths';

interface FakeFile {
  data: Buffer;
  modified: Date;
}

export class FakeStorage implements StorageApi {
  readonly files = new Map<string, FakeFile>();
  readonly folders = new Set<string>();
  readonly calls: { method: keyof StorageApi; args: unknown[] }[] = [];

  constructor(private readonly envId = 'fake-env') {}

  seed(entries: Record<string, string>): void {
    for (const [key, text] of Object.entries(entries)) this.files.set(checkFileKey(key), { data: Buffer.from(text), modified: new Date(Date.UTC(2026, 0, 1)) });
  }

  text(key: string): string | undefined {
    return this.files.get(key)?.data.toString('utf8');
  }

  private entry(key: string): StorageEntry {
    if (key.endsWith('/')) return { kind: 'folder', path: key, name: key.slice(0, -1).split('/').pop() ?? '' };
    const file = this.files.get(key) as FakeFile;
    return { kind: 'file', path: key, name: key.split('/').pop() ?? '', size: file.data.length, modified: file.modified.toISOString(), contentType: 'text/plain', fileId: this.fileId(key) };
  }

  private children(prefix: string): string[] {
    const folders = new Set<string>();
    const files: string[] = [];
    const consider = (key: string, isFolder: boolean): void => {
      if (!key.startsWith(prefix) || key === prefix) return;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0 && (slash < rest.length - 1 || isFolder)) folders.add(prefix + rest.slice(0, slash + 1));
      else if (!isFolder) files.push(key);
    };
    for (const key of this.files.keys()) consider(key, false);
    for (const key of this.folders) consider(key, true);
    return [...[...folders].sort(), ...files.sort()];
  }

  async list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>> {
    this.calls.push({ method: 'list', args: [prefix, page] });
    throwIfAborted(signal);
    const all = this.children(checkFolderPrefix(prefix));
    const start = page.cursor === undefined ? 0 : all.indexOf(page.cursor) + 1;
    const keys = all.slice(start, start + page.limit);
    const more = start + page.limit < all.length;
    return { items: keys.map((k) => this.entry(k)), nextCursor: more ? keys[keys.length - 1] : undefined };
  }

  async stat(path: string): Promise<StorageEntry | undefined> {
    this.calls.push({ method: 'stat', args: [path] });
    return this.files.has(checkFileKey(path)) ? this.entry(path) : undefined;
  }

  async upload(path: string, source: StorageSource, options: { overwrite: boolean }, signal?: AbortSignal): Promise<StorageEntry> {
    this.calls.push({ method: 'upload', args: [path, options] });
    throwIfAborted(signal);
    const key = checkFileKey(path);
    if (this.files.has(key) && !options.overwrite) throw new StudioError('FileExists', `A file already exists at "${key}".`);
    let data: Buffer;
    if ('localPath' in source) data = await fs.readFile(source.localPath);
    else if ('data' in source) data = Buffer.from(source.data);
    else {
      const chunks: Buffer[] = [];
      for await (const c of source.stream) chunks.push(Buffer.from(c));
      data = Buffer.concat(chunks);
    }
    this.files.set(key, { data, modified: new Date() });
    return this.entry(key);
  }

  async download(path: string, localPath: string): Promise<StorageEntry> {
    this.calls.push({ method: 'download', args: [path, localPath] });
    const file = this.files.get(checkFileKey(path));
    if (!file) throw new StudioError('FileNotFound', `No file at "${path}".`);
    await fs.mkdir(dirname(localPath), { recursive: true });
    await fs.writeFile(localPath, file.data);
    return this.entry(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const file = this.files.get(checkFileKey(path));
    if (!file) throw new StudioError('FileNotFound', `No file at "${path}".`);
    return file.data;
  }

  async delete(paths: string[]): Promise<number> {
    this.calls.push({ method: 'delete', args: [paths] });
    let count = 0;
    for (const path of paths) {
      if (path.endsWith('/')) {
        for (const key of [...this.files.keys()]) if (key.startsWith(path) && this.files.delete(key)) count += 1;
        for (const folder of [...this.folders]) if (folder.startsWith(path)) this.folders.delete(folder);
      } else if (this.files.delete(path)) count += 1;
    }
    return count;
  }

  async listFiles(prefix: string): Promise<string[]> {
    return [...this.files.keys()].filter((k) => k.startsWith(checkFolderPrefix(prefix))).sort();
  }

  async createFolder(prefix: string): Promise<void> {
    this.folders.add(checkFolderPrefix(prefix));
  }

  async getTemporaryUrl(path: string, maxAgeSeconds = 7200): Promise<string> {
    return `http://127.0.0.1/fake/${encodeURIComponent(path)}?max_age=${maxAgeSeconds}`;
  }

  fileId(path: string): string {
    return `cloud://${this.envId}.7463-${this.envId}/${path}`;
  }
}
