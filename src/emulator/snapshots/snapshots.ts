/**
 * Named copies of a local environment's whole state (database, storage, client users, wechat
 * data) in `<project>/.cloudbase/snapshots/<name>/`, each with a `snapshot.json` manifest. Files
 * only: the database's consistent copy is handed in by whoever holds it open (Database.backup),
 * and a restore runs while nothing holds the data folder. Files are copied with COPYFILE_FICLONE
 * so copy-on-write file systems share the blocks instead of copying them. No engine import: the
 * extension runs restores itself while the environment's process is stopped.
 */
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StudioError, messageOf } from '../../shared/errors';

export const MANIFEST_FILE = 'snapshot.json';
const DATABASE_DIR = 'database';
/** What a data folder holds that belongs to the running process, not to its state. */
const LIVE_TOP = new Set(['running.json', 'endpoint.json', 'environment.log', 'storage-partial']);
const LIVE_DATABASE = new Set(['store.mdb', 'store.mdb-lock', 'LOCK']);
/** Kept from the current data folder across a restore: the port and token windows and scripts know. */
const KEPT_ON_RESTORE = ['endpoint.json', 'environment.log'];

export interface SnapshotCounts {
  collections: number;
  documents: number;
  storageFiles: number;
  clientUsers: number;
}

export interface SnapshotManifest {
  name: string;
  /** ISO time. */
  created: string;
  counts: SnapshotCounts;
}

export interface DatabaseCopy {
  /** Writes the database's consistent copy into `dir` (Database.backup). */
  backup(dir: string): Promise<void>;
  collections(): { count: number }[];
}

/** Where a project's snapshots live. */
export function snapshotsFolder(projectRoot: string): string {
  return join(projectRoot, '.cloudbase', 'snapshots');
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

export function checkSnapshotName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed) || trimmed.endsWith('.')) {
    throw new StudioError('InvalidArgument', 'A snapshot name has 1 to 64 letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit.');
  }
  return trimmed;
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

/** Copies a folder tree file by file (reflinks where the file system can). */
async function copyTree(from: string, to: string, skip: (relative: string) => boolean, relative = ''): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  const entries = await fs.readdir(from, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  await Promise.all(
    entries.map(async (entry) => {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (skip(rel)) return;
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) await copyTree(source, target, skip, rel);
      else if (entry.isFile()) await fs.copyFile(source, target, constants.COPYFILE_FICLONE);
    }),
  );
}

function isLive(rel: string): boolean {
  if (LIVE_TOP.has(rel) || rel.endsWith('.tmp') || rel.endsWith('.partial')) return true;
  const [top, file, more] = rel.split('/');
  return top === DATABASE_DIR && more === undefined && LIVE_DATABASE.has(file);
}

async function countFiles(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

async function countUsers(dataDir: string): Promise<number> {
  try {
    const parsed = JSON.parse(await fs.readFile(join(dataDir, 'client', 'users.json'), 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}

/** Written beside the target, then renamed in: a reader never meets half a snapshot. */
function stagingPath(target: string, what: string): string {
  return join(dirname(target), `.${basename(target)}.${what}-${process.pid}-${Date.now()}`);
}

export interface SaveSnapshotOptions {
  dataDir: string;
  /** snapshotsFolder(projectRoot) */
  folder: string;
  name: string;
  database: DatabaseCopy;
  now?: () => Date;
}

/** Copies the data folder (minus the running process's files) into a new snapshot. */
export async function saveSnapshot(options: SaveSnapshotOptions): Promise<SnapshotManifest> {
  const name = checkSnapshotName(options.name);
  const target = join(options.folder, name);
  if (await exists(target)) throw new StudioError('Conflict', `A snapshot named "${name}" exists already.`);
  await fs.mkdir(options.folder, { recursive: true });
  const staging = stagingPath(target, 'saving');
  try {
    await copyTree(options.dataDir, staging, isLive);
    await options.database.backup(join(staging, DATABASE_DIR));
    const collections = options.database.collections();
    const manifest: SnapshotManifest = {
      name,
      created: (options.now?.() ?? new Date()).toISOString(),
      counts: {
        collections: collections.length,
        documents: collections.reduce((sum, c) => sum + c.count, 0),
        storageFiles: await countFiles(join(staging, 'storage')),
        clientUsers: await countUsers(staging),
      },
    };
    await fs.writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await fs.rename(staging, target);
    return manifest;
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  }
}

export async function readManifest(dir: string): Promise<SnapshotManifest | undefined> {
  try {
    const m = JSON.parse(await fs.readFile(join(dir, MANIFEST_FILE), 'utf8')) as SnapshotManifest;
    return typeof m?.name === 'string' && typeof m.created === 'string' && typeof m.counts === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The project's snapshots, newest first. */
export async function listSnapshots(folder: string): Promise<SnapshotManifest[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  const manifests = await Promise.all(entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => readManifest(join(folder, e.name))));
  return manifests.filter((m): m is SnapshotManifest => m !== undefined).sort((a, b) => b.created.localeCompare(a.created));
}

async function snapshotDir(folder: string, name: string): Promise<string> {
  const dir = join(folder, checkSnapshotName(name));
  if (!(await readManifest(dir))) throw new StudioError('FileNotFound', `There is no snapshot named "${name}".`);
  return dir;
}

export async function deleteSnapshot(folder: string, name: string): Promise<void> {
  await fs.rm(await snapshotDir(folder, name), { recursive: true, force: true });
}

/** The points of a restore where tests make it fail. */
export type RestoreStep = 'copied' | 'moved-aside' | 'swapped';

export interface RestoreSnapshotOptions {
  dataDir: string;
  folder: string;
  name: string;
  /** Tests throw here to check that a failure puts the previous state back. */
  afterStep?: (step: RestoreStep) => void | Promise<void>;
}

/**
 * Replaces the data folder with the snapshot's copy; nothing may hold the data folder open.
 * The copy is made beside it first, then two renames swap the folders, so the data folder is
 * always either the previous state or the snapshot's; any failure puts the previous one back.
 */
export async function restoreSnapshot(options: RestoreSnapshotOptions): Promise<SnapshotManifest> {
  const source = await snapshotDir(options.folder, options.name);
  const manifest = (await readManifest(source)) as SnapshotManifest;
  const dataDir = options.dataDir;
  const staging = stagingPath(dataDir, 'restoring');
  const aside = stagingPath(dataDir, 'previous');
  let movedAside = false;
  let swapped = false;
  try {
    await copyTree(source, staging, (rel) => rel === MANIFEST_FILE);
    for (const file of KEPT_ON_RESTORE) {
      await fs.copyFile(join(dataDir, file), join(staging, file), constants.COPYFILE_FICLONE).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    await options.afterStep?.('copied');
    if (await exists(dataDir)) {
      await fs.rename(dataDir, aside);
      movedAside = true;
    }
    await options.afterStep?.('moved-aside');
    await fs.rename(staging, dataDir);
    swapped = true;
    await options.afterStep?.('swapped');
  } catch (e) {
    // Should putting the previous state back fail too, that error propagates as it is: only a
    // completed rollback may tell the user their data is untouched.
    if (swapped) await fs.rename(dataDir, staging);
    if (movedAside) await fs.rename(aside, dataDir);
    await fs.rm(staging, { recursive: true, force: true });
    throw new StudioError('RestoreFailed', `Snapshot "${manifest.name}" was not restored: ${messageOf(e)}`, { cause: e });
  }
  await fs.rm(aside, { recursive: true, force: true });
  return manifest;
}
