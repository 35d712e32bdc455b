/**
 * Child process for the disk-full test: a real local environment whose data folder is on a small
 * tmpfs (test/support/tmpfs.ts mounts it), driven by one JSON command per stdin line and
 * answering one JSON line each, because under `unshare` only this process sees the mount.
 *   node disk-full-environment.js <tmpfs> <project folder>
 * Commands: start, fill (write a filler file until the disk refuses), free (delete it), restart
 * (close the environment and open it again on the same folder), stop.
 */
import { createInterface } from 'node:readline';
import { mkdirSync, openSync, closeSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';

const [mountPoint, projectRoot] = process.argv.slice(2);
const dataDir = join(mountPoint, 'data');
const filler = join(mountPoint, 'filler');
let env: LocalEnvironment | undefined;
const errors: string[] = [];

function reply(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function start(): Promise<Record<string, unknown>> {
  mkdirSync(dataDir, { recursive: true });
  env = await startLocalEnvironment({ projectRoot, envId: 'disk-env', dataDir, onError: (e) => errors.push(String((e as Error)?.stack ?? e)) });
  return { adminUrl: env.adminUrl };
}

/** Writes until the file system says ENOSPC, in large pieces and then in single pages, so no room is left. */
function fill(): Record<string, unknown> {
  const fd = openSync(filler, 'a');
  let bytes = 0;
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096]) {
      const piece = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          bytes += writeSync(fd, piece);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  const fs = statfsSync(mountPoint);
  return { bytes, freeBytes: fs.bavail * fs.bsize };
}

async function run(command: { op: string }): Promise<Record<string, unknown>> {
  switch (command.op) {
    case 'start':
      return start();
    case 'fill':
      return fill();
    case 'free':
      rmSync(filler, { force: true });
      return {};
    case 'restart':
      await env?.close();
      return start();
    case 'errors':
      return { errors };
    case 'stop':
      await env?.close();
      env = undefined;
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown command ${command.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    try {
      reply({ ok: true, ...(await run(JSON.parse(line) as { op: string })) });
    } catch (e) {
      reply({ ok: false, error: String((e as Error)?.stack ?? e) });
    }
  });
});
lines.on('close', () => void queue.then(() => env?.close()).then(() => process.exit(0)));
