/**
 * Uploads on a full disk: node-sdk gets a coded "the disk is full" error (COS-style XML, which is
 * what it parses), the partial file is removed, an existing file stays as it was, and uploads work
 * again as soon as there is room. The failure is injected through the store's seam, and, where
 * this user may mount one, met for real on a small tmpfs.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, type promises } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import { isStudioError } from '../../../../src/shared/errors';
import { FileStore, LocalStorage } from '../../../../src/emulator/storage/index';
import { adminRoute, startHttpServer, type HttpServerHandle } from '../../../../src/emulator/server/index';
import { storageActions, storageRoutes } from '../../../../src/emulator/server/index';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** A disk that takes `room` bytes and then refuses, like a full file system. */
function fullDisk(state: { room: number }): (path: string) => Promise<promises.FileHandle> {
  return async (path) => {
    const handle = await open(path, 'wx', 0o600);
    const realWrite = handle.write.bind(handle) as (b: Buffer, o: number) => Promise<{ bytesWritten: number }>;
    Object.assign(handle, {
      async write(buffer: Buffer, offset = 0) {
        if (state.room <= 0) throw enospc();
        const n = Math.min(state.room, buffer.length - offset);
        state.room -= n;
        return realWrite(buffer.subarray(0, offset + n), offset);
      },
      async writeFile(data: Buffer | string) {
        const bytes = Buffer.from(data);
        let offset = 0;
        while (offset < bytes.length) offset += (await (handle.write as unknown as typeof realWrite)(bytes, offset)).bytesWritten;
      },
    });
    return handle;
  };
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('storage on a full disk', function () {
  this.timeout(30_000);

  describe('through the store and node-sdk, with the failure injected', function () {
    let dir: string;
    let server: HttpServerHandle;
    let app: Json;
    const disk = { room: Number.POSITIVE_INFINITY };

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'cbs-disk-full-'));
      let base = '';
      const storage = await LocalStorage.open({ envId: 'disk-env', dataDir: dir, baseUrl: () => base, files: { openPartial: fullDisk(disk) } });
      server = await startHttpServer({ port: 0, routes: [adminRoute({ envId: 'disk-env', services: { storage: storageActions(storage) } }), ...storageRoutes(storage)] });
      base = server.url;
      app = tcb.init({ env: 'disk-env', secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: `${server.url}/admin` });
    });
    after(async function () {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers node-sdk with a coded disk-full error, keeps the old file and leaves no partial file', async function () {
      disk.room = Number.POSITIVE_INFINITY;
      await app.uploadFile({ cloudPath: 'docs/a.bin', fileContent: Buffer.from('original') });
      disk.room = 1000;
      await assert.rejects(app.uploadFile({ cloudPath: 'docs/a.bin', fileContent: Buffer.alloc(256 * 1024, 7) }), (e: Json) => {
        assert.equal(e.code, 'STORAGE_REQUEST_FAIL', e.message);
        assert.match(e.message, /InsufficientStorage.*the disk is full \(ENOSPC\)/);
        return true;
      });
      assert.equal(readFileSync(join(dir, 'storage', 'docs', 'a.bin'), 'utf8'), 'original');
      assert.deepEqual(readdirSync(join(dir, 'storage-partial')), []);
    });

    it('stores again once there is room, without a restart', async function () {
      disk.room = 0;
      await assert.rejects(app.uploadFile({ cloudPath: 'b.txt', fileContent: Buffer.from('later') }), /disk is full/);
      disk.room = Number.POSITIVE_INFINITY;
      const { fileID } = await app.uploadFile({ cloudPath: 'b.txt', fileContent: Buffer.from('later') });
      assert.equal(fileID, 'cloud://disk-env.7463-disk-env/b.txt');
      assert.equal(readFileSync(join(dir, 'storage', 'b.txt'), 'utf8'), 'later');
    });

    it('creates stored files 0600 and folders 0700', async function () {
      disk.room = Number.POSITIVE_INFINITY;
      await app.uploadFile({ cloudPath: 'private/deep/c.txt', fileContent: Buffer.from('secret') });
      assert.equal(modeOf(join(dir, 'storage', 'private', 'deep', 'c.txt')), 0o600);
      assert.equal(modeOf(join(dir, 'storage', 'private', 'deep')), 0o700);
      assert.equal(modeOf(join(dir, 'storage')), 0o700);
    });
  });

  it('reports DiskFull from the store for buffers and streams alike, removing the partial file', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'cbs-disk-full-'));
    try {
      const disk = { room: 10 };
      const store = await FileStore.open(join(dir, 'storage'), join(dir, 'partial'), { openPartial: fullDisk(disk) });
      await assert.rejects(store.write('x.txt', 'more than ten bytes', { overwrite: false }), (e) => isStudioError(e, 'DiskFull') && /the disk is full/.test(e.message));
      disk.room = 10;
      const { Readable } = await import('node:stream');
      await assert.rejects(store.write('y.txt', Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), { overwrite: false }), (e) => isStudioError(e, 'DiskFull'));
      assert.deepEqual(readdirSync(join(dir, 'partial')), []);
      assert.equal(await store.stat('x.txt'), undefined);
      assert.equal(await store.stat('y.txt'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on a real 1 MiB tmpfs', function () {
    let mountPoint: string;
    let project: TestProject;
    let env: LocalEnvironment | undefined;

    before(function () {
      if (process.platform !== 'linux') this.skip();
      mountPoint = mkdtempSync(join(tmpdir(), 'cbs-tmpfs-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
      } catch {
        rmSync(mountPoint, { recursive: true, force: true });
        this.skip(); // not allowed to mount here: the injected failure above covers the behaviour
      }
    });
    after(async function () {
      await env?.close();
      if (mountPoint) {
        try {
          execFileSync('umount', [mountPoint], { stdio: 'ignore' });
        } catch {
          // never mounted
        }
        rmSync(mountPoint, { recursive: true, force: true });
      }
      project?.remove();
    });

    it('fills the disk, answers "the disk is full", and stores again once space is freed', async function () {
      project = makeProject('cbs-tmpfs-project-');
      const dataDir = join(mountPoint, 'data');
      mkdirSync(dataDir);
      env = await startLocalEnvironment({ projectRoot: project.root, envId: 'tmpfs-env', dataDir });
      const app = tcb.init({ env: 'tmpfs-env', secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: env.adminUrl }) as Json;
      await app.uploadFile({ cloudPath: 'filler.bin', fileContent: Buffer.alloc(600 * 1024, 1) });
      await assert.rejects(app.uploadFile({ cloudPath: 'big.bin', fileContent: Buffer.alloc(700 * 1024, 2) }), (e: Json) => {
        assert.equal(e.code, 'STORAGE_REQUEST_FAIL', e.message);
        assert.match(e.message, /the disk is full/);
        return true;
      });
      assert.deepEqual(readdirSync(join(dataDir, 'storage-partial')), []);
      assert.deepEqual(readdirSync(join(dataDir, 'storage')).sort(), ['filler.bin']);
      await app.deleteFile({ fileList: ['cloud://tmpfs-env.7463-tmpfs-env/filler.bin'] });
      await app.uploadFile({ cloudPath: 'big.bin', fileContent: Buffer.alloc(700 * 1024, 2) });
      assert.equal(statSync(join(dataDir, 'storage', 'big.bin')).size, 700 * 1024);
    });
  });
});
