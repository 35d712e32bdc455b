/** Database.writeBatch: several collections written all or nothing, with preconditions. */
import { strict as assert } from 'node:assert';
import { openDatabase, type Database } from '../../../../src/emulator/database';
import { assertRejectsCode, collectionWith, scratchDatabase } from './support';

describe('database writeBatch', function () {
  let db: Database;
  let dir: string;
  let dispose: () => Promise<void>;

  beforeEach(async function () {
    ({ db, dir, dispose } = await scratchDatabase());
    await collectionWith(db, 'a', [{ _id: 'x', n: 1 }]);
    await collectionWith(db, 'b', [{ _id: 'y', n: 2 }]);
  });
  afterEach(async function () {
    await dispose();
  });

  const state = () => ({ a: db.collection('a').find({}).documents, b: db.collection('b').find({}).documents });

  it('applies inserts, updates and removes across collections and answers each', async function () {
    const res = await db.writeBatch([
      { collection: 'a', op: 'expect', id: 'x', document: { _id: 'x', n: 1 } },
      { collection: 'a', op: 'update', filter: { _id: 'x' }, update: { $inc: { n: 1 } }, options: { multi: false } },
      { collection: 'b', op: 'insert', documents: [{ _id: 'z', n: 3 }] },
      { collection: 'b', op: 'remove', filter: { _id: 'y' }, options: { multi: false } },
    ]);
    assert.deepEqual(res.results, [null, { matched: 1, modified: 1 }, ['z'], 1]);
    assert.deepEqual(state(), { a: [{ _id: 'x', n: 2 }], b: [{ _id: 'z', n: 3 }] });
  });

  const refusals: { name: string; code: 'TransactionConflict' | 'DuplicateKey' | 'CollectionNotFound'; writes: Parameters<Database['writeBatch']>[0] }[] = [
    {
      name: 'a document that differs from the expected one',
      code: 'TransactionConflict',
      writes: [
        { collection: 'b', op: 'insert', documents: [{ _id: 'z' }] },
        { collection: 'a', op: 'expect', id: 'x', document: { _id: 'x', n: 99 } },
      ],
    },
    { name: 'a document expected absent that exists', code: 'TransactionConflict', writes: [{ collection: 'a', op: 'expect', id: 'x', document: null }] },
    {
      name: 'a failing write after others went through (duplicate _id)',
      code: 'DuplicateKey',
      writes: [
        { collection: 'a', op: 'update', filter: { _id: 'x' }, update: { $set: { n: 5 } }, options: { multi: false } },
        { collection: 'a', op: 'remove', filter: { _id: 'x' }, options: { multi: false } },
        { collection: 'b', op: 'insert', documents: [{ _id: 'y' }] },
      ],
    },
    { name: 'a missing collection', code: 'CollectionNotFound', writes: [{ collection: 'a', op: 'insert', documents: [{ _id: 'q' }] }, { collection: 'nope', op: 'insert', documents: [{}] }] },
  ];
  for (const r of refusals) {
    it(`changes nothing for ${r.name} (${r.code})`, async function () {
      const before = state();
      await assertRejectsCode(r.code, () => db.writeBatch(r.writes));
      assert.deepEqual(state(), before);
    });
  }

  it('is durable once it returns', async function () {
    await db.writeBatch([{ collection: 'a', op: 'insert', documents: [{ _id: 'kept' }] }]);
    await db.close();
    const reopened = await openDatabase(dir);
    try {
      assert.equal(reopened.collection('a').count({ _id: 'kept' }), 1);
    } finally {
      await reopened.close();
    }
  });
});
