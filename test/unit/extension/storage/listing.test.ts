import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import type { ListChild } from '../../../../src/extension/explorer/pagedList';
import { StorageListing } from '../../../../src/extension/storage/storageListing';
import { planUploads, runUploads, type ConflictAnswer } from '../../../../src/extension/storage/uploads';
import { isStudioError } from '../../../../src/shared/errors';
import type { StorageEntry } from '../../../../src/shared/model';
import { FakeLocalEnvironments } from '../../../fakes/fakeLocalEnvironments';
import type { FakeStorage } from '../../../fakes/fakeStorage';

const ROOT = '/ws/cloudbase-demo';
const paths = (children: ListChild<StorageEntry>[]): string[] => children.map((c) => (c.kind === 'item' ? c.value.path : `<${c.kind}>`));

describe('Storage tree listing', () => {
  let fakes: FakeLocalEnvironments;
  let registry: EnvironmentRegistry;
  let listing: StorageListing;
  let storage: FakeStorage;
  let envKey: string;

  beforeEach(() => {
    fakes = new FakeLocalEnvironments();
    storage = fakes.backendFor(ROOT).storage;
    const files: Record<string, string> = { 'welcome.txt': 'hi', 'avatars/a.svg': 'a', 'avatars/b.svg': 'b' };
    for (let i = 0; i < 25; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = String(i);
    storage.seed(files);
    registry = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => join(p.root, '.cloudbase/local') });
    listing = new StorageListing(registry, { pageSize: () => 10 });
    envKey = registry.addLocal({ root: ROOT, functionRoot: join(ROOT, 'cloudfunctions') }, { explicit: false }).key;
  });
  afterEach(() => listing.dispose());

  it('lists folders before files at the root', async () => {
    assert.deepEqual(paths(await listing.children(envKey, '')), ['avatars/', 'many/', 'welcome.txt']);
  });

  it('pages a large folder with Load more, asking by cursor (the last path)', async () => {
    const first = await listing.children(envKey, 'many/');
    assert.equal(first.length, 11);
    assert.equal(first[10].kind, 'loadMore');
    await listing.loadMore(envKey, 'many/');
    const second = await listing.children(envKey, 'many/');
    assert.equal(second.length, 21);
    await listing.loadMore(envKey, 'many/');
    const all = await listing.children(envKey, 'many/');
    assert.equal(all.length, 25);
    assert.ok(all.every((c) => c.kind === 'item'));
    const lists = storage.calls.filter((c) => c.method === 'list' && c.args[0] === 'many/').map((c) => c.args[1]);
    assert.deepEqual(lists, [{ limit: 10 }, { limit: 10, cursor: 'many/f09.txt' }, { limit: 10, cursor: 'many/f19.txt' }]);
  });

  it('shows an empty folder as empty and a failure as an error', async () => {
    await storage.createFolder('empty/');
    assert.deepEqual(paths(await listing.children(envKey, 'empty/')), ['<empty>']);
    const original = storage.list.bind(storage);
    storage.list = async () => {
      throw new Error('disk gone');
    };
    listing.invalidate(envKey);
    assert.deepEqual(paths(await listing.children(envKey, '')), ['<error>']);
    storage.list = original;
    await listing.retry(envKey, '');
    assert.deepEqual(paths(await listing.children(envKey, '')), ['avatars/', 'empty/', 'many/', 'welcome.txt']);
  });

  it('forgets a folder and the folders under it on invalidate', async () => {
    await listing.children(envKey, 'avatars/');
    storage.seed({ 'avatars/c.svg': 'c' });
    assert.equal((await listing.children(envKey, 'avatars/')).length, 2);
    listing.invalidate(envKey, 'avatars/');
    assert.equal((await listing.children(envKey, 'avatars/')).length, 3);
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
