import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import { isStudioError } from '../../../../src/shared/errors';
import type { DocumentJson } from '../../../../src/shared/model';
import { openLocalEnvironment, type OpenedLocalEnvironment } from '../../../../src/cloud/local/index';
import { makeProject, postJson, type TestProject } from '../../emulator/server/support';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isStudioError(e, code as never), `expected StudioError ${code}, got ${String(e)}`);
    return true;
  });
}

describe('LocalBackend', function () {
  let project: TestProject;
  let opened: OpenedLocalEnvironment;

  before(async function () {
    project = makeProject('cbs-backend-');
    opened = await openLocalEnvironment({ projectRoot: project.root });
  });
  after(async function () {
    await opened?.close();
    project?.remove();
  });

  it('describes the local environment', function () {
    const env = opened.backend.environment;
    assert.equal(env.kind, 'local');
    assert.equal(env.key, `local:${project.root}`);
    assert.equal(env.envId, opened.envId);
    assert.equal(env.projectRoot, project.root);
    assert.ok(opened.backend.storage, 'storage runs locally');
    assert.ok(opened.backend.functions, 'functions run locally (see functions.test.ts)');
    assert.ok(opened.backend.logs);
    assert.match(opened.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pages collections by cursor, with counts', async function () {
    const db = opened.backend.database;
    for (const name of ['c3', 'c1', 'c5', 'c2', 'c4']) await db.createCollection(name);
    await db.insertDocuments('c2', [{ a: 1 }, { a: 2 }]);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await db.listCollections({ limit: 2, cursor });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((c) => c.name));
      if (page.items.some((c) => c.name === 'c2')) assert.equal(page.items.find((c) => c.name === 'c2')!.count, 2);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ['c1', 'c2', 'c3', 'c4', 'c5']);
    assert.equal(pages, 3);
    await rejectsWith(db.listCollections({ limit: 2, cursor: '!!not-a-cursor' }), 'InvalidArgument');
    await rejectsWith(db.listCollections({ limit: 0 }), 'InvalidArgument');
  });

  it('pages documents by cursor in the query order', async function () {
    const db = opened.backend.database;
    await db.createCollection('paged');
    await db.insertDocuments('paged', Array.from({ length: 7 }, (_, i) => ({ _id: `d${i}`, n: i % 4, i })));
    const seen: DocumentJson[] = [];
    let cursor: string | undefined;
    do {
      const page = await db.queryDocuments('paged', { sort: [{ field: 'n', direction: -1 }, { field: 'i', direction: 1 }] }, { limit: 3, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.map((d) => d._id),
      ['d3', 'd2', 'd6', 'd1', 'd5', 'd0', 'd4'],
    );
    const filtered = await db.queryDocuments('paged', { filter: { n: { $gte: 2 } }, projection: { i: 1 } }, { limit: 10 });
    assert.deepEqual(filtered.items, [
      { _id: 'd2', i: 2 },
      { _id: 'd3', i: 3 },
      { _id: 'd6', i: 6 },
    ]);
    assert.equal(filtered.nextCursor, undefined);
    assert.equal(await db.countDocuments('paged'), 7);
    assert.equal(await db.countDocuments('paged', { n: 1 }), 2);
  });

  it('converts documents to and from relaxed Extended JSON', async function () {
    const db = opened.backend.database;
    await db.createCollection('ejson');
    const [id] = await db.insertDocuments('ejson', [{ name: 'Ann', at: { $date: '2024-01-02T03:04:05.006Z' }, n: 5, nested: { list: [1, { $date: '1960-01-01T00:00:00.000Z' }] } }]);
    const doc = await db.getDocument('ejson', id);
    assert.deepEqual(doc, { _id: id, name: 'Ann', at: { $date: '2024-01-02T03:04:05.006Z' }, n: 5, nested: { list: [1, { $date: { $numberLong: String(Date.parse('1960-01-01T00:00:00.000Z')) } }] } });
    assert.equal(await db.countDocuments('ejson', { at: { $gt: { $date: '2024-01-01T00:00:00Z' } } }), 1);
    assert.equal(await db.countDocuments('ejson', { name: { $regularExpression: { pattern: '^a', options: 'i' } } }), 1);
    assert.equal(await db.getDocument('ejson', 'absent'), undefined);
  });

  it('stores dates as dates, so SDK queries see them', async function () {
    const db = opened.backend.database;
    await db.createCollection('shared');
    await db.insertDocuments('shared', [{ _id: 's1', at: { $date: '2024-05-06T07:08:09.000Z' } }]);
    const sdkDb = tcb.init({ env: opened.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: opened.adminUrl }).database();
    const res = await sdkDb.collection('shared').where({ at: sdkDb.command.lt(new Date('2025-01-01')) }).get();
    assert.deepEqual(res.data, [{ _id: 's1', at: new Date('2024-05-06T07:08:09.000Z') }]);
  });

  it('updates, deletes and manages indexes', async function () {
    const db = opened.backend.database;
    await db.createCollection('rw');
    await db.insertDocuments('rw', [{ _id: 'a', k: 1 }, { _id: 'b', k: 1 }, { _id: 'c', k: 2 }]);
    const updated = await db.updateDocuments('rw', { k: 1 }, { $set: { seen: { $date: '2024-01-01T00:00:00.000Z' } } }, { multi: true });
    assert.equal(updated.matched, 2);
    assert.equal(updated.modified, 2);
    assert.deepEqual(await db.getDocument('rw', 'a'), { _id: 'a', k: 1, seen: { $date: '2024-01-01T00:00:00Z' } });
    const upserted = await db.updateDocuments('rw', { _id: 'z' }, { $set: { k: 9 } }, { multi: false, upsert: true });
    assert.equal(upserted.upsertedId, 'z');
    assert.equal(await db.deleteDocuments('rw', { k: 1 }, { multi: false }), 1);
    assert.equal(await db.deleteDocuments('rw', {}, { multi: true }), 3);

    const index = await db.createIndex('rw', { keys: [{ field: 'k', direction: 1 }], unique: true });
    assert.ok((await db.listIndexes('rw')).some((i) => i.name === index.name && i.unique));
    await db.insertDocuments('rw', [{ k: 1 }]);
    await rejectsWith(db.insertDocuments('rw', [{ k: 1 }]), 'DuplicateKey');
    await db.dropIndex('rw', index.name);
    assert.ok(!(await db.listIndexes('rw')).some((i) => i.name === index.name));
    await db.deleteCollection('rw');
    await rejectsWith(db.countDocuments('rw'), 'CollectionNotFound');
  });

  it('refuses bad Extended JSON with a code and changes nothing', async function () {
    const db = opened.backend.database;
    await db.createCollection('strict');
    await rejectsWith(db.insertDocuments('strict', [{ ok: 1 }, { at: { $date: 'not a date' } }]), 'InvalidJson');
    assert.equal(await db.countDocuments('strict'), 0);
  });

  it('honours AbortSignal before and after each call', async function () {
    const db = opened.backend.database;
    await db.createCollection('abort');
    const aborted = AbortSignal.abort();
    await rejectsWith(db.insertDocuments('abort', [{ a: 1 }], aborted), 'Cancelled');
    assert.equal(await db.countDocuments('abort'), 0, 'nothing written when aborted before the call');
    await rejectsWith(db.listCollections({ limit: 10 }, aborted), 'Cancelled');
    await rejectsWith(db.queryDocuments('abort', {}, { limit: 10 }, aborted), 'Cancelled');

    const controller = new AbortController();
    const pending = db.insertDocuments('abort', [{ a: 2 }], controller.signal);
    controller.abort();
    await rejectsWith(pending, 'Cancelled');
  });

  it('serves /admin at its URL until closed', async function () {
    const reply = await postJson(opened.adminUrl, { action: 'database.calculateDocument', collectionName: 'paged' });
    assert.deepEqual(reply.data, { total: 7 });
  });

  it('closes the server and the database on dispose', async function () {
    const other = makeProject('cbs-backend-close-');
    try {
      const env = await openLocalEnvironment({ projectRoot: other.root });
      await env.backend.database.createCollection('kept');
      await env.backend.dispose();
      await env.close();
      await assert.rejects(postJson(env.adminUrl, { action: 'database.calculateDocument', collectionName: 'kept' }), /ECONNREFUSED/);
      const again = await openLocalEnvironment({ projectRoot: other.root });
      assert.deepEqual((await again.backend.database.listCollections({ limit: 10 })).items.map((c) => c.name), ['kept']);
      await again.close();
    } finally {
      other.remove();
    }
  });
});
