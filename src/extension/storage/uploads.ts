/**
 * What an upload does, apart from how VS Code shows it: local files and folders become storage
 * keys under a target folder, existing files are resolved with the user's choice (Replace, Skip,
 * Keep both; once or for all), and each file is sent in turn so cancel stops between files.
 * No vscode import: unit-tested in plain Node with the fake backend.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { StorageApi } from '../../cloud/backend';
import { StudioError, isStudioError, throwIfAborted } from '../../shared/errors';
import { checkFileKey } from '../../project/storage-paths';

export interface UploadItem {
  localPath: string;
  key: string;
  size: number;
}

export type ConflictChoice = 'replace' | 'skip' | 'keepBoth';

/** What the user answered for one existing file; `forAll` applies it to the rest without asking. */
export interface ConflictAnswer {
  choice: ConflictChoice;
  forAll: boolean;
}

export interface UploadOptions {
  /** Asked once per existing file until an answer says `forAll`. */
  ask: (key: string, remaining: number) => Promise<ConflictAnswer>;
  onProgress?: (done: number, total: number, item: UploadItem) => void;
  signal?: AbortSignal;
}

export interface UploadReport {
  uploaded: string[];
  replaced: string[];
  skipped: string[];
}

/** Local paths (files or folders) → keys under `prefix`; a folder keeps its own name and layout. */
export async function planUploads(localPaths: string[], prefix: string): Promise<UploadItem[]> {
  const items: UploadItem[] = [];
  const visit = async (path: string, key: string): Promise<void> => {
    const info = await fs.stat(path);
    if (info.isDirectory()) {
      const names = (await fs.readdir(path)).sort();
      for (const name of names) await visit(join(path, name), `${key}/${name}`);
    } else if (info.isFile()) {
      items.push({ localPath: path, key: checkFileKey(key), size: info.size });
    }
  };
  for (const path of localPaths) await visit(path, prefix + basename(path));
  return items;
}

/** `a/b.png` → `a/b (1).png`, `a/b (2).png`, … until the name is free. */
export async function freeKey(storage: StorageApi, key: string, signal?: AbortSignal): Promise<string> {
  const slash = key.lastIndexOf('/');
  const folder = key.slice(0, slash + 1);
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${folder}${stem} (${n})${ext}`;
    if (!(await storage.stat(candidate, signal))) return candidate;
  }
  throw new StudioError('FileExists', `No free name next to "${key}".`);
}

export async function runUploads(storage: StorageApi, items: UploadItem[], options: UploadOptions): Promise<UploadReport> {
  const report: UploadReport = { uploaded: [], replaced: [], skipped: [] };
  let standing: ConflictChoice | undefined;
  for (const [index, item] of items.entries()) {
    throwIfAborted(options.signal);
    let key = item.key;
    let overwrite = false;
    if (await storage.stat(key, options.signal)) {
      let choice = standing;
      if (!choice) {
        const answer = await options.ask(key, items.length - index);
        choice = answer.choice;
        if (answer.forAll) standing = choice;
      }
      if (choice === 'skip') {
        report.skipped.push(key);
        options.onProgress?.(index + 1, items.length, item);
        continue;
      }
      if (choice === 'replace') overwrite = true;
      else key = await freeKey(storage, key, options.signal);
    }
    try {
      await storage.upload(key, { localPath: item.localPath }, { overwrite }, options.signal);
    } catch (e) {
      // A file that appeared since the check is kept, never replaced silently.
      if (!isStudioError(e, 'FileExists') || overwrite) throw e;
      key = await freeKey(storage, key, options.signal);
      await storage.upload(key, { localPath: item.localPath }, { overwrite: false }, options.signal);
    }
    (overwrite ? report.replaced : report.uploaded).push(key);
    options.onProgress?.(index + 1, items.length, item);
  }
  return report;
}
