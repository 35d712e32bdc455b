import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import { ExplorerModel } from '../../../../src/extension/explorer/explorerModel';
import type { ListChild } from '../../../../src/extension/explorer/pagedList';
import { silentLogger } from '../../../../src/extension/platform/logger';
import { planUploads, runUploads, type ConflictAnswer } from '../../../../src/extension/storage/uploads';
import { isStudioError } from '../../../../src/shared/errors';
import type { StorageEntry } from '../../../../src/shared/model';
import { FakeLocalEnvironments } from '../../../fakes/fakeLocalEnvironments';
import type { FakeStorage } from '../../../fakes/fakeStorage';

const ROOT = '/ws/cloudbase-demo';
const paths = (children: ListChild<StorageEntry>[]): string[] => children.map((c) => (c.kind === 'item' ? c.value.path : `<${c.kind}>`));

describe('Storage tree listing (the explorer\'s paged lists)', () => {
  let fakes: FakeLocalEnvironments;
  let registry: EnvironmentRegistry;
  let model: ExplorerModel;
  let storage: FakeStorage;
  let envKey: string;
  let logged: string[];

  beforeEach(() => {
    fakes = new FakeLocalEnvironments();
    storage = fakes.backendFor(ROOT).storage;
    const files: Record<string, string> = { 'welcome.txt': 'hi', 'avatars/a.svg': 'a', 'avatars/b.svg': 'b' };
    for (let i = 0; i < 25; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = String(i);
    storage.seed(files);
    registry = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => join(p.root, '.cloudbase/local') });
    logged = [];
    const log = { ...silentLogger, error: (m: string) => logged.push(m) };
    model = new ExplorerModel(registry, { pageSize: () => 10, log });
    envKey = registry.addLocal({ root: ROOT, functionRoot: join(ROOT, 'cloudfunctions') }, { explicit: false }).key;
  });
  afterEach(() => model.dispose());

  it('lists folders before files at the root', async () => {
    assert.deepEqual(paths(await model.storageEntries(envKey, '')), ['avatars/', 'many/', 'welcome.txt']);
  });

  it('pages a large folder with Load more, asking by cursor (the last path)', async () => {
    const first = await model.storageEntries(envKey, 'many/');
    assert.equal(first.length, 11);
    assert.equal(first[10].kind, 'loadMore');
    await model.loadMore({ envKey, storage: 'many/' });
    const second = await model.storageEntries(envKey, 'many/');
    assert.equal(second.length, 21);
    await model.loadMore({ envKey, storage: 'many/' });
    const all = await model.storageEntries(envKey, 'many/');
    assert.equal(all.length, 25);
    assert.ok(all.every((c) => c.kind === 'item'));
    const lists = storage.calls.filter((c) => c.method === 'list' && c.args[0] === 'many/').map((c) => c.args[1]);
    assert.deepEqual(lists, [{ limit: 10 }, { limit: 10, cursor: 'many/f09.txt' }, { limit: 10, cursor: 'many/f19.txt' }]);
  });

  it('keeps each folder\'s pages apart: Load more in one folder leaves the others alone', async () => {
    await model.storageEntries(envKey, 'many/');
    assert.equal((await model.storageEntries(envKey, '')).length, 3);
    await model.loadMore({ envKey, storage: '' });
    assert.equal((await model.storageEntries(envKey, 'many/')).length, 11);
  });

  it('shows an empty folder as empty and a failure as an error, logged once; Retry recovers', async () => {
    await storage.createFolder('empty/');
    assert.deepEqual(paths(await model.storageEntries(envKey, 'empty/')), ['<empty>']);
    const original = storage.list.bind(storage);
    storage.list = async () => {
      throw new Error('disk gone');
    };
    model.invalidateStorage(envKey);
    assert.deepEqual(paths(await model.storageEntries(envKey, '')), ['<error>']);
    assert.deepEqual(paths(await model.storageEntries(envKey, '')), ['<error>'], 'a failure waits for Retry');
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0], /storage folder \/ of local:.*disk gone/);
    storage.list = original;
    await model.retry({ envKey, storage: '' });
    assert.deepEqual(paths(await model.storageEntries(envKey, '')), ['avatars/', 'empty/', 'many/', 'welcome.txt']);
  });

  it('a failed Load more keeps the loaded page and retries only the page that failed', async () => {
    await model.storageEntries(envKey, 'many/');
    const original = storage.list.bind(storage);
    storage.list = async () => {
      throw new Error('timeout');
    };
    await model.loadMore({ envKey, storage: 'many/' });
    const failed = await model.storageEntries(envKey, 'many/');
    assert.equal(failed.length, 11);
    assert.equal(failed[10].kind, 'error');
    storage.list = original;
    await model.retry({ envKey, storage: 'many/' });
    assert.equal((await model.storageEntries(envKey, 'many/')).length, 21);
  });

  it('forgets a folder and the folders under it on invalidate, not its siblings', async () => {
    await model.storageEntries(envKey, 'avatars/');
    await model.storageEntries(envKey, 'many/');
    storage.seed({ 'avatars/c.svg': 'c', 'many/zz.txt': 'z' });
    assert.equal((await model.storageEntries(envKey, 'avatars/')).length, 2);
    model.invalidateStorage(envKey, 'avatars/');
    assert.equal((await model.storageEntries(envKey, 'avatars/')).length, 3);
    assert.equal((await model.storageEntries(envKey, 'many/')).length, 11, 'a sibling keeps its pages');
  });

  it('resets on the same events as the other lists: a stop drops the pages, Refresh of the environment too', async () => {
    await model.storageEntries(envKey, '');
    await model.collections(envKey);
    storage.seed({ 'later.txt': 'x' });
    model.invalidate(envKey);
    assert.ok(paths(await model.storageEntries(envKey, '')).includes('later.txt'), 'invalidating the environment drops its storage pages');
    await registry.stop(envKey);
    const afterStop = await model.storageEntries(envKey, '');
    assert.deepEqual(paths(afterStop), ['<error>'], 'a stopped environment is not started again by a listing');
    assert.equal(registry.get(envKey)?.state, 'stopped');
    await registry.start(envKey);
    assert.ok(paths(await model.storageEntries(envKey, '')).includes('later.txt'), 'the failure from while it was down is gone once it runs');
  });
});

