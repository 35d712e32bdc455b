/**
 * What a hostile or careless /admin caller can send: prototype-reaching paths, deep nesting,
 * catastrophic regular expressions. Each is answered with a coded error (or, for patterns, a fast
 * answer) and the environment keeps serving everyone else normally.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postJson, postRaw, startTestEnvironment, type TestEnvironment } from './support';

type Reply = Record<string, unknown> & { code?: string; message?: string; data?: Record<string, unknown> };

function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('/admin: hostile input', function () {
  let t: TestEnvironment;
  const post = (body: Record<string, unknown>): Promise<Reply> => postJson(t.env.adminUrl, body) as Promise<Reply>;
  const modify = (data: unknown, query: unknown = {}): Promise<Reply> =>
    post({ action: 'database.modifyDocument', collectionName: 'items', queryType: 'WHERE', multi: true, merge: true, upsert: false, data: JSON.stringify(data), query: JSON.stringify(query) });
  const getWhere = (query: unknown): Promise<Reply> => post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: JSON.stringify(query) });

  before(async function () {
    t = await startTestEnvironment();
    await t.env.database.createCollection('items');
    await t.env.database.collection('items').createIndex({ keys: [{ field: 'n', direction: 1 }] });
    await t.env.database.collection('items').insertMany([
      { _id: 'i1', n: 1, a: 'x', arr: [1, 2], s: 'hello' },
      { _id: 'i2', n: 2, a: 'y', arr: [3], s: 'a'.repeat(30) + '!' },
    ]);
  });
  after(async function () {
    await t?.stop();
  });

  /** The pollution probe's symptom was every filtered query failing with SYS_ERR afterwards. */
  async function assertNormalQueriesWork(): Promise<void> {
    const byIndex = await getWhere({ n: { $gte: 2 } });
    assert.equal(byIndex.code, undefined, byIndex.message);
    assert.deepEqual((byIndex.data?.list as string[]).map((d) => JSON.parse(d)._id), ['i2']);
    const byScan = await getWhere({ a: 'x', arr: { $in: [2] } });
    assert.deepEqual((byScan.data?.list as string[]).map((d) => JSON.parse(d)._id), ['i1']);
    assert.equal(([] as unknown[])[0], undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Array.prototype).filter((k) => /^\d+$/.test(k)), []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }

  const pollution: [string, unknown][] = [
    ['$rename onto Array.prototype', { $rename: { a: 'arr.constructor.prototype.0' } }],
    ['$set through $[] onto Array.prototype', { $set: { 'arr.$[].constructor.prototype.1': 'x' } }],
    ['$set through $[elem]', { $set: { 'arr.$[__proto__].polluted': 1 } }],
    ['$set through the positional $', { $set: { 'arr.$.constructor.prototype.2': 1 } }],
    ['$set of __proto__', JSON.parse('{"$set":{"__proto__":{"polluted":1}}}')],
    ['$push of an object holding __proto__', JSON.parse('{"$push":{"arr":{"__proto__":{"polluted":1}}}}')],
  ];
  for (const [what, update] of pollution) {
    it(`refuses ${what} with INVALID_PARAM and changes nothing`, async function () {
      const reply = await modify(update, { arr: 2 });
      assert.equal(reply.code, 'INVALID_PARAM', reply.message);
      await assertNormalQueriesWork();
      const stored = t.env.database.collection('items').find({ _id: 'i1' }).documents[0];
      assert.deepEqual(stored, { _id: 'i1', n: 1, a: 'x', arr: [1, 2], s: 'hello' });
    });
  }

  it('refuses prototype paths in filters, projections, orders, pipelines and documents', async function () {
    const replies = [
      await getWhere({ 'arr.constructor.name': 'Array' }),
      await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: '{}', projection: '{"arr.constructor":1}' }),
      await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: '{}', order: '[{"field":"a.__proto__","direction":"asc"}]' }),
      await post({ action: 'database.aggregateDocuments', collectionName: 'items', stages: JSON.stringify([{ stageKey: '$addFields', stageValue: JSON.stringify({ 'arr.constructor.prototype.x': 1 }) }]) }),
      await post({ action: 'database.insertDocument', collectionName: 'items', data: ['{"_id":"p1","deep":{"list":[{"__proto__":{"polluted":1}}]}}'] }),
    ];
    for (const reply of replies) assert.equal(reply.code, 'INVALID_PARAM', reply.message);
    assert.equal(t.env.database.collection('items').count({}), 2);
    await assertNormalQueriesWork();
  });

  it('answers INVALID_PARAM, never a stack overflow, for nesting past 100 levels', async function () {
    const deep = nestedJson(10_000);
    const replies = [
      await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: deep }),
      await post({ action: 'database.insertDocument', collectionName: 'items', data: [deep] }),
      await post({ action: 'database.modifyDocument', collectionName: 'items', queryType: 'WHERE', multi: true, data: `{"$set":{"x":${deep}}}`, query: '{}' }),
      await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: nestedJson(150) }),
      await post({ action: 'functions.invokeFunction', function_name: 'anything', request_data: deep }),
      // Older SDKs send objects instead of JSON strings.
      await postRaw(t.env.adminUrl, `{"action":"database.insertDocument","collectionName":"items","data":[${deep}]}`).then((r) => JSON.parse(r.body) as Reply),
      await postRaw(t.env.adminUrl, `{"action":"functions.invokeFunction","function_name":"anything","request_data":${deep}}`).then((r) => JSON.parse(r.body) as Reply),
    ];
    for (const reply of replies) {
      assert.equal(reply.code, 'INVALID_PARAM', reply.message);
      assert.match(String(reply.message), /nested deeper than/);
    }
    assert.equal(t.env.database.collection('items').count({}), 2);
    await assertNormalQueriesWork();
  });

  it('answers a catastrophic regular expression in under a second while another client is served', async function () {
    const evil = [
      { s: { $regularExpression: { pattern: '^(a+)+$', options: '' } } },
      { s: { $regex: '^(a+)+$', $options: 'i' } },
      { $expr: { $regexMatch: { input: '$s', regex: '^(a+)+$' } } },
    ];
    for (const query of evil) {
      const started = Date.now();
      let otherServedAt = 0;
      const [reply] = await Promise.all([
        getWhere(query),
        (async () => {
          // A second client's requests go on in parallel and are answered normally.
          for (let i = 0; i < 5; i++) {
            const other = await post({ action: 'database.calculateDocument', collectionName: 'items', queryType: 'WHERE', query: '{"n":1}' });
            assert.deepEqual(other.data, { total: 1 });
          }
          otherServedAt = Date.now();
        })(),
      ]);
      const elapsed = Date.now() - started;
      assert.equal(reply.code, undefined, reply.message);
      assert.deepEqual(reply.data?.list, []);
      assert.ok(elapsed < 1000, `answered after ${elapsed} ms`);
      assert.ok(otherServedAt - started < 1000, `the other client waited ${otherServedAt - started} ms`);
    }
    // Operator projections are applied by the server itself: the same engine matches there.
    await t.env.database.createCollection('texts');
    await t.env.database.collection('texts').insertMany([{ _id: 'x1', objs: [{ n: 'a'.repeat(30) + '!' }, { n: 'ok' }] }]);
    const started = Date.now();
    const projected = await post({
      action: 'database.getDocument',
      collectionName: 'texts',
      queryType: 'WHERE',
      query: '{}',
      projection: JSON.stringify({ objs: { $elemMatch: { n: { $regex: '^(a+)+$' } } } }),
    });
    assert.equal(projected.code, undefined, projected.message);
    assert.ok(Date.now() - started < 1000, `the projection took ${Date.now() - started} ms`);
    const lookahead = await getWhere({ s: { $regex: '(?=a)a' } });
    assert.equal(lookahead.code, 'INVALID_PARAM', lookahead.message);
    const matched = await getWhere({ s: { $regularExpression: { pattern: '^HELLO$', options: 'i' } } });
    assert.deepEqual((matched.data?.list as string[]).map((d) => JSON.parse(d)._id), ['i1']);
  });

  it('answers the cloud\'s errors for a result over 6 MB and an event over 6 MB', async function () {
    this.timeout(60_000);
    const dir = join(t.project.root, 'cloudfunctions', 'big');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), 'exports.main = async (event) => "x".repeat(event.bytes || 0);\n');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ memorySize: 512, timeout: 20 }));
    const over = await post({ action: 'functions.invokeFunction', function_name: 'big', request_data: JSON.stringify({ bytes: 8 * 1024 * 1024 }) });
    assert.equal(over.code, 'FUNCTIONS_EXECUTE_FAIL', over.message);
    assert.match(String(over.message), /size of response exceeds the upper limit \(6MB\)/);
    const fine = await post({ action: 'functions.invokeFunction', function_name: 'big', request_data: JSON.stringify({ bytes: 10 }) });
    assert.equal(fine.data?.response_data, JSON.stringify('x'.repeat(10)));
    const tooBig = await post({ action: 'functions.invokeFunction', function_name: 'big', request_data: JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }) });
    assert.equal(tooBig.code, 'INVALID_PARAM', tooBig.message);
    assert.match(String(tooBig.message), /RequestTooLarge/);
  });
});
