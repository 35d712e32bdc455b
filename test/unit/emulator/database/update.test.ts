import * as assert from 'node:assert/strict';
import type { Collection, Database } from '../../../../src/emulator/database/api';
import { assertRejectsCode, ids, scratchDatabase } from './support';

/** [what, document before (without _id), update, document after (without _id)] */
const OPERATORS: [string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][] = [
  ['$set a field', { a: 1 }, { $set: { b: 2 } }, { a: 1, b: 2 }],
  ['$set a dot path creates documents', { a: 1 }, { $set: { 'x.y.z': 'deep' } }, { a: 1, x: { y: { z: 'deep' } } }],
  ['$set an array element', { a: [1, 2, 3] }, { $set: { 'a.1': 20 } }, { a: [1, 20, 3] }],
  ['$set a Date', { a: 1 }, { $set: { when: new Date('2024-01-02T03:04:05Z') } }, { a: 1, when: new Date('2024-01-02T03:04:05Z') }],
  ['$unset', { a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': '' } }, { b: { d: 2 } }],
  ['$inc', { n: 5 }, { $inc: { n: 2, m: 1 } }, { n: 7, m: 1 }],
  ['$inc by a negative fraction', { n: 1 }, { $inc: { n: -0.5 } }, { n: 0.5 }],
  ['$inc inside an array of documents', { items: [{ q: 1 }, { q: 2 }] }, { $inc: { 'items.1.q': 10 } }, { items: [{ q: 1 }, { q: 12 }] }],
  ['$mul', { n: 5 }, { $mul: { n: 3, missing: 2 } }, { n: 15, missing: 0 }],
  ['$min lowers', { lo: 5, hi: 5 }, { $min: { lo: 2, hi: 9 } }, { lo: 2, hi: 5 }],
  ['$max raises', { lo: 5, hi: 5 }, { $max: { lo: 2, hi: 9, fresh: 1 } }, { lo: 5, hi: 9, fresh: 1 }],
  ['$min on Dates', { d: new Date('2024-05-01T00:00:00Z') }, { $min: { d: new Date('2024-01-01T00:00:00Z') } }, { d: new Date('2024-01-01T00:00:00Z') }],
  ['$rename', { a: 1, b: 2 }, { $rename: { a: 'z' } }, { b: 2, z: 1 }],
  ['$rename into a nested path', { a: { b: 1 } }, { $rename: { 'a.b': 'c.d' } }, { a: {}, c: { d: 1 } }],
  ['$push one value', { list: [1] }, { $push: { list: 2 } }, { list: [1, 2] }],
  ['$push creates the array', { a: 1 }, { $push: { list: 'x' } }, { a: 1, list: ['x'] }],
  ['$push $each', { list: [1] }, { $push: { list: { $each: [2, 3] } } }, { list: [1, 2, 3] }],
  ['$push $each $position', { list: [1, 2, 3] }, { $push: { list: { $each: [9, 8], $position: 1 } } }, { list: [1, 9, 8, 2, 3] }],
  ['$push $each $slice keeps the first', { list: [1, 2] }, { $push: { list: { $each: [3, 4], $slice: 3 } } }, { list: [1, 2, 3] }],
  ['$push $each $slice keeps the last', { list: [1, 2] }, { $push: { list: { $each: [3, 4], $slice: -2 } } }, { list: [3, 4] }],
  ['$push $each $position $slice', { list: [1, 2, 3] }, { $push: { list: { $each: [9], $position: 0, $slice: 2 } } }, { list: [9, 1] }],
  ['$push $each $sort', { list: [3, 1] }, { $push: { list: { $each: [2], $sort: -1 } } }, { list: [3, 2, 1] }],
  ['$pull a value', { list: [1, 2, 1, 3] }, { $pull: { list: 1 } }, { list: [2, 3] }],
  ['$pull by condition', { list: [1, 5, 10] }, { $pull: { list: { $gte: 5 } } }, { list: [1] }],
  ['$pull documents', { list: [{ k: 1, v: 'a' }, { k: 2 }] }, { $pull: { list: { k: 1 } } }, { list: [{ k: 2 }] }],
  ['$pullAll', { list: [1, 2, 3, 2] }, { $pullAll: { list: [2, 3] } }, { list: [1] }],
  ['$addToSet adds a new value', { set: ['a'] }, { $addToSet: { set: 'b' } }, { set: ['a', 'b'] }],
  ['$addToSet $each skips duplicates', { set: ['a'] }, { $addToSet: { set: { $each: ['a', 'b', 'b'] } } }, { set: ['a', 'b'] }],
  ['$addToSet compares documents', { set: [{ x: 1 }] }, { $addToSet: { set: { x: 2 } } }, { set: [{ x: 1 }, { x: 2 }] }],
  ['$pop last', { list: [1, 2, 3] }, { $pop: { list: 1 } }, { list: [1, 2] }],
  ['$pop first', { list: [1, 2, 3] }, { $pop: { list: -1 } }, { list: [2, 3] }],
  ['positional $ takes the filter match', { arr: [1, 2, 3] }, { $set: { 'arr.$': 20 } }, { arr: [1, 20, 3] }],
  ['all positional $[]', { arr: [1, 2] }, { $inc: { 'arr.$[]': 10 } }, { arr: [11, 12] }],
  ['several operators at once', { a: 1, list: [] }, { $set: { b: 1 }, $inc: { a: 1 }, $push: { list: 'x' } }, { a: 2, list: ['x'], b: 1 }],
];

describe('database updates', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let n = 0;
  const fresh = async (docs: Record<string, unknown>[]): Promise<Collection> => {
    const c = await db.createCollection(`c${++n}`);
    if (docs.length > 0) await c.insertMany(docs);
    return c;
  };

  before(async () => {
    const s = await scratchDatabase();
    db = s.db;
    dispose = s.dispose;
  });
  after(() => dispose());

  describe('operators', () => {
    for (const [what, before, update, expected] of OPERATORS) {
      it(what, async () => {
        const c = await fresh([{ _id: 'x', ...before }]);
        // The positional operator needs the filter to have matched an element.
        const filter = what.startsWith('positional') ? { _id: 'x', arr: 2 } : { _id: 'x' };
        const result = await c.update(filter, update, { multi: false });
        assert.deepEqual(result, { matched: 1, modified: 1 });
        assert.deepEqual(c.find({ _id: 'x' }).documents[0], { _id: 'x', ...expected });
      });
    }

    it('report modified 0 when nothing changes', async () => {
      const c = await fresh([{ _id: 'x', a: 1 }]);
      assert.deepEqual(await c.update({ _id: 'x' }, { $set: { a: 1 } }, { multi: false }), { matched: 1, modified: 0 });
    });

    it('$addToSet of a document already there modifies nothing', async () => {
      const c = await fresh([{ _id: 'x', set: [{ x: 1, y: 2 }] }]);
      assert.deepEqual(await c.update({ _id: 'x' }, { $addToSet: { set: { x: 1, y: 2 } } }, { multi: false }), { matched: 1, modified: 0 });
    });

    it('$currentDate sets a Date', async () => {
      const c = await fresh([{ _id: 'x' }]);
      const before = Date.now();
      await c.update({ _id: 'x' }, { $currentDate: { at: true } }, { multi: false });
      const at = c.find({ _id: 'x' }).documents[0].at;
      assert.ok(at instanceof Date && at.getTime() >= before - 1000);
    });
  });

  describe('multi and single', () => {
    it('multi: false changes the first match only, multi: true all', async () => {
      const c = await fresh([
        { _id: 'a', g: 1, n: 0 },
        { _id: 'b', g: 1, n: 0 },
        { _id: 'c', g: 2, n: 0 },
      ]);
      assert.deepEqual(await c.update({ g: 1 }, { $inc: { n: 1 } }, { multi: false }), { matched: 1, modified: 1 });
      assert.deepEqual(await c.update({ g: 1 }, { $inc: { n: 1 } }, { multi: true }), { matched: 2, modified: 2 });
      assert.deepEqual(
        c.find({}).documents.map((d) => d.n),
        [2, 1, 0],
      );
    });

    it('a multi-document update that fails on a later document changes none', async () => {
      const c = await fresh([
        { _id: 'a', v: 1 },
        { _id: 'b', v: 2 },
        { _id: 'c', v: 'three' },
      ]);
      await assertRejectsCode('InvalidQuery', () => c.update({}, { $inc: { v: 10 } }, { multi: true }));
      assert.deepEqual(
        c.find({}).documents.map((d) => d.v),
        [1, 2, 'three'],
      );
    });

    it('no match and no upsert changes nothing', async () => {
      const c = await fresh([{ _id: 'a' }]);
      assert.deepEqual(await c.update({ _id: 'zz' }, { $set: { a: 1 } }, { multi: true }), { matched: 0, modified: 0 });
      assert.equal(c.count(), 1);
    });
  });

  describe('replacement', () => {
    it('replaces the whole document and keeps _id', async () => {
      const c = await fresh([{ _id: 'x', a: 1, b: 2 }]);
      assert.deepEqual(await c.update({ _id: 'x' }, { c: 3 }, { multi: false }), { matched: 1, modified: 1 });
      assert.deepEqual(c.find({}).documents, [{ _id: 'x', c: 3 }]);
    });

    it('accepts the same _id in the replacement', async () => {
      const c = await fresh([{ _id: 'x', a: 1 }]);
      await c.update({ _id: 'x' }, { _id: 'x', a: 2 }, { multi: false });
      assert.deepEqual(c.find({}).documents, [{ _id: 'x', a: 2 }]);
    });

    it('an identical replacement modifies nothing', async () => {
      const c = await fresh([{ _id: 'x', a: 1 }]);
      assert.deepEqual(await c.update({ _id: 'x' }, { a: 1 }, { multi: false }), { matched: 1, modified: 0 });
    });
  });

  describe('upsert', () => {
    it('builds the new document from the filter equalities plus the update', async () => {
      const c = await fresh([]);
      const r = await c.update({ name: 'ann', 'profile.city': 'Shanghai', age: { $gt: 5 } }, { $set: { score: 1 }, $inc: { visits: 1 } }, { multi: false, upsert: true });
      assert.equal(r.matched, 0);
      assert.match(r.upsertedId ?? '', /^[0-9a-f]{32}$/);
      const [doc] = c.find({}).documents;
      assert.deepEqual(doc, { _id: r.upsertedId, name: 'ann', profile: { city: 'Shanghai' }, score: 1, visits: 1 });
    });

    it('takes $eq and $and equalities, and _id from the filter', async () => {
      const c = await fresh([]);
      const r = await c.update({ $and: [{ _id: 'given' }, { kind: { $eq: 'k' } }] }, { $set: { v: 1 } }, { multi: false, upsert: true });
      assert.equal(r.upsertedId, 'given');
      assert.deepEqual(c.find({}).documents, [{ _id: 'given', kind: 'k', v: 1 }]);
    });

    it('applies $setOnInsert only when inserting', async () => {
      const c = await fresh([]);
      await c.update({ _id: 'u' }, { $set: { a: 1 }, $setOnInsert: { created: true } }, { multi: false, upsert: true });
      await c.update({ _id: 'u' }, { $set: { a: 2 }, $setOnInsert: { created: 'again' } }, { multi: false, upsert: true });
      assert.deepEqual(c.find({}).documents, [{ _id: 'u', a: 2, created: true }]);
    });

    it('with a replacement document', async () => {
      const c = await fresh([]);
      const r = await c.update({ _id: 'r', ignored: 1 }, { whole: true }, { multi: false, upsert: true });
      assert.equal(r.upsertedId, 'r');
      assert.deepEqual(c.find({}).documents, [{ _id: 'r', whole: true }]);
    });

    it('updates instead when something matches', async () => {
      const c = await fresh([{ _id: 'a', k: 1 }]);
      assert.deepEqual(await c.update({ k: 1 }, { $set: { v: 1 } }, { multi: false, upsert: true }), { matched: 1, modified: 1 });
      assert.equal(c.count(), 1);
    });
  });

  describe('findOneAndUpdate', () => {
    it('returns the document after the update', async () => {
      const c = await fresh([{ _id: 'a', n: 1 }]);
      assert.deepEqual(await c.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 41 } }), { _id: 'a', n: 42 });
      assert.deepEqual(c.find({}).documents, [{ _id: 'a', n: 42 }]);
    });

    it('returns undefined when nothing matches', async () => {
      const c = await fresh([{ _id: 'a' }]);
      assert.equal(await c.findOneAndUpdate({ _id: 'b' }, { $set: { x: 1 } }), undefined);
    });

    it('hands out counters without repeats under concurrency', async () => {
      const c = await fresh([{ _id: 'seq', n: 0 }]);
      const got = await Promise.all(Array.from({ length: 50 }, () => c.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } })));
      assert.deepEqual(got.map((d) => d?.n).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 50 }, (_, i) => i + 1));
    });
  });

  describe('remove', () => {
    it('one or many', async () => {
      const c = await fresh([
        { _id: 'a', g: 1 },
        { _id: 'b', g: 1 },
        { _id: 'c', g: 2 },
      ]);
      assert.equal(await c.remove({ g: 1 }, { multi: false }), 1);
      assert.deepEqual(ids(c.find({}).documents), ['b', 'c']);
      assert.equal(await c.remove({}, { multi: true }), 2);
      assert.equal(c.count(), 0);
      assert.equal(await c.remove({}, { multi: true }), 0);
    });
  });

  describe('inserts', () => {
    it('make CloudBase-shaped ids that sort in insertion order', async () => {
      const c = await fresh([]);
      const made: string[] = [];
      for (let i = 0; i < 20; i++) made.push(...(await c.insertMany([{ i }, { i: i + 0.5 }])));
      for (const id of made) assert.match(id, /^[0-9a-f]{32}$/);
      assert.deepEqual([...made].sort(), made);
      assert.deepEqual(ids(c.find({}).documents), made);
      assert.equal(new Set(made).size, made.length);
    });

    it('keep a given _id', async () => {
      const c = await fresh([]);
      assert.deepEqual(await c.insertMany([{ _id: 'mine', v: 1 }]), ['mine']);
    });

    it('refuse a duplicate _id, within a batch or against stored documents, writing nothing', async () => {
      const c = await fresh([{ _id: 'a' }]);
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'b' }, { _id: 'a' }]));
      await assertRejectsCode('DuplicateKey', () => c.insertMany([{ _id: 'c' }, { _id: 'c' }]));
      assert.deepEqual(ids(c.find({}).documents), ['a']);
    });
  });
});
