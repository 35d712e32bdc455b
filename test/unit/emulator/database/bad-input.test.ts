import * as assert from 'node:assert/strict';
import type { ErrorCode } from '../../../../src/shared/errors';
import type { Collection, Database } from '../../../../src/emulator/database/api';
import { MAX_DOCUMENT_BYTES } from '../../../../src/emulator/database';
import { assertCode, assertRejectsCode, scratchDatabase } from './support';

const BAD_NAMES: unknown[] = ['', 'a b', 'a/b', '$x', 'a$b', '.a', '-a', 'a.', 'a..b', 'x'.repeat(65), 'system.users', 'tab\there', '中文', 5, null];
const GOOD_NAMES = ['a', 'A_b-c.d', '9lives', '_x', 'x'.repeat(64), 'todo-items.v2'];

function nested(depth: number): Record<string, unknown> {
  let doc: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) doc = { n: doc };
  return doc;
}

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

/** [what, document, code] */
const BAD_DOCUMENTS: [string, unknown, ErrorCode][] = [
  ['null', null, 'InvalidDocument'],
  ['a number', 5, 'InvalidDocument'],
  ['a string', 'doc', 'InvalidDocument'],
  ['an array', [{ a: 1 }], 'InvalidDocument'],
  ['a Date', new Date(), 'InvalidDocument'],
  ['a $-field', { $set: 1 }, 'InvalidDocument'],
  ['a nested $-field', { a: { $gt: 1 } }, 'InvalidDocument'],
  ['a $-field inside an array', { list: [{ $x: 1 }] }, 'InvalidDocument'],
  ['a numeric _id', { _id: 5 }, 'InvalidDocument'],
  ['an empty _id', { _id: '' }, 'InvalidDocument'],
  ['an object _id', { _id: { a: 1 } }, 'InvalidDocument'],
  ['a function', { f: () => 1 }, 'InvalidDocument'],
  ['a symbol', { s: Symbol('s') }, 'InvalidDocument'],
  ['a Map', { m: new Map() }, 'InvalidDocument'],
  ['an invalid Date', { d: new Date(Number.NaN) }, 'InvalidDocument'],
  ['nesting beyond 100 levels', nested(120), 'InvalidDocument'],
  ['a cycle', cyclic, 'InvalidDocument'],
  ['over 16 MiB', { big: 'x'.repeat(MAX_DOCUMENT_BYTES) }, 'DocumentTooLarge'],
];

/** [what, filter, code] */
const BAD_FILTERS: [string, unknown, ErrorCode][] = [
  ['unknown field operator', { a: { $foo: 1 } }, 'UnknownOperator'],
  ['unknown top-level operator', { $foo: 1 }, 'UnknownOperator'],
  ['unknown operator inside $and', { $and: [{ a: { $bar: 1 } }] }, 'UnknownOperator'],
  ['unknown operator inside $elemMatch', { a: { $elemMatch: { $baz: 1 } } }, 'UnknownOperator'],
  ['unknown expression operator', { $expr: { $frob: [1, 2] } }, 'UnknownOperator'],
  ['$and not an array', { $and: 5 }, 'InvalidQuery'],
  ['$or empty', { $or: [] }, 'InvalidQuery'],
  ['$in not an array', { a: { $in: 5 } }, 'InvalidQuery'],
  ['$nin not an array', { a: { $nin: 'x' } }, 'InvalidQuery'],
  ['bad regular expression', { a: { $regex: '(' } }, 'InvalidQuery'],
  ['operator mixed with a field', { a: { $gt: 1, b: 2 } }, 'InvalidQuery'],
  ['$nor not an array', { $nor: {} }, 'InvalidQuery'],
  ['a string filter', 'a = 1', 'InvalidQuery'],
  ['an array filter', [{ a: 1 }], 'InvalidQuery'],
  ['$where', { $where: 'this.a > 1' }, 'NotSupported'],
  ['$function', { $expr: { $function: { body: 'return true', args: [], lang: 'js' } } }, 'NotSupported'],
];

/**
 * [what, update, code, refused only because of the stored document's content] applied to
 * { _id: 'x', n: 1, s: 'text', list: [1], obj: { k: 1 } }
 */
const BAD_UPDATES: [string, unknown, ErrorCode, boolean?][] = [
  ['unknown update operator', { $frob: { n: 1 } }, 'UnknownOperator'],
  ['operators mixed with fields', { $set: { n: 2 }, other: 1 }, 'InvalidQuery'],
  ['operator argument not an object', { $set: 5 }, 'InvalidQuery'],
  ['changing _id with $set', { $set: { _id: 'y' } }, 'InvalidDocument'],
  ['changing _id by replacement', { _id: 'y', n: 2 }, 'InvalidDocument'],
  ['$rename onto _id', { $rename: { s: '_id' } }, 'InvalidDocument'],
  ['$unset _id', { $unset: { _id: '' } }, 'InvalidDocument'],
  ['$inc on a string', { $inc: { s: 1 } }, 'InvalidQuery', true],
  ['$inc by a string', { $inc: { n: 'one' } }, 'InvalidQuery'],
  ['$mul on an object', { $mul: { obj: 2 } }, 'InvalidQuery', true],
  ['$push onto a number', { $push: { n: 1 } }, 'InvalidQuery', true],
  ['$addToSet onto a string', { $addToSet: { s: 'x' } }, 'InvalidQuery', true],
  ['$set a field inside a number', { $set: { 'n.inner': 1 } }, 'InvalidQuery', true],
  ['$set a $-field', { $set: { $x: 1 } }, 'InvalidQuery'],
  ['$set an empty path segment', { $set: { 'a..b': 1 } }, 'InvalidQuery'],
  ['$set conflicting paths', { $set: { n: 2 }, $inc: { n: 1 } }, 'InvalidQuery'],
  ['$set a value with a $-field', { $set: { obj: { $bad: 1 } } }, 'InvalidDocument'],
  ['$set making the document too large', { $set: { big: 'x'.repeat(MAX_DOCUMENT_BYTES) } }, 'DocumentTooLarge'],
  ['a replacement with a $-field inside', { ok: { $no: 1 } }, 'InvalidDocument'],
  ['not an object', [{ $set: { n: 1 } }], 'InvalidQuery'],
];

