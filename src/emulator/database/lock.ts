/**
 * One process at a time per data folder: a lock file holding the owner's pid. A lock left by a
 * process that no longer runs is taken over.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';

export const LOCK_FILE = 'LOCK';

/** Folders this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<number | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { pid?: unknown };
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0 ? parsed.pid : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function lockedError(dir: string, pid: number): StudioError {
  return new StudioError('EnvironmentLocked', `The database in ${dir} is in use by process ${pid}.`);
}

export interface FolderLock {
  release(): Promise<void>;
}

export async function lockFolder(dir: string): Promise<FolderLock> {
  const file = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw lockedError(dir, process.pid);
  const content = JSON.stringify({ pid: process.pid, since: new Date().toISOString() });
  try {
    await fs.writeFile(file, content, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = await readOwner(file);
    if (owner !== undefined && owner !== process.pid && alive(owner)) throw lockedError(dir, owner);
    // Stale: replace it atomically, then check that no other process replaced it at the same time.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
    const now = await readOwner(file);
    if (now !== process.pid) throw lockedError(dir, now ?? 0);
  }
  heldHere.add(dir);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(dir);
      if ((await readOwner(file)) === process.pid) await fs.rm(file, { force: true });
    },
  };
}
