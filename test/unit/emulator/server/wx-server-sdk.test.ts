/**
 * The /admin protocol through the real wx-server-sdk, in a child process set up like a cloud
 * function: the SDK takes its endpoint from TCB_CONTEXT_CNFG and its identity from process.env.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, startTestEnvironment, type TestEnvironment } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const scenarioScript = join(repoRoot, 'test', 'fixtures', 'sdk', 'wx-server-sdk-scenarios.js');

function functionEnv(envId: string, adminUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TENCENTCLOUD_RUNENV: 'SCF',
    SCF_NAMESPACE: envId,
    SCF_FUNCTIONNAME: 'scenario',
    SCF_FUNCTIONVERSION: '$LATEST',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'AKIDlocal',
    TENCENTCLOUD_SECRETKEY: 'local-secret',
    TENCENTCLOUD_SESSIONTOKEN: 'local-token',
    TCB_ENV: envId,
    TCB_SEQID: 'seq-1',
    TCB_SOURCE: 'wx_client',
    TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: adminUrl }),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
    WX_OPENID: 'oUser123',
    WX_APPID: 'wx0123456789',
    WX_UNIONID: 'uUnion',
  };
}

function runScenario(t: TestEnvironment, scenario: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [scenarioScript, scenario],
      { cwd: repoRoot, env: functionEnv(t.env.envId, t.env.adminUrl), timeout: 60_000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (!line) {
          reject(new Error(`scenario ${scenario} printed no result (${error?.message ?? 'exit 0'})\n${stdout}\n${stderr}`));
          return;
        }
        const result = JSON.parse(line.slice('RESULT '.length)) as Json;
        if (result.thrown) reject(new Error(`scenario ${scenario} threw: ${JSON.stringify(result.thrown)}`));
        else resolve(result);
      },
    );
  });
}

describe('/admin through wx-server-sdk (as a cloud function)', function () {
  let t: TestEnvironment;

  before(async function () {
    t = await startTestEnvironment();
    const todos = await t.env.database.createCollection('todos');
    await t.env.database.createCollection('places');
    await todos.insertMany(
      Array.from({ length: 14 }, (_, i) => ({ _id: `t${String(i).padStart(2, '0')}`, title: `todo ${i}`, done: i % 3 === 0, due: new Date(Date.UTC(2025, 0, 28 - i)) })),
    );
  });
  after(async function () {
    await t?.stop();
  });

  it('queries, adds, sets, updates and removes like in the cloud', async function () {
    const r = await runScenario(t, 'crud');
    assert.equal(r.context.OPENID, 'oUser123');
    assert.equal(r.context.APPID, 'wx0123456789');

    assert.equal(r.list.errMsg, 'collection.get:ok');
    assert.equal(r.list.data.length, 9);
    assert.equal(r.list.data[0]._id, 't13');
    assert.deepEqual(r.list.data[0].due, { $date: '2025-01-15T00:00:00.000Z' });
    const dues = r.list.data.map((d: Json) => d.due.$date as string);
    assert.deepEqual([...dues].sort(), dues);
    assert.equal(r.count.total, 9);

    assert.equal(typeof r.added._id, 'string');
    assert.equal(r.got.data.title, 'from wx');
    assert.ok(Math.abs(Date.parse(r.got.data.at.$date) - Date.now()) < 60_000, 'serverDate is the server time');
    assert.deepEqual(r.set.stats, { updated: 1, created: 0 });
    assert.deepEqual(r.updated.stats, { updated: 1 });
    assert.deepEqual(r.afterUpdate.data, { _id: r.added._id, title: 'set by wx', tags: ['a', 'b'], n: 2 });
    assert.deepEqual(r.whereUpdate.stats, { updated: 1 });
    assert.deepEqual(r.removed.stats, { removed: 1 });
    assert.deepEqual(r.whereRemove.stats, { removed: 5 });
    assert.equal(r.left.total, 9);
    assert.equal(t.env.database.collection('todos').count({}), 9);
  });

  it('round-trips Geo, RegExp, serverDate and aggregates', async function () {
    const r = await runScenario(t, 'values');
    assert.equal(r.added._id, 'p1');
    const doc = r.got.data;
    assert.deepEqual(doc.point, { $class: 'Point', value: { type: 'Point', coordinates: [113.93, 22.53] } });
    assert.equal(doc.area.$class, 'Polygon');
    assert.ok(typeof doc.at.$date === 'string');
    assert.deepEqual(r.regex.data.map((d: Json) => d._id), ['p1']);
    assert.equal(r.ops.total, 1);
    assert.deepEqual(r.aggregate.list, [{ _id: 'p1', name: 'Shenzhen Bay', n: 1 }]);
    const stored = t.env.database.collection('places').find({ _id: 'p1' }).documents[0];
    assert.deepEqual(stored.point, { type: 'Point', coordinates: [113.93, 22.53] });
    assert.ok(stored.at instanceof Date);
  });

  it('reports missing collections and bad queries with the cloud error codes', async function () {
    const r = await runScenario(t, 'errors');
    for (const key of ['missingGet', 'missingAdd', 'missingCount']) {
      assert.equal(r[key].error?.errCode, -502005, `${key}: ${JSON.stringify(r[key])}`);
      assert.match(r[key].error.message, /database collection not exists/);
    }
    assert.equal(r.badQuery.error?.errCode, -502002, JSON.stringify(r.badQuery));
    assert.equal(r.stillServing.ok.total, 9);
  });
});
