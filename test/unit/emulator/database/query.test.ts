import * as assert from 'node:assert/strict';
import type { SortKey } from '../../../../src/shared/model';
import type { Collection, FindOptions } from '../../../../src/emulator/database/api';
import { PEOPLE_INDEXES, people } from './fixtures';
import { ids, scratchDatabase } from './support';

/** [what, filter, ids expected in _id order] */
const FILTERS: [string, Record<string, unknown>, string[]][] = [
  ['empty filter', {}, ['p01', 'p02', 'p03', 'p04', 'p05', 'p06']],
  // comparison
  ['implicit equality', { age: 25 }, ['p02', 'p04']],
  ['$eq keeps types apart', { age: { $eq: '25' } }, ['p05']],
  ['$gt brackets by type', { age: { $gt: 25 } }, ['p01', 'p03']],
  ['$gte', { age: { $gte: 25 } }, ['p01', 'p02', 'p03', 'p04']],
  ['$lt', { age: { $lt: 30 } }, ['p02', 'p04']],
  ['$lte and $gt together', { age: { $gt: 25, $lte: 40 } }, ['p01', 'p03']],
  ['$ne includes missing', { age: { $ne: 25 } }, ['p01', 'p03', 'p05', 'p06']],
  ['$in', { age: { $in: [25, 40] } }, ['p02', 'p03', 'p04']],
  ['$nin', { age: { $nin: [25, 40] } }, ['p01', 'p05', 'p06']],
  ['string range', { city: { $gte: 'S' } }, ['p01', 'p03', 'p04']],
  ['date range', { born: { $gte: new Date('1990-01-01T00:00:00Z') } }, ['p01', 'p02']],
  ['boolean equality', { active: false }, ['p02']],
  // logical
  ['$and', { $and: [{ city: 'Shanghai' }, { age: { $gt: 35 } }] }, ['p03']],
  ['$or', { $or: [{ city: 'Beijing' }, { age: 40 }] }, ['p02', 'p03', 'p06']],
  ['$nor', { $nor: [{ city: 'Beijing' }, { active: true }] }, ['p05']],
  ['$not', { age: { $not: { $gt: 30 } } }, ['p02', 'p04', 'p05', 'p06']],
  ['$and with the same field twice', { $and: [{ age: { $gte: 25 } }, { age: { $lt: 40 } }] }, ['p01', 'p02', 'p04']],
  // element
  ['$exists true', { nick: { $exists: true } }, ['p03']],
  ['$exists false', { address: { $exists: false } }, ['p03', 'p05', 'p06']],
  ['$type string', { age: { $type: 'string' } }, ['p05']],
  ['null matches null and missing', { nick: null }, ['p01', 'p02', 'p03', 'p04', 'p05', 'p06']],
  ['null on a present field', { active: null }, ['p05']],
  // arrays
  ['scalar matches an element', { tags: 'a' }, ['p01', 'p04', 'p05']],
  ['$all', { tags: { $all: ['a', 'b'] } }, ['p01']],
  ['$size', { tags: { $size: 0 } }, ['p03']],
  ['whole-array equality', { tags: ['b'] }, ['p02']],
  ['$elemMatch on numbers', { scores: { $elemMatch: { $gte: 90, $lt: 100 } } }, ['p01', 'p03']],
  ['range matches any element', { scores: { $gt: 98 } }, ['p03', 'p05']],
  ['$in on an array field', { tags: { $in: ['c', 'x'] } }, ['p04']],
  ['dot path into an array of documents', { 'pets.kind': 'dog' }, ['p01', 'p03']],
  ['$elemMatch on documents', { pets: { $elemMatch: { kind: 'dog', age: { $gt: 5 } } } }, ['p01']],
  ['range through an array of documents', { 'pets.age': { $lt: 2 } }, ['p04']],
  ['array position', { 'scores.0': 80 }, ['p01']],
  ['nested array position', { 'matrix.1.0': 3 }, ['p06']],
  ['nested document', { 'address.geo.lat': { $gt: 30 } }, ['p01']],
  // regular expressions
  ['regex literal, case-insensitive', { name: /^c/i }, ['p03']],
  ['$regex with $options', { name: { $regex: 'o', $options: 'i' } }, ['p02', 'p04']],
  ['regex on a nested field', { 'address.zip': { $regex: '^1' } }, ['p02']],
  ['$in mixing a regex and a value', { name: { $in: [/^A/, 'Bob'] } }, ['p01', 'p02']],
  // evaluation
  ['$mod', { age: { $mod: [10, 1] } }, ['p01']],
  ['$expr', { $expr: { $eq: ['$city', 'Beijing'] } }, ['p02', 'p06']],
  // _id
  ['_id equality', { _id: 'p03' }, ['p03']],
  ['_id $in', { _id: { $in: ['p05', 'p01', 'zz'] } }, ['p01', 'p05']],
  ['_id range', { _id: { $gt: 'p04' } }, ['p05', 'p06']],
  ['_id and another field', { _id: 'p03', city: 'Beijing' }, []],
];

const asc = (field: string): SortKey => ({ field, direction: 1 });
const desc = (field: string): SortKey => ({ field, direction: -1 });

