/**
 * A child process whose data folder is a small tmpfs, so a test can fill a real disk. Root mounts
 * it directly; anyone else mounts it inside a user and mount namespace of the child's own
 * (`unshare -rm`), where mounting a tmpfs is allowed. The mount then exists only for that child
 * and ends with it, so the child does its own file work (fill, free) and reopens in-process.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TmpfsMethod = 'root' | 'unshare';

export type TmpfsSupport = { method: TmpfsMethod } | { method: undefined; reason: string };

const isRoot = (): boolean => process.getuid?.() === 0;

function mountDirect(mountPoint: string, sizeBytes: number): string | undefined {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', mountPoint], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `mount: ${(r.stderr || r.error?.message || `exit ${String(r.status)}`).trim()}`;
}

function unmount(mountPoint: string): void {
  spawnSync('umount', [mountPoint], { stdio: 'ignore' });
}

/** The shell line `unshare -rm` runs: mount at $0, then become the command that follows. */
const MOUNT_THEN_EXEC = 'mount -t tmpfs -o "size=$TMPFS_SIZE,mode=0700" tmpfs "$0" && exec "$@"';

/** Finds out, once, how this machine lets a test mount a tmpfs, or why it does not. */
let probed: TmpfsSupport | undefined;
export function tmpfsSupport(): TmpfsSupport {
  if (probed) return probed;
  if (process.platform !== 'linux') return (probed = { method: undefined, reason: `tmpfs is Linux's; this is ${process.platform}` });
  const probe = mkdtempSync(join(tmpdir(), 'cbs-tmpfs-probe-'));
  const reasons: string[] = [];
  try {
    if (isRoot()) {
      const failed = mountDirect(probe, 1024 * 1024);
      if (!failed) {
        unmount(probe);
        return (probed = { method: 'root' });
      }
      reasons.push(`running as root, but ${failed}`);
    }
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', MOUNT_THEN_EXEC, probe, 'true'], { encoding: 'utf8', env: { ...process.env, TMPFS_SIZE: String(1024 * 1024) } });
    if (r.status === 0) return (probed = { method: 'unshare' });
    reasons.push(`unshare -rm: ${(r.stderr || r.error?.message || `exit ${String(r.status)}`).trim()}`);
    return (probed = { method: undefined, reason: `cannot mount a tmpfs here (${reasons.join('; ')})` });
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

export interface TmpfsChild {
  child: ChildProcessWithoutNullStreams;
  /** The tmpfs, as the child sees it. */
  mountPoint: string;
  method: TmpfsMethod;
  /** Resolves once the child has exited and the mount is gone. */
  exited: Promise<number | null>;
}

/** Runs `node script args…` with a `sizeBytes` tmpfs at the returned mount point (passed as the first argument). */
export function spawnOnTmpfs(script: string, args: string[], sizeBytes: number): TmpfsChild {
  const support = tmpfsSupport();
  if (!support.method) throw new Error(support.reason);
  const mountPoint = mkdtempSync(join(tmpdir(), 'cbs-tmpfs-'));
  const argv = [script, mountPoint, ...args];
  let child: ChildProcessWithoutNullStreams;
  if (support.method === 'root') {
    const failed = mountDirect(mountPoint, sizeBytes);
    if (failed) {
      rmSync(mountPoint, { recursive: true, force: true });
      throw new Error(failed);
    }
    child = spawn(process.execPath, argv);
  } else {
    child = spawn('unshare', ['-rm', 'sh', '-c', MOUNT_THEN_EXEC, mountPoint, process.execPath, ...argv], { env: { ...process.env, TMPFS_SIZE: String(sizeBytes) } });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      if (support.method === 'root') unmount(mountPoint);
      rmSync(mountPoint, { recursive: true, force: true });
      resolve(code);
    });
  });
  return { child, mountPoint, method: support.method, exited };
}
