import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStudioError } from '../../../../src/shared/errors';
import { FileStore } from '../../../../src/emulator/storage/index';

async function text(store: FileStore, key: string): Promise<string> {
  const { stream } = await store.openRead(key);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('storage files on disk', function () {
  let dir: string;
  let root: string;
  let store: FileStore;

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), 'cbs-storage-'));
    root = join(dir, 'data', 'storage');
    store = await FileStore.open(root, join(dir, 'data', 'storage-partial'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes files as plain files under the storage folder and reads them back', async function () {
    const file = await store.write('docs/readme.txt', 'hello', { overwrite: false });
    assert.equal(file.size, 5);
    assert.equal(file.contentType, 'text/plain; charset=utf-8');
    assert.equal(readFileSync(join(root, 'docs', 'readme.txt'), 'utf8'), 'hello');
    assert.equal(await text(store, 'docs/readme.txt'), 'hello');
    assert.deepEqual(readdirSync(join(dir, 'data', 'storage-partial')), [], 'no temporary file is left');
  });

  it('never replaces a file unless asked, and replaces it when asked', async function () {
    await store.write('a.txt', 'one', { overwrite: false });
    await assert.rejects(store.write('a.txt', 'two', { overwrite: false }), (e) => isStudioError(e, 'FileExists'));
    assert.equal(await text(store, 'a.txt'), 'one');
    await store.write('a.txt', 'three', { overwrite: true });
    assert.equal(await text(store, 'a.txt'), 'three');
  });

  it('refuses a path through a file, and a file where a folder is', async function () {
    await store.write('taken', 'x', { overwrite: false });
    await assert.rejects(store.write('taken/inside.txt', 'y', { overwrite: true }), (e) => isStudioError(e, 'FileExists'));
    await store.createFolder('dir/');
    await assert.rejects(store.write('dir', 'y', { overwrite: true }), (e) => isStudioError(e, 'FileExists'));
    await assert.rejects(store.createFolder('taken/'), (e) => isStudioError(e, 'FileExists'));
    assert.equal(await text(store, 'taken'), 'x');
  });

  it('reads empty files', async function () {
    await store.write('empty.bin', Buffer.alloc(0), { overwrite: false });
    assert.equal(await text(store, 'empty.bin'), '');
    assert.equal((await store.stat('empty.bin'))?.size, 0);
  });

  it('pages a folder folders first, each by name, with the last key as cursor', async function () {
    for (const name of ['b.txt', 'a.txt', 'c.txt']) await store.write(`f/${name}`, name, { overwrite: false });
    await store.write('f/zsub/x.txt', 'x', { overwrite: false });
    await store.createFolder('f/asub/');
    const first = await store.list('f/', 2);
    assert.deepEqual(first.entries.map((e) => e.key), ['f/asub/', 'f/zsub/']);
    assert.equal(first.next, 'f/zsub/');
    const second = await store.list('f/', 2, first.next);
    assert.deepEqual(second.entries.map((e) => e.key), ['f/a.txt', 'f/b.txt']);
    assert.equal(second.entries[0].size, 5);
    assert.ok(second.entries[0].modified instanceof Date);
    const third = await store.list('f/', 2, second.next);
    assert.deepEqual(third.entries.map((e) => e.key), ['f/c.txt']);
    assert.equal(third.next, undefined);
    assert.deepEqual((await store.list('missing/', 10)).entries, []);
  });

  it('sees files copied into the folder by hand', async function () {
    await store.write('seed/a.txt', 'a', { overwrite: false });
    assert.equal((await store.list('seed/', 10)).entries.length, 1);
    writeFileSync(join(root, 'seed', 'b.txt'), 'b');
    assert.deepEqual((await store.list('seed/', 10)).entries.map((e) => e.name), ['a.txt', 'b.txt']);
  });

  it('deletes files and folders, counting the files', async function () {
    for (const key of ['d/1.txt', 'd/2.txt', 'd/sub/3.txt', 'keep.txt']) await store.write(key, key, { overwrite: false });
    assert.deepEqual(await store.filesUnder('d/'), ['d/sub/3.txt', 'd/1.txt', 'd/2.txt']);
    assert.equal(await store.removeFolder('d/'), 3);
    assert.equal(existsSync(join(root, 'd')), false);
    assert.equal(await store.remove('keep.txt'), true);
    assert.equal(await store.remove('keep.txt'), false);
    await assert.rejects(store.removeFolder(''), (e) => isStudioError(e, 'InvalidPath'));
  });

  it('refuses bad paths before touching the disk', async function () {
    for (const key of ['../escape.txt', '/abs.txt', 'a//b.txt', 'a\\b.txt', 'a\u0001.txt']) {
      await assert.rejects(store.write(key, 'x', { overwrite: true }), (e) => isStudioError(e, 'InvalidPath'), key);
    }
    assert.equal(existsSync(join(dir, 'data', 'escape.txt')), false);
    assert.deepEqual(readdirSync(root), []);
  });

  it('never follows a symbolic link out of the storage folder', async function () {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(root, 'linked'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'secret.txt'));
    await assert.rejects(store.write('linked/new.txt', 'x', { overwrite: true }), (e) => isStudioError(e, 'InvalidPath'));
    assert.equal(existsSync(join(outside, 'new.txt')), false);
    await assert.rejects(store.openRead('linked/secret.txt'), (e) => isStudioError(e, 'InvalidPath'));
    await assert.rejects(store.openRead('secret.txt'), (e) => isStudioError(e, 'InvalidPath'));
    await assert.rejects(store.write('secret.txt', 'x', { overwrite: true }), (e) => isStudioError(e, 'InvalidPath'));
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret');
    assert.deepEqual((await store.list('', 10)).entries, [], 'links are not listed');
  });
});