/** [what, filter, options, ids expected in that order] */
const PAGES: [string, Record<string, unknown>, FindOptions, string[]][] = [
  ['sort across types: missing, numbers, strings', {}, { sort: [asc('age')] }, ['p06', 'p02', 'p04', 'p01', 'p03', 'p05']],
  ['sort on two keys', {}, { sort: [asc('city'), desc('age')] }, ['p02', 'p06', 'p05', 'p03', 'p01', 'p04']],
  ['arrays sort by their largest element descending', {}, { sort: [desc('scores')] }, ['p05', 'p03', 'p01', 'p02', 'p04', 'p06']],
  ['arrays sort by their smallest element ascending', {}, { sort: [asc('scores')] }, ['p04', 'p06', 'p02', 'p03', 'p01', 'p05']],
  ['strings sort by code point', {}, { sort: [asc('name')] }, ['p01', 'p02', 'p04', 'p05', 'p06', 'p03']],
  ['_id descending', {}, { sort: [desc('_id')] }, ['p06', 'p05', 'p04', 'p03', 'p02', 'p01']],
  ['nested field sort', {}, { sort: [desc('address.zip')] }, ['p04', 'p01', 'p02', 'p03', 'p05', 'p06']],
  ['date sort, missing first', {}, { sort: [asc('born')] }, ['p04', 'p05', 'p06', 'p03', 'p01', 'p02']],
  ['skip and limit', {}, { sort: [asc('age')], skip: 1, limit: 2 }, ['p02', 'p04']],
  ['limit without sort follows _id', {}, { limit: 3 }, ['p01', 'p02', 'p03']],
  ['skip past the end', {}, { skip: 10 }, []],
  ['filter, sort and limit', { active: true }, { sort: [desc('age')], limit: 2 }, ['p03', 'p01']],
  ['equality plus sort on the next index field', { city: 'Shanghai' }, { sort: [desc('age')] }, ['p03', 'p01']],
];

describe('database queries', () => {
  let dispose: () => Promise<void>;
  let plain: Collection;
  let indexed: Collection;

  before(async () => {
    const s = await scratchDatabase();
    dispose = s.dispose;
    plain = await s.db.createCollection('plain');
    await plain.insertMany(people());
    indexed = await s.db.createCollection('indexed');
    for (const spec of PEOPLE_INDEXES) await indexed.createIndex(spec);
    await indexed.insertMany(people());
  });
  after(() => dispose());

  describe('filters (same answers with and without indexes)', () => {
    for (const [what, filter, expected] of FILTERS) {
      it(what, () => {
        assert.deepEqual(ids(plain.find(filter).documents), expected, 'without indexes');
        assert.deepEqual(ids(indexed.find(filter).documents), expected, 'with indexes');
        assert.equal(plain.count(filter), expected.length, 'count');
        assert.equal(indexed.count(filter), expected.length, 'count with indexes');
      });
    }
  });

  describe('sort, skip and limit', () => {
    for (const [what, filter, options, expected] of PAGES) {
      it(what, () => {
        assert.deepEqual(ids(plain.find(filter, options).documents), expected, 'without indexes');
        assert.deepEqual(ids(indexed.find(filter, options).documents), expected, 'with indexes');
      });
    }
  });

  describe('projection', () => {
    it('includes fields, keeping _id', () => {
      assert.deepEqual(plain.find({ _id: 'p01' }, { projection: { name: 1, age: 1 } }).documents, [{ _id: 'p01', name: 'Ann', age: 31 }]);
    });
    it('can drop _id', () => {
      assert.deepEqual(plain.find({ _id: 'p02' }, { projection: { name: 1, _id: 0 } }).documents, [{ name: 'Bob' }]);
    });
    it('excludes fields', () => {
      const [doc] = plain.find({ _id: 'p05' }, { projection: { tags: 0, scores: 0, active: 0 } }).documents;
      assert.deepEqual(doc, { _id: 'p05', name: 'Eve', age: '25', city: 'Hangzhou' });
    });
    it('includes nested paths', () => {
      assert.deepEqual(plain.find({ _id: 'p01' }, { projection: { 'address.zip': 1 } }).documents, [{ _id: 'p01', address: { zip: '200000' } }]);
    });
    it('applies after sort and limit', () => {
      const docs = plain.find({}, { sort: [desc('age')], limit: 2, projection: { age: 1 } }).documents;
      assert.deepEqual(docs, [
        { _id: 'p05', age: '25' },
        { _id: 'p03', age: 40 },
      ]);
    });
  });

  describe('returned documents', () => {
    it('keep Dates, nested documents and arrays', () => {
      const [doc] = plain.find({ _id: 'p01' }).documents;
      assert.ok(doc.born instanceof Date);
      assert.equal((doc.born as Date).toISOString(), '1993-04-01T00:00:00.000Z');
      assert.deepEqual(doc.pets, [
        { kind: 'cat', age: 3 },
        { kind: 'dog', age: 7 },
      ]);
    });
    it('are copies: changing them changes nothing stored', () => {
      const [doc] = plain.find({ _id: 'p01' }).documents;
      (doc.tags as string[]).push('zzz');
      (doc.address as { zip: string }).zip = 'changed';
      doc.name = 'changed';
      const [again] = plain.find({ _id: 'p01' }).documents;
      assert.deepEqual(again.tags, ['a', 'b']);
      assert.equal((again.address as { zip: string }).zip, '200000');
      assert.equal(again.name, 'Ann');
    });
  });
});
