import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { adminRoute, databaseActions, startHttpServer } from '../../../../src/emulator/server/index';
import { postJson, postRaw, startTestEnvironment, type TestEnvironment } from './support';

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('/admin protocol', function () {
  let t: TestEnvironment;

  before(async function () {
    t = await startTestEnvironment();
    await t.env.database.createCollection('items');
  });
  after(async function () {
    await t?.stop();
  });

  it('binds 127.0.0.1 and reports the admin URL', function () {
    assert.match(t.env.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(t.env.adminUrl, `${t.env.url}/admin`);
    assert.equal(t.env.envId, 'local-test');
  });

  it('serves /admin with the query string the SDKs add', async function () {
    const reply = await postJson(`${t.env.adminUrl}?env=local-test&seqId=abc`, {
      action: 'database.calculateDocument',
      collectionName: 'items',
      queryType: 'WHERE',
    });
    assert.equal(typeof reply.requestId, 'string');
    assert.deepEqual(reply.data, { total: 0 });
  });

  it('inserts and reads canonical Extended JSON', async function () {
    const inserted = await postJson(t.env.adminUrl, {
      action: 'database.insertDocument',
      collectionName: 'items',
      data: ['{"_id":"a1","n":{"$numberInt":"18"},"at":{"$date":{"$numberLong":"1700000000000"}},"when":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}}}'],
    });
    assert.deepEqual(inserted.data, { insertedIds: ['a1'] });
    const reply = await postJson(t.env.adminUrl, {
      action: 'database.getDocument',
      collectionName: 'items',
      queryType: 'DOC',
      query: '{"_id":"a1"}',
    });
    const data = reply.data as { list: string[]; limit: number; offset: number };
    assert.equal(data.list.length, 1);
    const doc = JSON.parse(data.list[0]) as Record<string, unknown>;
    assert.equal(doc.n, 18);
    assert.deepEqual(doc.at, { $date: '2023-11-14T22:13:20Z' });
    const when = new Date((doc.when as { $date: string }).$date).getTime();
    assert.ok(Math.abs(when - Date.now()) < 60_000, 'server date is the server time at write');
  });

  it('answers an unknown action with INVALID_ACTION', async function () {
    const reply = await postJson(t.env.adminUrl, { action: 'database.noSuchThing', collectionName: 'items' });
    assert.equal(reply.code, 'INVALID_ACTION');
    assert.match(String(reply.message), /database\.noSuchThing/);
    const other = await postJson(t.env.adminUrl, { action: 'toString' });
    assert.equal(other.code, 'INVALID_ACTION');
  });

  it('answers a malformed body with a coded error and keeps serving', async function () {
    const res = await postRaw(t.env.adminUrl, '{"action": "database.getDocument", ');
    assert.equal(res.status, 200);
    const reply = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(reply.code, 'INVALID_PARAM');
    assert.equal(typeof reply.requestId, 'string');

    for (const body of ['[]', '"x"', 'null', '{}', '{"action": 5}']) {
      const r = JSON.parse((await postRaw(t.env.adminUrl, body)).body) as Record<string, unknown>;
      assert.equal(r.code, 'INVALID_PARAM', body);
    }
    const ok = await postJson(t.env.adminUrl, { action: 'database.calculateDocument', collectionName: 'items' });
    assert.deepEqual(ok.data, { total: 1 });
  });

  it('refuses bad parameters with INVALID_PARAM and changes nothing', async function () {
    const cases: Record<string, unknown>[] = [
      { action: 'database.getDocument', collectionName: 'items', query: '{"a":' },
      { action: 'database.getDocument', collectionName: 'items', limit: -1 },
      { action: 'database.getDocument', collectionName: 'items', order: '{"a":"up"}' },
      { action: 'database.getDocument' },
      { action: 'database.insertDocument', collectionName: 'items', data: [] },
      { action: 'database.insertDocument', collectionName: 'items', data: ['[1,2]'] },
      { action: 'database.modifyDocument', collectionName: 'items', query: '{}', data: '{}', multi: true },
      { action: 'database.modifyDocument', collectionName: 'items', query: '{}', data: '{"$set":{"a":1}}', multi: 'yes' },
      { action: 'database.aggregateDocuments', collectionName: 'items', stages: [{ stageKey: 'match', stageValue: '{}' }] },
    ];
    for (const body of cases) {
      const reply = await postJson(t.env.adminUrl, body);
      assert.equal(reply.code, 'INVALID_PARAM', JSON.stringify(body));
    }
    const count = await postJson(t.env.adminUrl, { action: 'database.calculateDocument', collectionName: 'items' });
    assert.deepEqual(count.data, { total: 1 });
  });

  it('names a missing collection the way the cloud does', async function () {
    for (const action of ['database.getDocument', 'database.calculateDocument', 'database.insertDocument', 'database.removeDocument']) {
      const reply = await postJson(t.env.adminUrl, { action, collectionName: 'nope', data: ['{"a":1}'], query: '{}' });
      assert.equal(reply.code, 'DATABASE_COLLECTION_NOT_EXIST', action);
    }
  });

  it('names unknown operators the way the cloud does', async function () {
    const update = await postJson(t.env.adminUrl, {
      action: 'database.modifyDocument',
      collectionName: 'items',
      query: '{"_id":"a1"}',
      data: '{"$bogus":{"n":1}}',
      merge: true,
    });
    assert.equal(update.code, 'DATABASE_INVALID_OPERRATOR');
    const query = await postJson(t.env.adminUrl, { action: 'database.getDocument', collectionName: 'items', query: '{"n":{"$bogus":1}}' });
    assert.equal(query.code, 'DATABASE_INVALID_OPERRATOR');
  });

  it('starts, commits and aborts transactions (transactions.test.ts has them through the SDKs)', async function () {
    const started = await postJson(t.env.adminUrl, { action: 'database.startTransaction' });
    assert.equal(typeof started.transactionId, 'string');
    const inTx = await postJson(t.env.adminUrl, { action: 'database.getDocument', collectionName: 'items', query: '{"_id":"a1"}', transactionId: started.transactionId });
    assert.equal((inTx.data as { list: unknown[] }).list.length, 1);
    assert.equal((await postJson(t.env.adminUrl, { action: 'database.abortTransaction', transactionId: started.transactionId })).code, undefined);
  });

  it('answers other paths and methods with HTTP errors', async function () {
    assert.equal(await get(`${t.env.url}/admin`), 405);
    assert.equal(await get(`${t.env.url}/nothing`), 404);
  });

  it('refuses an oversized body and keeps serving', async function () {
    const server = await startHttpServer({
      port: 0,
      routes: [adminRoute({ envId: 'small', services: { database: databaseActions(t.env.database) }, maxBodyBytes: 1024 })],
    });
    try {
      const big = JSON.stringify({ action: 'database.insertDocument', collectionName: 'items', data: [`{"s":"${'x'.repeat(4096)}"}`] });
      const res = await postRaw(`${server.url}/admin`, big);
      assert.equal((JSON.parse(res.body) as Record<string, unknown>).code, 'INVALID_PARAM');
      const ok = await postJson(`${server.url}/admin`, { action: 'database.calculateDocument', collectionName: 'items' });
      assert.deepEqual(ok.data, { total: 1 });
    } finally {
      await server.close();
    }
  });
});
