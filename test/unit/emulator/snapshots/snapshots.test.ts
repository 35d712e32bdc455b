/**
 * Snapshots on real files and the real engine: a save taken while the environment serves, then
 * changes, then a restore brings back the saved documents, storage file and client user; a restore
 * that fails midway leaves the current state in place and servable; export and import round-trip.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import {
  deleteSnapshot,
  exportSnapshot,
  importSnapshot,
  listSnapshots,
  restoreSnapshot,
  saveSnapshot,
  snapshotsFolder,
  type RestoreStep,
} from '../../../../src/emulator/snapshots/index';
import { isStudioError } from '../../../../src/shared/errors';
import { makeProject, type TestProject } from '../server/support';

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function state(env: LocalEnvironment): Promise<{ names: string[]; file: string | undefined; users: string[] }> {
  const names = env.database.hasCollection('todos')
    ? env.database
        .collection('todos')
        .find({}, { sort: [{ field: 'name', direction: 1 }] as never })
        .documents.map((d) => String(d.name))
    : [];
  const stored = await env.storage.files.stat('notes/a.txt');
  const file = stored ? await readAll((await env.storage.files.openRead('notes/a.txt')).stream) : undefined;
  const users = (await env.clientUsers.list()).map((u) => u.username).sort();
  return { names, file, users };
}

function save(env: LocalEnvironment, name: string) {
  return saveSnapshot({
    dataDir: env.dataDir,
    folder: snapshotsFolder(env.project.root),
    name,
    database: { backup: (dir) => env.database.backup(dir), collections: () => env.database.listCollections() },
  });
}

describe('local environment snapshots', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  const start = async (): Promise<LocalEnvironment> => (env = await startLocalEnvironment({ projectRoot: project.root }));

  beforeEach(async () => {
    project = makeProject('cbs-snapshots-');
    await start();
    const todos = await env.database.createCollection('todos');
    await todos.insertMany([{ name: 'a' }, { name: 'b' }]);
    await env.storage.files.write('notes/a.txt', Buffer.from('saved'), { overwrite: true });
    await env.clientUsers.create('alice', 'password-1');
  });

  afterEach(async () => {
    await env?.close().catch(() => undefined);
    project.remove();
  });

  async function changeEverything(): Promise<void> {
    await env.database.collection('todos').insertMany([{ name: 'c' }]);
    await env.database.collection('todos').remove({ name: 'a' }, { multi: true });
    await env.storage.files.write('notes/a.txt', Buffer.from('changed'), { overwrite: true });
    await env.clientUsers.create('bob', 'password-2');
  }

  it('saves while serving, with counts, and a restore brings the saved state back', async () => {
    const manifest = await save(env, 'before');
    assert.deepEqual(manifest.counts, { collections: 1, documents: 2, storageFiles: 1, clientUsers: 1 });
    const dir = join(snapshotsFolder(project.root), 'before');
    assert.ok(existsSync(join(dir, 'database', 'store.mdb')));
    assert.ok(!existsSync(join(dir, 'database', 'LOCK')) && !existsSync(join(dir, 'running.json')), 'no live files in a snapshot');
    assert.deepEqual((await listSnapshots(snapshotsFolder(project.root))).map((m) => m.name), ['before']);

    await changeEverything();
    assert.deepEqual(await state(env), { names: ['b', 'c'], file: 'changed', users: ['alice', 'bob'] });
    await env.close();
    await restoreSnapshot({ dataDir: env.dataDir, folder: snapshotsFolder(project.root), name: 'before' });
    await start();
    assert.deepEqual(await state(env), { names: ['a', 'b'], file: 'saved', users: ['alice'] });
    // The restored database takes writes.
    await env.database.collection('todos').insertMany([{ name: 'd' }]);
    assert.equal(env.database.collection('todos').count(), 3);
  });

  for (const step of ['copied', 'moved-aside', 'swapped'] as RestoreStep[]) {
    it(`a restore failing after "${step}" leaves the current state intact and served`, async () => {
      await save(env, 'before');
      await changeEverything();
      const current = await state(env);
      await env.close();
      await assert.rejects(
        restoreSnapshot({
          dataDir: env.dataDir,
          folder: snapshotsFolder(project.root),
          name: 'before',
          afterStep: (s) => {
            if (s === step) throw new Error(`injected failure after ${s}`);
          },
        }),
        (e: unknown) => isStudioError(e, 'RestoreFailed') && /injected failure/.test(e.message),
      );
      assert.deepEqual(
        readdirSync(join(project.root, '.cloudbase')).sort(),
        ['local', 'snapshots'],
        'no staging or set-aside folder is left behind',
      );
      await start();
      assert.deepEqual(await state(env), current);
      await env.database.collection('todos').insertMany([{ name: 'e' }]);
      assert.equal(env.database.collection('todos').count(), 3);
    });
  }

  it('a corrupt snapshot (a folder where the kept process log goes) fails to restore and changes nothing', async () => {
    await save(env, 'corrupt');
    mkdirSync(join(snapshotsFolder(project.root), 'corrupt', 'environment.log'));
    writeFileSync(join(env.dataDir, 'environment.log'), 'the process log\n');
    await changeEverything();
    const current = await state(env);
    await env.close();
    await assert.rejects(restoreSnapshot({ dataDir: env.dataDir, folder: snapshotsFolder(project.root), name: 'corrupt' }), (e: unknown) =>
      isStudioError(e, 'RestoreFailed'),
    );
    assert.deepEqual(readdirSync(join(project.root, '.cloudbase')).sort(), ['local', 'snapshots']);
    await start();
    assert.deepEqual(await state(env), current);
  });

  it('exports to one zip and imports it back, in another project too', async () => {
    await save(env, 'release 1');
    const zip = join(project.root, 'release.zip');
    await exportSnapshot(snapshotsFolder(project.root), 'release 1', zip);
    await deleteSnapshot(snapshotsFolder(project.root), 'release 1');
    assert.deepEqual(await listSnapshots(snapshotsFolder(project.root)), []);

    const imported = await importSnapshot(snapshotsFolder(project.root), zip);
    assert.equal(imported.name, 'release 1');
    await assert.rejects(importSnapshot(snapshotsFolder(project.root), zip), (e: unknown) => isStudioError(e, 'Conflict'));

    const other = mkdtempSync(join(tmpdir(), 'cbs-snapshots-other-'));
    try {
      const otherFolder = snapshotsFolder(other);
      await importSnapshot(otherFolder, zip);
      await changeEverything();
      await env.close();
      // Restoring the imported copy (from the other project's folder) brings back the exported state.
      await restoreSnapshot({ dataDir: env.dataDir, folder: otherFolder, name: 'release 1' });
      await start();
      assert.deepEqual(await state(env), { names: ['a', 'b'], file: 'saved', users: ['alice'] });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a taken or unsafe name', async () => {
    await save(env, 'one');
    await assert.rejects(save(env, 'one'), (e: unknown) => isStudioError(e, 'Conflict'));
    await assert.rejects(save(env, '../escape'), (e: unknown) => isStudioError(e, 'InvalidArgument'));
  });
});
