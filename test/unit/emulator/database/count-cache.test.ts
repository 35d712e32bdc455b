/**
 * Counts kept between writes: a repeated count answers from the cache, and every kind of write
 * (including one still committing when the count ran, and one that failed) is seen by the next.
 */
import { strict as assert } from 'node:assert';
import type { Database } from '../../../../src/emulator/database';
import { CountCache, countKey } from '../../../../src/emulator/database/count-cache';
import { collectionWith, scratchDatabase } from './support';

describe('count cache', function () {
  describe('the cache itself', function () {
    it('answers a key only at the generation it was counted at', function () {
      const cache = new CountCache();
      const key = countKey({ city: 'Shanghai', age: { $gte: 30 } });
      cache.set(key, 4, 17);
      assert.equal(cache.get(key, 4), 17);
      assert.equal(cache.get(key, 5), undefined);
      assert.equal(cache.get(countKey({ city: 'Beijing', age: { $gte: 30 } }), 4), undefined);
    });

    it('tells apart filters that read alike: types, regular expressions, undefined and absent', function () {
      const keys = [{ n: 1 }, { n: '1' }, { n: 1.5 }, { d: new Date(0) }, { d: 0 }, { s: /^a/ }, { s: /^a/i }, { s: '^a' }, { a: undefined, b: 1 }, { b: 1 }].map(countKey);
      assert.equal(new Set(keys).size, keys.length, JSON.stringify(keys));
    });

    it('keeps the sixteen most recent filters', function () {
      const cache = new CountCache();
      for (let i = 0; i < 17; i++) cache.set(countKey({ n: i }), 1, i);
      assert.equal(cache.get(countKey({ n: 0 }), 1), undefined);
      assert.equal(cache.get(countKey({ n: 16 }), 1), 16);
    });

    it('counts a filter too long to be a key every time', function () {
      assert.equal(countKey({ s: 'x'.repeat(5000) }), undefined);
      const cache = new CountCache();
      cache.set(undefined, 1, 3);
      assert.equal(cache.get(undefined, 1), undefined);
    });
  });

  describe('through a collection', function () {
    let db: Database;
    let dispose: () => Promise<void>;
    const filter = { city: 'Shanghai', age: { $gte: 30 } };
    const count = (): number => db.collection('people').count(filter);

    beforeEach(async function () {
      ({ db, dispose } = await scratchDatabase());
      await collectionWith(db, 'people', [
        { _id: 'a', city: 'Shanghai', age: 31 },
        { _id: 'b', city: 'Shanghai', age: 20 },
        { _id: 'c', city: 'Beijing', age: 40 },
      ]);
      await collectionWith(db, 'other', []);
    });
    afterEach(async function () {
      await dispose();
    });

    it('sees every kind of write after a repeated count', async function () {
      const people = db.collection('people');
      assert.equal(count(), 1);
      assert.equal(count(), 1);
      await people.insertMany([{ _id: 'd', city: 'Shanghai', age: 50 }]);
      assert.equal(count(), 2, 'an insert');
      await people.update({ _id: 'b' }, { $set: { age: 35 } }, { multi: false });
      assert.equal(count(), 3, 'an update that makes a document match');
      await people.remove({ _id: 'a' }, { multi: false });
      assert.equal(count(), 2, 'a remove');
      await db.writeBatch([{ collection: 'people', op: 'insert', documents: [{ _id: 'e', city: 'Shanghai', age: 60 }] }]);
      assert.equal(count(), 3, 'a batch');
      await db.collection('other').insertMany([{ _id: 'x' }]);
      assert.equal(count(), 3, 'a write elsewhere changes nothing here');
      await assert.rejects(people.insertMany([{ _id: 'e', city: 'Shanghai', age: 70 }]));
      assert.equal(count(), 3, 'a failed write');
    });

    it('a count taken while a write is still committing is not kept past the commit', async function () {
      assert.equal(count(), 1);
      const writing = db.collection('people').insertMany([{ _id: 'd', city: 'Shanghai', age: 50 }]);
      const during = count();
      await writing;
      assert.ok(during === 1 || during === 2, `during the commit: ${during}`);
      assert.equal(count(), 2, 'after the commit');
    });

    it('a dropped and recreated collection counts afresh', async function () {
      assert.equal(count(), 1);
      await db.dropCollection('people');
      await collectionWith(db, 'people', [{ _id: 'z', city: 'Shanghai', age: 99 }, { _id: 'y', city: 'Shanghai', age: 98 }]);
      assert.equal(count(), 2);
    });
  });
});