const ORIGINAL = { _id: 'x', n: 1, s: 'text', list: [1], obj: { k: 1 } };

describe('database bad input', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let c: Collection;

  before(async () => {
    const s = await scratchDatabase();
    db = s.db;
    dispose = s.dispose;
    c = await db.createCollection('target');
    await c.insertMany([ORIGINAL, { _id: 'y', n: 2, s: 'more', list: [], obj: {} }]);
  });
  after(() => dispose());

  afterEach(() => {
    // Whatever was refused, nothing changed and the database keeps working.
    assert.deepEqual(c.find({ _id: 'x' }).documents[0], ORIGINAL);
    assert.equal(c.count(), 2);
  });

  describe('collection names', () => {
    for (const name of BAD_NAMES) {
      it(`refuses ${JSON.stringify(name)}`, async () => {
        await assertRejectsCode('InvalidCollectionName', () => db.createCollection(name as string));
        assert.equal(db.listCollections().length, 1);
      });
    }
    it(`accepts ${GOOD_NAMES.join(', ')}`, async () => {
      for (const name of GOOD_NAMES) {
        await db.createCollection(name);
        await db.dropCollection(name);
      }
    });
    it('refuses a duplicate, and unknown names', async () => {
      await assertRejectsCode('CollectionExists', () => db.createCollection('target'));
      assertCode('CollectionNotFound', () => db.collection('missing'));
      await assertRejectsCode('CollectionNotFound', () => db.dropCollection('missing'));
    });
  });

  describe('documents', () => {
    for (const [what, doc, code] of BAD_DOCUMENTS) {
      it(`refuses ${what}, writing none of its batch`, async () => {
        await assertRejectsCode(code, () => c.insertMany([{ _id: 'fine', ok: true }, doc as Record<string, unknown>]));
        await assertRejectsCode(code, () => c.insertMany([doc as Record<string, unknown>]));
      });
    }
    it('refuses a batch that is not a list', async () => {
      await assertRejectsCode('InvalidDocument', () => c.insertMany({ a: 1 } as unknown as Record<string, unknown>[]));
    });
  });

  describe('filters', () => {
    for (const [what, filter, code] of BAD_FILTERS) {
      it(`refuses ${what} in find, count, update, remove and aggregate`, async () => {
        const f = filter as Record<string, unknown>;
        assertCode(code, () => c.find(f), 'find');
        assertCode(code, () => c.count(f), 'count');
        await assertRejectsCode(code, () => c.update(f, { $set: { n: 99 } }, { multi: true }), 'update');
        await assertRejectsCode(code, () => c.findOneAndUpdate(f, { $set: { n: 99 } }), 'findOneAndUpdate');
        await assertRejectsCode(code, () => c.remove(f, { multi: true }), 'remove');
        if (typeof filter === 'object' && !Array.isArray(filter)) assertCode(code, () => c.aggregate([{ $match: f }]), 'aggregate');
      });
    }
  });

  describe('find options', () => {
    it('refuse bad sorts, projections, limits and skips', () => {
      assertCode('InvalidQuery', () => c.find({}, { sort: [{ field: '', direction: 1 }] }));
      assertCode('InvalidQuery', () => c.find({}, { sort: [{ field: 'n', direction: 0 as 1 }] }));
      assertCode('InvalidQuery', () => c.find({}, { sort: [{ field: 'n', direction: 1 }, { field: 'n', direction: -1 }] }));
      assertCode('InvalidQuery', () => c.find({}, { sort: { n: 1 } as never }));
      assertCode('InvalidQuery', () => c.find({}, { projection: { n: 1, s: 0 } }));
      assertCode('InvalidQuery', () => c.find({}, { projection: { n: 2 as 1 } }));
      assertCode('InvalidArgument', () => c.find({}, { limit: -1 }));
      assertCode('InvalidArgument', () => c.find({}, { skip: 1.5 }));
    });
  });

  describe('updates', () => {
    for (const [what, update, code, dependsOnDocument] of BAD_UPDATES) {
      it(`refuses ${what}`, async () => {
        const u = update as Record<string, unknown>;
        await assertRejectsCode(code, () => c.update({ _id: 'x' }, u, { multi: false }));
        // In a multi-document update, one bad document stops the whole update.
        await assertRejectsCode(code, () => c.update({}, u, { multi: true }));
        if (!dependsOnDocument) await assertRejectsCode(code, () => c.update({ _id: 'new' }, u, { multi: false, upsert: true }));
      });
    }

    it('refuses an upsert whose filter _id disagrees with the replacement', async () => {
      await assertRejectsCode('InvalidDocument', () => c.update({ _id: 'q' }, { _id: 'other' }, { multi: false, upsert: true }));
    });
  });

  it('still works after all of it', async () => {
    const [id] = await c.insertMany([{ fine: true }]);
    assert.equal(c.find({ fine: true }).documents[0]._id, id);
    await c.remove({ _id: id }, { multi: false });
  });
});
