/**
 * The /admin protocol through the real @cloudbase/node-sdk: every call below is what a Node script
 * or cloud function writes against the cloud, pointed at the local environment with `serviceUrl`.
 */
import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import { startTestEnvironment, type TestEnvironment } from './support';

// The SDK's own typings are loose and partly wrong (ids may be undefined, mod() takes no arguments).
type Db = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

const ids = (list: Doc[]): string[] => list.map((d) => d._id as string).sort();

describe('/admin through @cloudbase/node-sdk', function () {
  let t: TestEnvironment;
  let db: Db;

  before(async function () {
    t = await startTestEnvironment();
    const app = tcb.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl });
    db = app.database() as Db;
  });
  after(async function () {
    await t?.stop();
  });

  describe('documents', function () {
    before(async function () {
      await db.createCollection('todos');
      const todos = Array.from({ length: 14 }, (_, i) => ({
        _id: `t${String(i).padStart(2, '0')}`,
        title: `todo ${i}`,
        done: i % 3 === 0,
        due: new Date(Date.UTC(2025, 0, 28 - i)),
      }));
      const res = await db.collection('todos').add(todos);
      assert.equal(res.ids.length, 14);
    });

    it('runs where().orderBy().limit().get()', async function () {
      const res = await db.collection('todos').where({ done: false }).orderBy('due', 'asc').limit(5).get();
      assert.equal(res.data.length, 5);
      assert.ok(res.data.every((d: Doc) => d.done === false));
      const dues: Date[] = res.data.map((d: Doc) => d.due as Date);
      assert.ok(dues.every((d) => d instanceof Date), 'dates come back as Date');
      assert.deepEqual([...dues].sort((a, b) => a.getTime() - b.getTime()), dues);
      assert.equal(res.data[0]._id, 't13');
    });

    it('counts, skips, projects and caps the page', async function () {
      assert.equal((await db.collection('todos').where({ done: false }).count()).total, 9);
      assert.equal((await db.collection('todos').count()).total, 14);
      const page = await db.collection('todos').orderBy('_id', 'asc').skip(10).limit(3).get();
      assert.deepEqual(page.data.map((d: Doc) => d._id), ['t10', 't11', 't12']);
      const projected = await db.collection('todos').where({ _id: 't01' }).field({ title: true }).get();
      assert.deepEqual(projected.data, [{ _id: 't01', title: 'todo 1' }]);
      const excluded = await db.collection('todos').doc('t01').field({ due: false, done: false }).get();
      assert.deepEqual(excluded.data, [{ _id: 't01', title: 'todo 1' }]);
    });

    it('returns 100 documents by default and at most 1000', async function () {
      await db.createCollection('many');
      await db.collection('many').add(Array.from({ length: 1005 }, (_, i) => ({ i })));
      assert.equal((await db.collection('many').get()).data.length, 100);
      assert.equal((await db.collection('many').limit(5000).get()).data.length, 1000);
    });

    it('adds, gets, sets, updates and removes one document', async function () {
      const todos = db.collection('todos');
      const added = await todos.add({ title: 'write tests', done: false, tags: ['x'] });
      assert.equal(typeof added.id, 'string');
      const got = await todos.doc(added.id).get();
      assert.equal(got.data.length, 1);
      assert.equal(got.data[0].title, 'write tests');

      const set = await todos.doc(added.id).set({ title: 'replaced' });
      assert.equal(set.updated, 1);
      assert.deepEqual((await todos.doc(added.id).get()).data[0], { _id: added.id, title: 'replaced' });

      const created = await todos.doc('made-by-set').set({ title: 'new' });
      assert.equal(created.upsertedId, 'made-by-set');
      assert.deepEqual((await todos.doc('made-by-set').get()).data, [{ _id: 'made-by-set', title: 'new' }]);

      const updated = await todos.doc(added.id).update({ done: true, meta: { by: 'me' } });
      assert.equal(updated.updated, 1);
      assert.deepEqual((await todos.doc(added.id).get()).data[0], { _id: added.id, title: 'replaced', done: true, meta: { by: 'me' } });

      assert.equal((await todos.doc(added.id).remove()).deleted, 1);
      assert.equal((await todos.doc('made-by-set').remove()).deleted, 1);
      assert.deepEqual((await todos.doc(added.id).get()).data, []);
      assert.equal((await todos.doc(added.id).remove()).deleted, 0);
    });

    it('updates and removes many with where()', async function () {
      await db.createCollection('batch');
      await db.collection('batch').add([{ k: 1 }, { k: 1 }, { k: 2 }]);
      const updated = await db.collection('batch').where({ k: 1 }).update({ seen: true });
      assert.equal(updated.updated, 2);
      assert.equal((await db.collection('batch').where({ seen: true }).count()).total, 2);
      const removed = await db.collection('batch').where({ k: 1 }).remove();
      assert.equal(removed.deleted, 2);
      assert.equal((await db.collection('batch').count()).total, 1);
    });

    it('updates one document and returns it', async function () {
      const _ = db.command;
      const res = await db.collection('todos').where({ _id: 't02' }).updateAndReturn({ title: 'changed', n: _.inc(2) });
      assert.equal(res.updated, 1);
      assert.equal(res.doc.title, 'changed');
      assert.equal(res.doc.n, 2);
      const none = await db.collection('todos').where({ _id: 'absent' }).updateAndReturn({ title: 'x' });
      assert.equal(none.updated, 0);
    });
  });

  describe('query operators', function () {
    before(async function () {
      await db.createCollection('people');
      await db.collection('people').add([
        { _id: 'ann', name: 'Ann', age: 31, tags: ['a', 'b'], scores: [{ s: 90, k: 'm' }, { s: 40, k: 'e' }], city: 'Shenzhen', vip: true },
        { _id: 'bob', name: 'bob', age: 25, tags: ['b'], scores: [{ s: 60, k: 'm' }], city: 'Beijing' },
        { _id: 'cat', name: 'Cat', age: 40, tags: ['a', 'b', 'c'], scores: [], city: 'Shenzhen', vip: false },
        { _id: 'dan', name: 'Dan', age: 18, tags: [], scores: [{ s: 85, k: 'e' }], city: 'Guangzhou' },
      ]);
    });

    const cases: [string, (_: Db, db: Db) => Record<string, unknown>, string[]][] = [
      ['eq', (_) => ({ age: _.eq(25) }), ['bob']],
      ['neq', (_) => ({ city: _.neq('Shenzhen') }), ['bob', 'dan']],
      ['lt', (_) => ({ age: _.lt(25) }), ['dan']],
      ['lte', (_) => ({ age: _.lte(25) }), ['bob', 'dan']],
      ['gt', (_) => ({ age: _.gt(31) }), ['cat']],
      ['gte', (_) => ({ age: _.gte(31) }), ['ann', 'cat']],
      ['in', (_) => ({ city: _.in(['Beijing', 'Guangzhou']) }), ['bob', 'dan']],
      ['nin', (_) => ({ city: _.nin(['Beijing', 'Guangzhou']) }), ['ann', 'cat']],
      ['and (field)', (_) => ({ age: _.gt(20).and(_.lt(35)) }), ['ann', 'bob']],
      ['and (top level)', (_) => _.and([{ city: 'Shenzhen' }, { age: _.gt(35) }]) as never, ['cat']],
      ['or (field)', (_) => ({ age: _.lt(20).or(_.gt(35)) }), ['cat', 'dan']],
      ['or (top level)', (_) => _.or([{ city: 'Beijing' }, { age: 18 }]) as never, ['bob', 'dan']],
      ['nor', (_) => _.nor([{ city: 'Shenzhen' }, { age: 18 }]) as never, ['bob']],
      ['not', (_) => ({ age: _.not(_.gt(30)) }), ['bob', 'dan']],
      ['exists', (_) => ({ vip: _.exists(true) }), ['ann', 'cat']],
      ['size', (_) => ({ tags: _.size(2) }), ['ann']],
      ['all', (_) => ({ tags: _.all(['a', 'b']) }), ['ann', 'cat']],
      ['elemMatch', (_) => ({ scores: _.elemMatch({ s: _.gte(80), k: 'e' }) }), ['dan']],
      ['mod', (_) => ({ age: _.mod(5, 0) }), ['bob', 'cat']],
      ['nested field', () => ({ 'scores.k': 'm' }), ['ann', 'bob']],
      ['db.RegExp', (_, d) => ({ name: d.RegExp({ regexp: '^[ab]', options: 'i' }) }), ['ann', 'bob']],
      ['native RegExp', () => ({ name: /^c/i }), ['cat']],
      ['regex without options', (_, d) => ({ name: d.RegExp({ regexp: '^[AB]' }) }), ['ann']],
    ];
    for (const [name, where, expected] of cases) {
      it(name, async function () {
        const res = await db.collection('people').where(where(db.command, db)).get();
        assert.deepEqual(ids(res.data), expected);
      });
    }

    it('projection operators', async function () {
      const _ = db.command;
      const sliced = await db.collection('people').doc('cat').field({ tags: _.project.slice(1), name: true }).get();
      assert.deepEqual(sliced.data, [{ _id: 'cat', name: 'Cat', tags: ['a'] }]);
      const matched = await db.collection('people').doc('ann').field({ scores: _.project.elemMatch({ k: 'e' }) }).get();
      assert.deepEqual(matched.data, [{ _id: 'ann', scores: [{ s: 40, k: 'e' }] }]);
    });
  });

  describe('update operators', function () {
    const doc = (id: string) => db.collection('ops').doc(id);
    const read = async (id: string): Promise<Doc> => (await doc(id).get()).data[0] as Doc;

    before(async function () {
      await db.createCollection('ops');
    });
    beforeEach(async function () {
      await db.collection('ops').where({ _id: db.command.exists(true) }).remove();
      await db.collection('ops').add({ _id: 'o', n: 10, arr: [1, 2, 3], tags: ['a'], obj: { a: 1, b: 2 }, gone: 'x', old: 'v' });
    });

    const cases: [string, (_: Db) => Record<string, unknown>, (d: Doc) => void][] = [
      ['set', (_) => ({ obj: _.set({ c: 3 }) }), (d) => assert.deepEqual(d.obj, { c: 3 })],
      ['remove', (_) => ({ gone: _.remove() }), (d) => assert.ok(!('gone' in d))],
      ['inc', (_) => ({ n: _.inc(5) }), (d) => assert.equal(d.n, 15)],
      ['mul', (_) => ({ n: _.mul(3) }), (d) => assert.equal(d.n, 30)],
      ['push', (_) => ({ arr: _.push([4, 5]) }), (d) => assert.deepEqual(d.arr, [1, 2, 3, 4, 5])],
      ['push with position', (_) => ({ arr: _.push({ each: [0], position: 1 }) }), (d) => assert.deepEqual(d.arr, [1, 0, 2, 3])],
      ['pop', (_) => ({ arr: _.pop() }), (d) => assert.deepEqual(d.arr, [1, 2])],
      ['shift', (_) => ({ arr: _.shift() }), (d) => assert.deepEqual(d.arr, [2, 3])],
      ['unshift', (_) => ({ arr: _.unshift(-1, 0) }), (d) => assert.deepEqual(d.arr, [-1, 0, 1, 2, 3])],
      ['addToSet', (_) => ({ tags: _.addToSet('b') }), (d) => assert.deepEqual(d.tags, ['a', 'b'])],
      ['addToSet $each', (_) => ({ tags: _.addToSet({ $each: ['a', 'b', 'c'] }) }), (d) => assert.deepEqual(d.tags, ['a', 'b', 'c'])],
      ['pull', (_) => ({ arr: _.pull(2) }), (d) => assert.deepEqual(d.arr, [1, 3])],
      ['pullAll', (_) => ({ arr: _.pullAll([1, 3]) }), (d) => assert.deepEqual(d.arr, [2])],
      ['rename', (_) => ({ old: _.rename('renamed') }), (d) => assert.ok(!('old' in d) && d.renamed === 'v')],
      ['max', (_) => ({ n: _.max(20) }), (d) => assert.equal(d.n, 20)],
      ['min', (_) => ({ n: _.min(3) }), (d) => assert.equal(d.n, 3)],
      ['nested path', () => ({ obj: { b: 5 } }), (d) => assert.deepEqual(d.obj, { a: 1, b: 5 })],
    ];
    for (const [name, update, check] of cases) {
      it(name, async function () {
        const res = await doc('o').update(update(db.command));
        assert.equal(res.updated, 1);
        check(await read('o'));
      });
    }

    it('counts an update that changes nothing as not updated', async function () {
      const res = await doc('o').update({ tags: db.command.addToSet('a'), n: 10 });
      assert.equal(res.updated, 0);
    });
  });

  describe('special values', function () {
    before(async function () {
      await db.createCollection('values');
    });

    it('stores db.serverDate() as the server time at write', async function () {
      const before = Date.now();
      const { id } = await db.collection('values').add({ at: db.serverDate(), later: db.serverDate({ offset: 60_000 }) });
      const after = Date.now();
      const d = (await db.collection('values').doc(id).get()).data[0] as Doc;
      assert.ok(d.at instanceof Date);
      assert.ok(d.at.getTime() >= before - 5 && d.at.getTime() <= after + 5);
      assert.equal(d.later.getTime() - d.at.getTime(), 60_000);
      await db.collection('values').doc(id).update({ touched: db.serverDate() });
      const u = (await db.collection('values').doc(id).get()).data[0] as Doc;
      assert.ok(u.touched instanceof Date && u.touched.getTime() >= d.at.getTime());
      const found = await db.collection('values').where({ at: db.command.lte(db.serverDate()) }).count();
      assert.ok(found.total >= 1);
    });

    it('round-trips numbers, nested arrays and dates', async function () {
      const value = { int: 18, float: 1.5, big: 2 ** 40, neg: -3, nested: { list: [1, 'two', { three: [3] }], none: null }, old: new Date('1969-07-20T20:17:00Z') };
      const { id } = await db.collection('values').add(value);
      const d = (await db.collection('values').doc(id).get()).data[0] as Doc;
      assert.deepEqual(d, { _id: id, ...value });
      assert.equal((await db.collection('values').where({ old: db.command.lt(new Date('1970-01-01')) }).count()).total, 1);
    });

    it('stores Geo types as GeoJSON and rebuilds them', async function () {
      const Geo = db.Geo as unknown as Record<string, new (...args: unknown[]) => { toJSON(): unknown }>;
      const point = new Geo.Point(113.93, 22.53);
      const line = new Geo.LineString([new Geo.Point(113, 22), new Geo.Point(114, 23)]);
      const ring = [new Geo.Point(113, 22), new Geo.Point(115, 22), new Geo.Point(115, 24), new Geo.Point(113, 22)];
      const polygon = new Geo.Polygon([new Geo.LineString(ring)]);
      const multiPoint = new Geo.MultiPoint([new Geo.Point(1, 2), new Geo.Point(3, 4)]);
      await db.collection('values').add({ _id: 'geo', point, line, polygon, multiPoint });
      const raw = t.env.database.collection('values').find({ _id: 'geo' }).documents[0];
      assert.deepEqual(raw.point, { type: 'Point', coordinates: [113.93, 22.53] });
      const d = (await db.collection('values').doc('geo').get()).data[0] as Doc;
      assert.ok(d.point instanceof Geo.Point, 'Point rebuilt');
      assert.ok(d.line instanceof Geo.LineString, 'LineString rebuilt');
      assert.ok(d.polygon instanceof Geo.Polygon, 'Polygon rebuilt');
      assert.ok(d.multiPoint instanceof Geo.MultiPoint, 'MultiPoint rebuilt');
      assert.deepEqual(d.polygon.toJSON(), polygon.toJSON());
    });

    it('answers geo queries (geo.test.ts has them all)', async function () {
      const _ = db.command;
      const Geo = db.Geo as unknown as Record<string, new (...args: unknown[]) => unknown>;
      const area = new Geo.Polygon([new Geo.LineString([new Geo.Point(113, 22), new Geo.Point(115, 22), new Geo.Point(115, 24), new Geo.Point(113, 22)])]);
      const queries = [
        db.collection('values').where({ point: _.geoWithin({ geometry: area }) }),
        db.collection('values').where({ point: _.geoNear({ geometry: new Geo.Point(113.9, 22.5), maxDistance: 10_000 }) }),
      ];
      for (const q of queries) assert.deepEqual(ids((await q.get()).data), ['geo']);
    });
  });

  describe('aggregate', function () {
    before(async function () {
      await db.createCollection('orders');
      await db.createCollection('customers');
      await db.collection('customers').add([
        { _id: 'c1', name: 'Ann' },
        { _id: 'c2', name: 'Bob' },
      ]);
      await db.collection('orders').add([
        { _id: 'o1', customer: 'c1', amount: 10, items: ['pen', 'ink'] },
        { _id: 'o2', customer: 'c1', amount: 30, items: ['book'] },
        { _id: 'o3', customer: 'c2', amount: 5, items: ['pen'] },
        { _id: 'o4', customer: 'c2', amount: 50, items: [] },
      ]);
    });

    it('matches, groups with accumulators and sorts', async function () {
      const $ = db.command.aggregate;
      const res = await db
        .collection('orders')
        .aggregate()
        .match({ amount: db.command.gt(1) })
        .group({ _id: '$customer', total: $.sum('$amount'), avg: $.avg('$amount'), max: $.max('$amount'), min: $.min('$amount'), n: $.sum(1), all: $.push('$_id'), first: $.first('$_id') })
        .sort({ total: -1 })
        .end();
      assert.deepEqual(res.data, [
        { _id: 'c2', total: 55, avg: 27.5, max: 50, min: 5, n: 2, all: ['o3', 'o4'], first: 'o3' },
        { _id: 'c1', total: 40, avg: 20, max: 30, min: 10, n: 2, all: ['o1', 'o2'], first: 'o1' },
      ]);
    });

    it('projects, adds fields, skips and limits', async function () {
      const $ = db.command.aggregate;
      const res = await db
        .collection('orders')
        .aggregate()
        .sort({ _id: 1 })
        .addFields({ double: $.multiply(['$amount', 2]) })
        .project({ _id: 1, double: 1 })
        .skip(1)
        .limit(2)
        .end();
      assert.deepEqual(res.data, [
        { _id: 'o2', double: 60 },
        { _id: 'o3', double: 10 },
      ]);
    });

    it('looks up, unwinds and counts', async function () {
      const looked = await db
        .collection('orders')
        .aggregate()
        .match({ _id: 'o1' })
        .lookup({ from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' })
        .unwind('$items')
        .end();
      assert.equal(looked.data.length, 2);
      assert.deepEqual(looked.data.map((d: Doc) => d.items), ['pen', 'ink']);
      assert.deepEqual(looked.data[0].who, [{ _id: 'c1', name: 'Ann' }]);
      const counted = await db.collection('orders').aggregate().match({ amount: db.command.gte(10) }).count('n').end();
      assert.deepEqual(counted.data, [{ n: 3 }]);
    });

    it('samples', async function () {
      const res = await db.collection('orders').aggregate().sample({ size: 2 }).end();
      assert.equal(res.data.length, 2);
      // mingo samples with replacement, so the two may be the same order (MongoDB never repeats one).
      assert.ok(res.data.every((d: Doc) => ['o1', 'o2', 'o3', 'o4'].includes(d._id as string)));
    });
  });

  describe('errors', function () {
    it('throws DATABASE_COLLECTION_NOT_EXIST for a missing collection', async function () {
      await expectCode(db.collection('missing').get(), 'DATABASE_COLLECTION_NOT_EXIST');
      await expectCode(db.collection('missing').add({ a: 1 }), 'DATABASE_COLLECTION_NOT_EXIST');
      await expectCode(db.collection('missing').doc('x').update({ a: 1 }), 'DATABASE_COLLECTION_NOT_EXIST');
      await expectCode(db.collection('missing').aggregate().match({}).end(), 'DATABASE_COLLECTION_NOT_EXIST');
    });

    it('refuses creating an existing collection', async function () {
      await db.createCollection('twice');
      await expectCode(db.createCollection('twice'), 'DATABASE_COLLECTION_ALREADY_EXIST');
    });

    it('gives bad queries a code and keeps serving', async function () {
      await db.createCollection('bad');
      await db.collection('bad').add({ _id: 'only', a: 1 });
      await expectCode(db.collection('bad').where({ a: { $noSuchOperator: 1 } }).get(), 'DATABASE_INVALID_OPERRATOR');
      await expectCode(db.collection('bad').where({ a: db.RegExp({ regexp: '(' }) }).get(), 'INVALID_PARAM');
      await expectCode(db.collection('bad').aggregate().group({ _id: null, n: { $nope: 1 } }).end(), 'DATABASE_INVALID_OPERRATOR');
      assert.equal((await db.collection('bad').count()).total, 1);
    });
  });
});
