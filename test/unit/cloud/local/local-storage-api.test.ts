/** The StorageApi of local environments: what the tree and commands use, in-process. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorageApi } from '../../../../src/cloud/local/storage-api';
import { isStudioError } from '../../../../src/shared/errors';
import { startTestEnvironment, type TestEnvironment } from '../../emulator/server/support';

describe('LocalStorageApi', function () {
  let t: TestEnvironment;
  let api: LocalStorageApi;
  let scratch: string;

  before(async function () {
    t = await startTestEnvironment();
    api = new LocalStorageApi(t.env.storage);
    scratch = mkdtempSync(join(tmpdir(), 'cbs-storage-api-'));
  });
  after(async function () {
    await t?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('uploads from a local path, bytes and a stream; lists with file IDs and details', async function () {
    const local = join(scratch, 'a.json');
    writeFileSync(local, '{"a":1}');
    await api.upload('up/a.json', { localPath: local }, { overwrite: false });
    await api.upload('up/b.txt', { data: Buffer.from('bee') }, { overwrite: false });
    await api.upload('up/c.txt', { stream: (async function* () { yield Buffer.from('s'); yield Buffer.from('ea'); })() }, { overwrite: false });
    const page = await api.list('up/', { limit: 2 });
    assert.deepEqual(page.items.map((e) => e.name), ['a.json', 'b.txt']);
    assert.equal(page.items[0].fileId, 'cloud://local-test.7463-local-test/up/a.json');
    assert.equal(page.items[0].contentType, 'application/json; charset=utf-8');
    assert.equal(page.items[1].size, 3);
    assert.ok(page.nextCursor);
    const rest = await api.list('up/', { limit: 2, cursor: page.nextCursor });
    assert.deepEqual(rest.items.map((e) => e.name), ['c.txt']);
    assert.equal(rest.nextCursor, undefined);
    assert.equal(Buffer.from(await api.readFile('up/c.txt')).toString(), 'sea');
    await assert.rejects(api.upload('up/b.txt', { data: Buffer.from('other') }, { overwrite: false }), (e) => isStudioError(e, 'FileExists'));
    assert.equal(Buffer.from(await api.readFile('up/b.txt')).toString(), 'bee');
  });

  it('downloads to a local file and hands out working temporary URLs', async function () {
    const target = join(scratch, 'out', 'b.txt');
    await api.download('up/b.txt', target);
    assert.equal(readFileSync(target, 'utf8'), 'bee');
    const url = await api.getTemporaryUrl('up/b.txt', 60);
    const expires = Number(new URL(url).searchParams.get('expires'));
    assert.ok(expires - Date.now() / 1000 <= 60);
    await assert.rejects(api.getTemporaryUrl('up/none.txt'), (e) => isStudioError(e, 'FileNotFound'));
  });

  it('deletes files and folders, counting files; a bad path among them changes nothing', async function () {
    await api.createFolder('gone/');
    await api.upload('gone/x/1.txt', { data: Buffer.from('1') }, { overwrite: false });
    await api.upload('gone/2.txt', { data: Buffer.from('2') }, { overwrite: false });
    await assert.rejects(api.delete(['gone/2.txt', '../etc/passwd']), (e) => isStudioError(e, 'InvalidPath'));
    assert.ok(await api.stat('gone/2.txt'));
    assert.deepEqual(await api.listFiles('gone/'), ['gone/x/1.txt', 'gone/2.txt']);
    assert.equal(await api.delete(['gone/', 'up/a.json']), 3);
    assert.equal(existsSync(join(t.project.root, '.cloudbase', 'local', 'storage', 'gone')), false);
  });

  it('refuses bad paths with InvalidPath', async function () {
    for (const bad of ['../x', '/x', 'a//b', 'a\\b', 'a\u0007b']) {
      await assert.rejects(api.upload(bad, { data: Buffer.from('x') }, { overwrite: true }), (e) => isStudioError(e, 'InvalidPath'), bad);
      await assert.rejects(api.list(`${bad}/`, { limit: 10 }), (e) => isStudioError(e, 'InvalidPath'), bad);
    }
  });
});
