import * as assert from 'node:assert/strict';
import { listEnvironments, checkCredentials } from '../../../../src/cloud/tencent';
import { ENV_ID, startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';

describe('TencentBackend database through manager-node and the fake Cloud API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists the environments of the account, and checks the credentials', async () => {
    const envs = await listEnvironments(h.credentials, 'ap-shanghai', h.options);
    assert.deepEqual(
      envs.map((e) => [e.key, e.kind, e.envId, e.region]),
      [
        [`tencent:${ENV_ID}`, 'tencent', ENV_ID, 'ap-shanghai'],
        ['tencent:other-env-9z8y', 'tencent', 'other-env-9z8y', 'ap-shanghai'],
      ],
    );
    assert.equal(envs[0]!.label, `studio (${ENV_ID})`);
    assert.equal(await checkCredentials(h.credentials, 'ap-shanghai', h.options), true);
    const signed = h.fake.requests.find((r) => r.action === 'DescribeEnvs')!;
    assert.equal(signed.headers['x-tc-region'], 'ap-shanghai');
    assert.match(String(signed.headers.authorization), /^TC3-HMAC-SHA256 Credential=AKID/);
  });

  it('creates, lists with counts and pages, and deletes collections', async () => {
    const db = h.backend.database;
    for (const name of ['alpha', 'beta', 'gamma']) await db.createCollection(name);
    await db.insertDocuments('beta', [{ n: 1 }, { n: 2 }]);
    const first = await db.listCollections({ limit: 2 });
    assert.deepEqual(first.items.map((c) => [c.name, c.count]), [['alpha', 0], ['beta', 2]]);
    assert.ok(first.nextCursor);
    const second = await db.listCollections({ limit: 2, cursor: first.nextCursor });
    assert.deepEqual(second.items.map((c) => c.name), ['gamma']);
    assert.equal(second.nextCursor, undefined);

    await assert.rejects(db.createCollection('alpha'), { code: 'CollectionExists' });
    await db.deleteCollection('alpha');
    assert.deepEqual((await db.listCollections({ limit: 10 })).items.map((c) => c.name), ['beta', 'gamma']);
    await assert.rejects(db.deleteCollection('alpha'), (e: { code?: string; requestId?: string }) => e.code === 'CollectionNotFound' && typeof e.requestId === 'string');
    // manager-node looks the environment up once (DescribeEnvInfo) before its first database call.
    assert.equal(h.fake.requests.filter((r) => r.action === 'DescribeEnvInfo').length, 1);
  });

  it('inserts, queries with filter, sort, projection and cursor pages, counts and gets documents', async () => {
    const db = h.backend.database;
    await db.createCollection('people');
    const docs = Array.from({ length: 7 }, (_, i) => ({ name: `p${i}`, age: 20 + i, born: { $date: new Date(Date.UTC(2000, 0, i + 1)).toISOString() } }));
    const ids = await db.insertDocuments('people', docs);
    assert.equal(ids.length, 7);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await db.queryDocuments('people', { filter: { age: { $gte: 21 } }, sort: [{ field: 'age', direction: -1 }], projection: { name: 1 } }, { limit: 4, cursor });
      for (const d of page.items) {
        assert.deepEqual(Object.keys(d).sort(), ['_id', 'name']);
        seen.push(String(d.name));
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 2);
    assert.deepEqual(seen, ['p6', 'p5', 'p4', 'p3', 'p2', 'p1']);
    const query = h.fake.requests.filter((r) => r.action === 'QueryRecords').at(-1)!;
    assert.equal(query.params.MgoOffset, 4);

    assert.equal(await db.countDocuments('people', { age: { $lt: 23 } }), 3);
    assert.equal(await db.countDocuments('people'), 7);
    const one = await db.getDocument('people', ids[2]!);
    assert.equal(one?._id, ids[2]);
    assert.equal(one?.name, 'p2');
    assert.equal(new Date(String((one?.born as { $date?: string } | undefined)?.$date)).toISOString(), '2000-01-03T00:00:00.000Z');
    assert.equal(await db.getDocument('people', 'no-such-id'), undefined);
    const byDate = await db.queryDocuments('people', { filter: { born: { $gt: { $date: '2000-01-06T00:00:00.000Z' } } } }, { limit: 10 });
    assert.deepEqual(byDate.items.map((d) => d.name), ['p6']);
    await assert.rejects(db.queryDocuments('people', {}, { limit: 10, cursor: 'garbage!' }), { code: 'InvalidArgument' });
  });

  it('updates (operators, replace, upsert) and deletes documents', async () => {
    const db = h.backend.database;
    await db.createCollection('items');
    const [a] = await db.insertDocuments('items', [{ k: 'a', n: 1 }, { k: 'b', n: 1 }, { k: 'c', n: 5 }]);
    assert.deepEqual(await db.updateDocuments('items', { n: 1 }, { $inc: { n: 10 } }, { multi: true }), { matched: 2, modified: 2 });
    assert.equal((await db.getDocument('items', a!))?.n, 11);
    await db.updateDocuments('items', { _id: a! }, { k: 'A' }, { multi: false });
    const replaced = await db.getDocument('items', a!);
    assert.equal(replaced?.k, 'A');
    assert.equal(replaced?.n, undefined);
    const up = await db.updateDocuments('items', { k: 'z' }, { $set: { n: 0 } }, { multi: false, upsert: true });
    assert.equal(up.matched, 0);
    assert.equal(typeof up.upsertedId, 'string');
    assert.equal(await db.deleteDocuments('items', { n: { $gte: 5 } }, { multi: false }), 1);
    assert.equal(await db.deleteDocuments('items', {}, { multi: true }), 3);
    assert.equal(await db.countDocuments('items'), 0);
  });

  it('lists, creates and drops indexes', async () => {
    const db = h.backend.database;
    await db.createCollection('indexed');
    const created = await db.createIndex('indexed', { keys: [{ field: 'email', direction: 1 }, { field: 'at', direction: -1 }], unique: true });
    assert.deepEqual(created, { name: 'email_1_at_-1', keys: [{ field: 'email', direction: 1 }, { field: 'at', direction: -1 }], unique: true });
    const indexes = await db.listIndexes('indexed');
    assert.deepEqual(indexes.find((i) => i.name === 'email_1_at_-1'), created);
    assert.ok(indexes.some((i) => i.name === '_id_'));
    await db.insertDocuments('indexed', [{ email: 'x@y', at: 1 }]);
    await assert.rejects(db.insertDocuments('indexed', [{ email: 'x@y', at: 1 }]), { code: 'ServiceError' });
    await db.dropIndex('indexed', 'email_1_at_-1');
    assert.deepEqual((await db.listIndexes('indexed')).map((i) => i.name), ['_id_']);
    await assert.rejects(db.createIndex('indexed', { keys: [] }), { code: 'InvalidArgument' });
  });
});
