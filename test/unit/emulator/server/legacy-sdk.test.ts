/**
 * The older /admin action names (`database.queryDocument`, `addDocument`, `updateDocument`,
 * `deleteDocument`, `countDocument`, `aggregate`), through the real tcb-admin-node 1.x, the client
 * inside wx-server-sdk 1.x, whose @cloudbase/database 0.9 sends plain JSON instead of EJSON strings.
 */
import { strict as assert } from 'node:assert';
import { startTestEnvironment, type TestEnvironment } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tcbAdmin = require('tcb-admin-node') as { init(config: object): Legacy };
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Legacy = { database(): Json; callFunction(o: object): Promise<Json>; uploadFile(o: object): Promise<Json>; getTempFileURL(o: object): Promise<Json>; deleteFile(o: object): Promise<Json>; downloadFile(o: object): Promise<Json> };

describe('/admin older action names through tcb-admin-node 1.x', function () {
  this.timeout(30_000);
  let t: TestEnvironment;
  let db: Json;
  let app: Legacy;

  before(async function () {
    t = await startTestEnvironment();
    app = tcbAdmin.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl });
    db = app.database();
    await t.env.database.createCollection('r');
  });
  after(async function () {
    await t?.stop();
  });

  it('database.addDocument adds one document, with or without an id of its own', async function () {
    const added = await db.collection('r').add({ n: 1, tags: ['a'], at: new Date(Date.UTC(2024, 0, 2)) });
    assert.equal(typeof added.id, 'string', JSON.stringify(added));
    const named = await db.collection('r').doc('fixed').set({ n: 2, tags: ['b'], at: new Date(Date.UTC(2024, 0, 3)) });
    assert.equal(named.upsertedId, 'fixed', JSON.stringify(named));
    const stored = t.env.database.collection('r').find({ _id: added.id }).documents[0];
    assert.ok(stored.at instanceof Date, 'a date is stored as a date');
  });

  const queries: { name: string; run: (r: Json, _: Json) => Promise<Json>; check: (res: Json) => void }[] = [
    { name: 'get() of everything', run: (r) => r.get(), check: (res) => assert.equal(res.data.length, 2) },
    { name: 'where() with a command', run: (r, _) => r.where({ n: _.gt(1) }).get(), check: (res) => assert.deepEqual(res.data.map((d: Json) => d._id), ['fixed']) },
    { name: 'where() with a regular expression', run: (r) => r.where({ tags: /^B$/i }).get(), check: (res) => assert.equal(res.data.length, 1) },
    {
      name: 'orderBy().skip().limit()',
      run: (r) => r.orderBy('n', 'desc').skip(1).limit(1).get(),
      check: (res) => assert.deepEqual(res.data.map((d: Json) => d.n), [1]),
    },
    { name: 'field()', run: (r) => r.doc('fixed').field({ n: true }).get(), check: (res) => assert.deepEqual(res.data, [{ _id: 'fixed', n: 2 }]) },
    { name: 'dates come back as Date', run: (r) => r.doc('fixed').get(), check: (res) => assert.ok(res.data[0].at instanceof Date && res.data[0].at.getUTCDate() === 3) },
    { name: 'database.countDocument', run: (r, _) => r.where({ n: _.gte(1) }).count(), check: (res) => assert.equal(res.total, 2) },
    {
      name: 'database.aggregate',
      run: (r) => r.aggregate().group({ _id: null, sum: db.command.aggregate.sum('$n') }).end(),
      check: (res) => assert.deepEqual(res.data, [{ _id: null, sum: 3 }]),
    },
  ];
  for (const q of queries) {
    it(`database.queryDocument: ${q.name}`, async function () {
      const res = await q.run(db.collection('r'), db.command);
      assert.equal(res.code, undefined, JSON.stringify(res));
      q.check(res);
    });
  }

  it('database.updateDocument updates by id, by query and with db.serverDate()', async function () {
    const _ = db.command;
    const one = await db.collection('r').doc('fixed').update({ n: _.inc(10), seen: db.serverDate() });
    assert.equal(one.updated, 1, JSON.stringify(one));
    const doc = t.env.database.collection('r').find({ _id: 'fixed' }).documents[0];
    assert.equal(doc.n, 12);
    assert.ok(doc.seen instanceof Date && Math.abs(doc.seen.getTime() - Date.now()) < 60_000, 'serverDate is the server time');
    const many = await db.collection('r').where({ n: _.gt(0) }).update({ flag: true });
    assert.equal(many.updated, 2);
    const replaced = await db.collection('r').doc('fixed').set({ n: 5 });
    assert.equal(replaced.updated, 1);
    assert.deepEqual(t.env.database.collection('r').find({ _id: 'fixed' }).documents[0], { _id: 'fixed', n: 5 });
  });

  it('database.deleteDocument removes by id and by query', async function () {
    assert.equal((await db.collection('r').doc('fixed').remove()).deleted, 1);
    const res = await db.collection('r').where({ n: db.command.gte(0) }).remove();
    assert.equal(res.deleted, 1);
    assert.equal(t.env.database.collection('r').count(), 0);
  });

  it('a missing collection answers the cloud code', async function () {
    const res = await db.collection('nope').get();
    assert.equal(res.code, 'DATABASE_COLLECTION_NOT_EXIST');
  });

  it('storage: uploadFile, getTempFileURL, downloadFile and deleteFile', async function () {
    const up = await app.uploadFile({ cloudPath: 'legacy/a.txt', fileContent: Buffer.from('hello legacy') });
    assert.equal(typeof up.fileID, 'string', JSON.stringify(up));
    const urls = await app.getTempFileURL({ fileList: [up.fileID] });
    assert.equal(urls.fileList[0].code, 'SUCCESS');
    const down = await app.downloadFile({ fileID: up.fileID });
    assert.equal(down.fileContent.toString(), 'hello legacy');
    const del = await app.deleteFile({ fileList: [up.fileID] });
    assert.equal(del.fileList[0].code, 'SUCCESS');
  });
});
