import * as assert from 'node:assert/strict';
import type { Collection, Database } from '../../../../src/emulator/database/api';
import { assertRejectsCode, ids, scratchDatabase } from './support';

describe('database indexes', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let n = 0;
  const fresh = async (docs: Record<string, unknown>[] = []): Promise<Collection> => {
    const c = await db.createCollection(`i${++n}`);
    if (docs.length > 0) await c.insertMany(docs);
    return c;
  };

  before(async () => {
    const s = await scratchDatabase();
    db = s.db;
    dispose = s.dispose;
  });
  after(() => dispose());

  describe('definitions', () => {
    it('always include _id_', async () => {
      const c = await fresh();
      assert.deepEqual(c.listIndexes(), [{ name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true }]);
    });

    it('are created with a default name, listed and dropped', async () => {
      const c = await fresh();
      const info = await c.createIndex({ keys: [{ field: 'a', direction: 1 }, { field: 'b.c', direction: -1 }] });
      assert.deepEqual(info, { name: 'a_1_b.c_-1', keys: [{ field: 'a', direction: 1 }, { field: 'b.c', direction: -1 }], unique: false });
      await c.createIndex({ name: 'byEmail', keys: [{ field: 'email', direction: 1 }], unique: true });
      assert.deepEqual(
        c.listIndexes().map((i) => [i.name, i.unique]),
        [
          ['_id_', true],
          ['a_1_b.c_-1', false],
          ['byEmail', true],
        ],
      );
      await c.dropIndex('a_1_b.c_-1');
      assert.deepEqual(
        c.listIndexes().map((i) => i.name),
        ['_id_', 'byEmail'],
      );
    });

    it('creating the same index twice is a no-op; a conflicting one is refused', async () => {
      const c = await fresh();
      await c.createIndex({ keys: [{ field: 'a', direction: 1 }] });
      assert.equal((await c.createIndex({ keys: [{ field: 'a', direction: 1 }] })).name, 'a_1');
      await assertRejectsCode('IndexExists', () => c.createIndex({ name: 'a_1', keys: [{ field: 'b', direction: 1 }] }));
      await assertRejectsCode('IndexExists', () => c.createIndex({ name: 'other', keys: [{ field: 'a', direction: 1 }] }));
      await assertRejectsCode('IndexExists', () => c.createIndex({ keys: [{ field: 'a', direction: 1 }], unique: true }));
      assert.equal(c.listIndexes().length, 2);
    });

    it('refuses dropping _id_ or an unknown index', async () => {
      const c = await fresh();
      await assertRejectsCode('InvalidArgument', () => c.dropIndex('_id_'));
      await assertRejectsCode('IndexNotFound', () => c.dropIndex('nope'));
    });

    it('refuses bad specifications', async () => {
      const c = await fresh();
      await assertRejectsCode('InvalidArgument', () => c.createIndex({ keys: [] }));
      await assertRejectsCode('InvalidQuery', () => c.createIndex({ keys: [{ field: '$a', direction: 1 }] }));
      await assertRejectsCode('InvalidQuery', () => c.createIndex({ keys: [{ field: 'a..b', direction: 1 }] }));
      await assertRejectsCode('InvalidArgument', () => c.createIndex({ keys: [{ field: 'a', direction: 2 as 1 }] }));
      await assertRejectsCode('InvalidArgument', () => c.createIndex({ keys: [{ field: 'a', direction: 1 }, { field: 'a', direction: -1 }] }));
      assert.equal(c.listIndexes().length, 1);
    });
  });

  describe('unique', () => {
    it('refuses a duplicate insert and writes none of the batch', async () => {
      const c = await fresh([{ _id: 'a', email: 'x@y' }]);
      await c.createIndex({ keys: [{ field: 'email', direction: 1 }], unique: true });
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b', email: 'new@y' }, { _id: 'c', email: 'x@y' }]));
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'd', email: 'z@y' }, { _id: 'e', email: 'z@y' }]));
      assert.deepEqual(ids(c.find({}).documents), ['a']);
      assert.deepEqual(ids(c.find({ email: 'new@y' }).documents), []);
      await c.insertMany([{ _id: 'b', email: 'new@y' }]);
      assert.deepEqual(ids(c.find({ email: 'new@y' }).documents), ['b']);
    });

    it('counts a missing field as null', async () => {
      const c = await fresh([{ _id: 'a' }]);
      await c.createIndex({ keys: [{ field: 'code', direction: 1 }], unique: true });
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b' }]));
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b', code: null }]));
      await c.insertMany([{ _id: 'b', code: 1 }]);
    });

    it('refuses an update that would duplicate, changing none of the documents', async () => {
      const c = await fresh([
        { _id: 'a', k: 1, n: 0 },
        { _id: 'b', k: 2, n: 0 },
        { _id: 'c', k: 3, n: 0 },
      ]);
      await c.createIndex({ keys: [{ field: 'k', direction: 1 }], unique: true });
      await assertRejectsCode('DuplicateKey', () => c.update({ _id: 'a' }, { $set: { k: 2 } }, { multi: false }));
      await assertRejectsCode('DuplicateKey', () => c.update({}, { $set: { k: 9 }, $inc: { n: 1 } }, { multi: true }));
      await assertRejectsCode('DuplicateKey', () => c.update({ _id: 'a' }, { k: 3 }, { multi: false }));
      await assertRejectsCode('DuplicateKey', () => c.findOneAndUpdate({ _id: 'c' }, { $set: { k: 1 } }));
      assert.deepEqual(c.find({}).documents, [
        { _id: 'a', k: 1, n: 0 },
        { _id: 'b', k: 2, n: 0 },
        { _id: 'c', k: 3, n: 0 },
      ]);
      // The index still answers correctly after the undone attempts.
      assert.deepEqual(ids(c.find({ k: 9 }).documents), []);
      assert.deepEqual(ids(c.find({ k: { $gte: 1 } }).documents), ['a', 'b', 'c']);
    });

    it('allows a swap done one document at a time through a free value', async () => {
      const c = await fresh([
        { _id: 'a', k: 1 },
        { _id: 'b', k: 2 },
      ]);
      await c.createIndex({ keys: [{ field: 'k', direction: 1 }], unique: true });
      await c.update({ _id: 'a' }, { $set: { k: 0 } }, { multi: false });
      await c.update({ _id: 'b' }, { $set: { k: 1 } }, { multi: false });
      await c.update({ _id: 'a' }, { $set: { k: 2 } }, { multi: false });
      assert.deepEqual(c.find({}, { sort: [{ field: 'k', direction: 1 }] }).documents, [
        { _id: 'b', k: 1 },
        { _id: 'a', k: 2 },
      ]);
    });

    it('is refused over existing duplicates, leaving no index behind', async () => {
      const c = await fresh([
        { _id: 'a', k: 1 },
        { _id: 'b', k: 1 },
      ]);
      await assertRejectsCode('DuplicateKey', () => c.createIndex({ keys: [{ field: 'k', direction: 1 }], unique: true }));
      assert.equal(c.listIndexes().length, 1);
    });

    it('compound: the combination must be unique', async () => {
      const c = await fresh([{ _id: 'a', x: 1, y: 1 }]);
      await c.createIndex({ keys: [{ field: 'x', direction: 1 }, { field: 'y', direction: 1 }], unique: true });
      await c.insertMany([{ _id: 'b', x: 1, y: 2 }]);
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'c', x: 1, y: 2 }]));
    });

    it('multikey: each array element is a key, repeated elements in one document are fine', async () => {
      const c = await fresh([{ _id: 'a', tags: ['x', 'y', 'x'] }]);
      await c.createIndex({ keys: [{ field: 'tags', direction: 1 }], unique: true });
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b', tags: ['z', 'y'] }]));
      await c.insertMany([{ _id: 'b', tags: ['z'] }]);
      assert.deepEqual(ids(c.find({ tags: 'x' }).documents), ['a']);
    });

    it('numbers compare by value, dates by time', async () => {
      const c = await fresh([{ _id: 'a', v: 1, d: new Date(5) }]);
      await c.createIndex({ keys: [{ field: 'v', direction: 1 }], unique: true });
      await c.createIndex({ keys: [{ field: 'd', direction: 1 }], unique: true });
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b', v: 1.0 }]));
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b', v: 2, d: new Date(5) }]));
      await c.insertMany([{ _id: 'b', v: '1', d: '5' }]);
    });
  });

  describe('query plans', () => {
    let big: Collection;
    const N = 2000;
    before(async () => {
      big = await fresh();
      const docs = Array.from({ length: N }, (_, i) => ({ _id: `d${String(i).padStart(5, '0')}`, k: i, g: i % 10, s: `s${i % 100}`, tags: [`t${i % 7}`, `u${i % 3}`] }));
      await big.insertMany(docs);
      await big.createIndex({ keys: [{ field: 'k', direction: 1 }], unique: true });
      await big.createIndex({ keys: [{ field: 'g', direction: 1 }, { field: 'k', direction: -1 }] });
      await big.createIndex({ keys: [{ field: 'tags', direction: 1 }] });
    });

    it('equality on a unique index reads one document', () => {
      const plan = big.explain({ k: 1234 });
      assert.deepEqual(plan, { index: 'k_1', kind: 'index', sortedByIndex: true, examined: 1, returned: 1 });
    });

    it('a range reads only the range', () => {
      const plan = big.explain({ k: { $gte: 100, $lt: 150 } });
      assert.equal(plan.index, 'k_1');
      assert.equal(plan.returned, 50);
      assert.ok(plan.examined <= 51, `examined ${plan.examined}`);
    });

    it('$in reads one point per value', () => {
      const plan = big.explain({ k: { $in: [5, 7, 99999] } });
      assert.equal(plan.index, 'k_1');
      assert.equal(plan.examined, 2);
    });

    it('a compound prefix equality serves the sort on the next field', () => {
      const plan = big.explain({ g: 3 }, { sort: [{ field: 'k', direction: -1 }], limit: 5 });
      assert.equal(plan.index, 'g_1_k_-1');
      assert.equal(plan.sortedByIndex, true);
      assert.equal(plan.examined, 6);
      const docs = big.find({ g: 3 }, { sort: [{ field: 'k', direction: -1 }], limit: 3 }).documents;
      assert.deepEqual(
        docs.map((d) => d.k),
        [1993, 1983, 1973],
      );
    });

    it('a sort the index covers reads only the first page, forwards or backwards', () => {
      for (const direction of [1, -1] as const) {
        const plan = big.explain({}, { sort: [{ field: 'k', direction }], limit: 50 });
        assert.equal(plan.sortedByIndex, true);
        assert.equal(plan.examined, 51);
      }
      const byId = big.explain({}, { limit: 50 });
      assert.deepEqual([byId.index, byId.sortedByIndex, byId.examined], ['_id_', true, 51]);
    });

    it('multikey equality finds each document once', () => {
      const plan = big.explain({ tags: { $in: ['t1', 'u1'] } });
      assert.equal(plan.index, 'tags_1');
      const expected = Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 === 1 || i % 3 === 1).length;
      assert.equal(plan.returned, expected);
      assert.equal(plan.examined, expected);
    });

    it('without a usable index the whole collection is scanned', () => {
      const plan = big.explain({ s: 's5' });
      assert.equal(plan.kind, 'scan');
      assert.equal(plan.examined, N);
      assert.equal(plan.returned, 20);
    });

    it('after dropping the index the same query scans, with the same answer', async () => {
      const c = await fresh(Array.from({ length: 100 }, (_, i) => ({ v: i % 10 })));
      await c.createIndex({ keys: [{ field: 'v', direction: 1 }] });
      const before = c.find({ v: 3 }).documents;
      assert.equal(c.explain({ v: 3 }).examined, 10);
      await c.dropIndex('v_1');
      assert.equal(c.explain({ v: 3 }).examined, 100);
      assert.deepEqual(c.find({ v: 3 }).documents, before);
    });

    it('indexes follow updates and deletes', async () => {
      const c = await fresh([
        { _id: 'a', v: 1 },
        { _id: 'b', v: 2 },
      ]);
      await c.createIndex({ keys: [{ field: 'v', direction: 1 }] });
      await c.update({ _id: 'a' }, { $set: { v: 5 } }, { multi: false });
      assert.deepEqual(ids(c.find({ v: 1 }).documents), []);
      assert.deepEqual(ids(c.find({ v: 5 }).documents), ['a']);
      await c.remove({ v: 2 }, { multi: false });
      assert.deepEqual(ids(c.find({ v: { $gte: 0 } }).documents), ['a']);
      await c.update({ _id: 'a' }, { other: true }, { multi: false });
      assert.deepEqual(ids(c.find({ v: null }).documents), ['a']);
    });

    it('refuses arrays in two fields of one compound index', async () => {
      const c = await fresh();
      await c.createIndex({ keys: [{ field: 'a', direction: 1 }, { field: 'b', direction: 1 }] });
      await c.insertMany([{ a: [1, 2], b: 1 }]);
      await assertRejectsCode('InvalidDocument', () => c.insertMany([{ a: [1, 2], b: [3, 4] }]));
      assert.equal(c.count(), 1);
    });
  });
});
