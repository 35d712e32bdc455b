import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { openDatabase } from '../../../../src/emulator/database';
import { assertRejectsCode, tempFolder } from './support';

/** A data folder written by the journal/snapshot engine (test/fixtures/make-legacy-database.cjs). */
const LEGACY = join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'legacy-database');

describe('a data folder in the journal/snapshot format', () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => {
    folder = tempFolder();
    cpSync(LEGACY, folder.dir, { recursive: true });
  });
  afterEach(() => folder.remove());

  it('opens with every collection, document, index and permission it holds', async () => {
    const db = await openDatabase(folder.dir);
    try {
      assert.deepEqual(
        db.listCollections().map((c) => [c.name, c.count, c.indexCount]),
        [
          ['empty', 0, 1],
          ['people', 118, 3],
          ['rich', 1, 1],
        ],
      );
      const people = db.collection('people');
      assert.deepEqual(
        people.listIndexes().map((i) => i.name),
        ['_id_', 'age_name', 'email_1'],
      );
      assert.deepEqual(people.getPermission(), { acl: 'READONLY' });
      assert.equal(people.count({ visits: 1 }), 30);
      assert.equal(people.count({ age: 49 }), 0);
      assert.equal(people.explain({ age: 5 }).index, 'age_name');
      assert.deepEqual(
        people.find({ age: 5 }, { sort: [{ field: 'name', direction: 1 }] }).documents.map((d) => d._id),
        ['p105', 'p055', 'p005'],
      );
      await assertRejectsCode('DuplicateKey', () => people.insertMany([{ email: 'u7@x.cn' }]));

      const [rich] = db.collection('rich').find({}).documents;
      assert.ok(Object.is(rich.negZero, -0));
      assert.equal(
        EJSON.stringify(rich, { relaxed: false }),
        '{"_id":"r1","negZero":{"$numberDouble":"-0.0"},"when":{"$date":{"$numberLong":"1709210096789"}},' +
          '"long":{"$numberLong":"9223372036854775807"},"decimal":{"$numberDecimal":"1234.5678901234567890"},' +
          '"oid":{"$oid":"65f0c0ffee0000000000abcd"},"binary":{"$binary":{"base64":"AAEC/w==","subType":"00"}},' +
          '"stamp":{"$timestamp":{"t":1700000000,"i":3}},"nan":{"$numberDouble":"NaN"},"inf":{"$numberDouble":"Infinity"},' +
          '"nested":{"deep":[{"$numberInt":"1"},{"x":{"$date":{"$numberLong":"0"}}}]},"text":"中文 😀"}',
      );
    } finally {
      await db.close();
    }
  });
});
