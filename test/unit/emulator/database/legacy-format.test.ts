import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

  const collections = () => join(folder.dir, 'collections');
  const peopleJournal = () => join(collections(), 'c1-people.2.journal');
  const oldFiles = () => [...readdirSync(collections()).sort(), readFileSync(join(folder.dir, 'database.json'), 'utf8')];

  it('is converted once: the old files go, the store stays, and progress is reported', async () => {
    const progress: string[] = [];
    let db = await openDatabase(folder.dir, { onMigrationProgress: (p) => progress.push(`${p.collection} ${p.documentsDone}/${p.documents}`) });
    await db.collection('people').insertMany([{ _id: 'new' }]);
    await db.close();
    assert.deepEqual(progress, ['people 0/118', 'rich 0/1']);
    assert.ok(existsSync(join(folder.dir, 'store.mdb')));
    assert.ok(!existsSync(join(folder.dir, 'database.json')) && !existsSync(collections()));
    db = await openDatabase(folder.dir, { onMigrationProgress: () => assert.fail('converted twice') });
    assert.equal(db.collection('people').count(), 119);
    await db.close();
  });

  it('ignores a torn last journal line, which was never acknowledged', async () => {
    appendFileSync(peopleJournal(), '{"p":[{"_id":"torn","v":{"$numberI');
    const db = await openDatabase(folder.dir);
    assert.equal(db.collection('people').count(), 118);
    assert.equal(db.collection('people').count({ _id: 'torn' }), 0);
    await db.close();
  });

  it('refuses a journal damaged before its end, leaving the old folder as it was and released', async () => {
    writeFileSync(peopleJournal(), `garbage\n${readFileSync(peopleJournal(), 'utf8')}`);
    const before = oldFiles();
    await assertRejectsCode('Internal', () => openDatabase(folder.dir));
    assert.deepEqual(oldFiles(), before);
    assert.ok(!existsSync(join(folder.dir, 'store.mdb')) && !existsSync(join(folder.dir, 'store.mdb.migrating')));
    writeFileSync(peopleJournal(), readFileSync(peopleJournal(), 'utf8').replace('garbage\n', ''));
    const db = await openDatabase(folder.dir);
    assert.equal(db.collection('people').count(), 118);
    await db.close();
  });

  it('starts again after a conversion killed midway, from the untouched old folder', async function () {
    this.timeout(60_000);
    // A large collection, so the kill lands while the store is being written.
    const rows = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ p: [{ _id: `bulk${String(i).padStart(6, '0')}`, pad: { $numberInt: String(i) }, text: 'x'.repeat(100) }] })).join('\n');
    const catalogue = JSON.parse(readFileSync(join(folder.dir, 'database.json'), 'utf8')) as { nextFile: number; collections: unknown[] };
    catalogue.collections.push({ name: 'bulk', file: `c${catalogue.nextFile}-bulk`, createdAt: new Date(0).toISOString(), indexes: [] });
    writeFileSync(join(collections(), `c${catalogue.nextFile}-bulk.1.journal`), `${rows}\n`);
    catalogue.nextFile++;
    writeFileSync(join(folder.dir, 'database.json'), JSON.stringify(catalogue));
    const before = oldFiles();
    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(require.resolve('../../../../src/emulator/database'))}).openDatabase(${JSON.stringify(folder.dir)}, { onMigrationProgress: (p) => p.collection === 'bulk' && p.documentsDone >= 20000 && console.log('midway') })`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('midway')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`the conversion ended (${code}) before it could be killed`)));
    });
    await new Promise((r) => child.once('exit', r));
    assert.deepEqual(oldFiles(), before, 'the old folder is untouched');
    assert.ok(!existsSync(join(folder.dir, 'store.mdb')));
    const db = await openDatabase(folder.dir);
    assert.equal(db.collection('bulk').count(), 60_000);
    assert.equal(db.collection('people').count(), 118);
    await db.close();
  });

  it('a journal the snapshot already holds (a compaction cut short) is not replayed twice', async () => {
    const snapshot = readFileSync(join(collections(), 'c1-people.snapshot'), 'utf8');
    const generation = (EJSON.parse(snapshot.split('\n')[0]) as { generation: number }).generation;
    writeFileSync(join(collections(), `c1-people.${generation}.journal`), '{"d":["p001","p002"]}\n');
    const db = await openDatabase(folder.dir);
    assert.equal(db.collection('people').count(), 118);
    await db.close();
  });
});
