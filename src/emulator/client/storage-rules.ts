/**
 * The storage security rule of the local environment, as CloudBase keeps one per environment:
 * READONLY (everyone reads, the uploader writes; the cloud's default), PRIVATE (only the
 * uploader), ADMINWRITE (everyone reads, no client writes), ADMINONLY (no client access). The
 * presets stand for rules on `resource.openid`, the openid of the client that uploaded the file.
 * The rule is kept in `<dataDir>/client/storage-rule.json` and read on every request, so a change
 * applies at once. Uploaders are recorded in `storage-owners.json` beside it (FileOwners).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StudioError } from '../../shared/errors';
import type { StoredFile } from '../storage/index';
import type { ClientIdentity } from './tokens';

export type StorageAcl = 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY';
export const STORAGE_ACLS: readonly StorageAcl[] = ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY'];
export const DEFAULT_STORAGE_ACL: StorageAcl = 'READONLY';

const CREATOR = 'resource.openid == auth.openid';
const PRESETS: Record<StorageAcl, { read: boolean | string; write: boolean | string }> = {
  READONLY: { read: true, write: CREATOR },
  PRIVATE: { read: CREATOR, write: CREATOR },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
};

export interface StorageDecision {
  allowed: boolean;
  /** e.g. `READONLY (write: resource.openid == auth.openid)`. */
  rule: string;
  failed: string[];
}

/**
 * `owner` is the file's uploader: for a file not there yet, the client about to upload it; for a
 * file written by the server SDK or the studio, undefined (no client owns it).
 */
export function decideStorage(acl: StorageAcl, operation: 'read' | 'write', auth: ClientIdentity | null, owner: string | undefined): StorageDecision {
  const expression = PRESETS[acl][operation];
  const rule = `${acl} (${operation}: ${String(expression)})`;
  if (expression === true) return { allowed: true, rule, failed: [] };
  if (expression === false) return { allowed: false, rule, failed: ['no client may do this'] };
  if (!auth) return { allowed: false, rule, failed: [`${expression} (no user is signed in)`] };
  if (owner === undefined) return { allowed: false, rule, failed: [`${expression} (no client uploaded this file: the server SDK or CloudBase Studio wrote it)`] };
  if (owner === auth.openid) return { allowed: true, rule, failed: [] };
  return { allowed: false, rule, failed: [`${expression} (${JSON.stringify(owner)} vs ${JSON.stringify(auth.openid)})`] };
}

/** Written next to its final name and renamed over it, so a crash leaves the old file or the new one. */
async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await rename(partial, file);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export class StorageRuleStore {
  constructor(private readonly file: string) {}

  async get(): Promise<StorageAcl> {
    const value = (await readJson(this.file).catch(() => undefined)) as { acl?: unknown } | undefined;
    const acl = value?.acl;
    return STORAGE_ACLS.includes(acl as StorageAcl) ? (acl as StorageAcl) : DEFAULT_STORAGE_ACL;
  }

  async set(acl: StorageAcl): Promise<void> {
    if (!STORAGE_ACLS.includes(acl)) throw new StudioError('InvalidArgument', `Unknown storage rule "${String(acl)}"; use one of ${STORAGE_ACLS.join(', ')}.`);
    await writeJsonAtomically(this.file, { acl });
  }
}

interface OwnerRecord {
  openid: string;
  /** The file as the upload left it: a later write by anyone else (size or time moves) ends the ownership. */
  size: number;
  modifiedMs: number;
}

/** Which client uploaded which file. Writes are serialized; each is on disk before it resolves. */
export class FileOwners {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly records: Map<string, OwnerRecord>,
  ) {}

  static async open(file: string): Promise<FileOwners> {
    const value = await readJson(file).catch(() => undefined);
    const records = new Map<string, OwnerRecord>();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, record] of Object.entries(value as Record<string, OwnerRecord>)) {
        if (record && typeof record.openid === 'string' && typeof record.size === 'number' && typeof record.modifiedMs === 'number') records.set(key, record);
      }
    }
    return new FileOwners(file, records);
  }

  /** The uploader of the file as it is now; undefined once someone else replaced it. */
  ownerOf(file: StoredFile): string | undefined {
    const record = this.records.get(file.key);
    return record && record.size === file.size && record.modifiedMs === file.modified.getTime() ? record.openid : undefined;
  }

  set(file: StoredFile, openid: string): Promise<void> {
    this.records.set(file.key, { openid, size: file.size, modifiedMs: file.modified.getTime() });
    return this.save();
  }

  delete(key: string): Promise<void> {
    if (!this.records.delete(key)) return Promise.resolve();
    return this.save();
  }

  private save(): Promise<void> {
    const next = this.writing.then(() => writeJsonAtomically(this.file, Object.fromEntries(this.records)));
    this.writing = next.catch(() => undefined);
    return next;
  }
}