describe('Uploads with conflicts', () => {
  let dir: string;
  let storage: FakeStorage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cbs-upload-'));
    mkdirSync(join(dir, 'photos', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'photos', 'a.png'), 'new a');
    writeFileSync(join(dir, 'photos', 'b.png'), 'new b');
    writeFileSync(join(dir, 'photos', 'sub', 'c.png'), 'new c');
    writeFileSync(join(dir, 'note.txt'), 'note');
    const fakes = new FakeLocalEnvironments();
    storage = fakes.backendFor(ROOT).storage;
    storage.seed({ 'up/photos/a.png': 'old a', 'up/photos/b.png': 'old b' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('plans a folder with its name and layout, and single files by name', async () => {
    const plan = await planUploads([join(dir, 'photos'), join(dir, 'note.txt')], 'up/');
    assert.deepEqual(plan.map((i) => i.key), ['up/photos/a.png', 'up/photos/b.png', 'up/photos/sub/c.png', 'up/note.txt']);
  });

  it('asks for each existing file: Replace then Skip', async () => {
    const plan = await planUploads([join(dir, 'photos')], 'up/');
    const answers: ConflictAnswer[] = [{ choice: 'replace', forAll: false }, { choice: 'skip', forAll: false }];
    const asked: string[] = [];
    const report = await runUploads(storage, plan, { ask: async (key) => (asked.push(key), answers.shift() as ConflictAnswer) });
    assert.deepEqual(asked, ['up/photos/a.png', 'up/photos/b.png']);
    assert.equal(storage.text('up/photos/a.png'), 'new a');
    assert.equal(storage.text('up/photos/b.png'), 'old b');
    assert.deepEqual(report, { uploaded: ['up/photos/sub/c.png'], replaced: ['up/photos/a.png'], skipped: ['up/photos/b.png'] });
  });

  it('keeps both for all after one answer', async () => {
    const plan = await planUploads([join(dir, 'photos')], 'up/');
    let asked = 0;
    const report = await runUploads(storage, plan, { ask: async () => (asked++, { choice: 'keepBoth', forAll: true }) });
    assert.equal(asked, 1);
    assert.equal(storage.text('up/photos/a.png'), 'old a');
    assert.equal(storage.text('up/photos/a (1).png'), 'new a');
    assert.equal(storage.text('up/photos/b (1).png'), 'new b');
    assert.deepEqual(report.uploaded, ['up/photos/a (1).png', 'up/photos/b (1).png', 'up/photos/sub/c.png']);
  });

  it('stops between files when cancelled', async () => {
    const plan = await planUploads([join(dir, 'photos')], 'fresh/');
    const controller = new AbortController();
    await assert.rejects(
      runUploads(storage, plan, { ask: async () => ({ choice: 'skip', forAll: true }), signal: controller.signal, onProgress: () => controller.abort() }),
      (e) => isStudioError(e, 'Cancelled'),
    );
    assert.deepEqual([...storage.files.keys()].filter((k) => k.startsWith('fresh/')), ['fresh/photos/a.png']);
  });

  it('refuses local names that are not valid storage paths', async () => {
    writeFileSync(join(dir, 'bad\\name.txt'), 'x');
    await assert.rejects(planUploads([join(dir, 'bad\\name.txt')], 'up/'), (e) => isStudioError(e, 'InvalidPath'));
  });
});
