import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Decimal128, EJSON, Long, ObjectId, Timestamp } from 'bson';
import { openDatabase } from '../../../../src/emulator/database';
import { assertCode, assertRejectsCode, tempFolder } from './support';


function richDocument(): Record<string, unknown> {
  return {
    _id: 'rich',
    text: 'line one\nline "two" \\ {"$numberInt":"5"} 中文 😀',
    int: 42,
    negative: -7,
    double: 3.25,
    bigInteger: 2 ** 40,
    unsafeInteger: 2 ** 60,
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    negZero: -0,
    yes: true,
    nothing: null,
    when: new Date('2024-02-29T12:34:56.789Z'),
    long: Long.fromString('9223372036854775807'),
    decimal: Decimal128.fromString('1234.5678901234567890'),
    oid: new ObjectId('65f0c0ffee0000000000abcd'),
    binary: new Binary(Buffer.from([0, 1, 2, 255])),
    stamp: new Timestamp({ t: 1700000000, i: 3 }),
    nested: { deep: { deeper: [1, { x: new Date(0) }, [2, 3]] } },
    empty: {},
    list: [],
  };
}

describe('database persistence', () => {
  let folder: ReturnType<typeof tempFolder>;
  beforeEach(() => {
    folder = tempFolder();
  });
  afterEach(() => folder.remove());

  it('keeps data, types, collections and indexes across close and open', async () => {
    let db = await openDatabase(folder.dir);
    const c = await db.createCollection('things');
    await c.insertMany([richDocument(), { _id: 'plain', v: 1 }]);
    await c.createIndex({ keys: [{ field: 'v', direction: -1 }], unique: true, name: 'v_desc' });
    await db.createCollection('empty');
    await c.update({ _id: 'plain' }, { $set: { v: 2 } }, { multi: false });
    await db.close();

    db = await openDatabase(folder.dir);
    assert.deepEqual(
      db.listCollections().map((i) => [i.name, i.count, i.indexCount]),
      [
        ['empty', 0, 1],
        ['things', 2, 2],
      ],
    );
    const again = db.collection('things');
    const [rich] = again.find({ _id: 'rich' }).documents;
    // EJSON (canonical) of both sides compares every type and value exactly.
    assert.equal(EJSON.stringify(rich, { relaxed: false }), EJSON.stringify(richDocument(), { relaxed: false }));
    assert.ok(Object.is(rich.negZero, -0));
    assert.deepEqual(again.listIndexes()[1], { name: 'v_desc', keys: [{ field: 'v', direction: -1 }], unique: true });
    assert.equal(again.explain({ v: 2 }).index, 'v_desc');
    await assertRejectsCode('DuplicateKey', () => again.insertMany([{ v: 2 }]));
    await db.close();
  });

  it('keeps a dropped collection dropped, and a new one of the same name starts empty', async () => {
    let db = await openDatabase(folder.dir);
    await (await db.createCollection('gone')).insertMany([{ a: 1 }]);
    await db.dropCollection('gone');
    assert.deepEqual(db.listCollections(), []);
    await db.createCollection('gone');
    await db.close();
    db = await openDatabase(folder.dir);
    assert.equal(db.collection('gone').count(), 0);
    await db.close();
  });

  it('refuses every call after close', async () => {
    const db = await openDatabase(folder.dir);
    const c = await db.createCollection('x');
    await db.close();
    assertCode('Internal', () => db.listCollections());
    assertCode('Internal', () => c.find({}));
    await assertRejectsCode('Internal', () => c.insertMany([{ a: 1 }]));
  });

  describe('the lock', () => {
    it('refuses a second open in the same process', async () => {
      const db = await openDatabase(folder.dir);
      await assertRejectsCode('EnvironmentLocked', () => openDatabase(folder.dir));
      await db.close();
      await (await openDatabase(folder.dir)).close();
    });

    it('refuses an open while another process holds it, naming that process', async function () {
      // A second process loading the engine is slow on a busy machine.
      this.timeout(90_000);
      const child = spawn(
        process.execPath,
        ['-e', `require(${JSON.stringify(require.resolve('../../../../src/emulator/database'))}).openDatabase(${JSON.stringify(folder.dir)}).then(() => console.log('open'))`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
          child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
        });
        await assert.rejects(openDatabase(folder.dir), (e: Error & { code?: string }) => e.code === 'EnvironmentLocked' && e.message.includes(String(child.pid)));
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      // The killed owner left its lock behind; it is stale now and taken over.
      await (await openDatabase(folder.dir)).close();
    });

    it('takes over a stale lock of a dead process', async () => {
      writeFileSync(join(folder.dir, 'LOCK'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
      const db = await openDatabase(folder.dir);
      assert.equal(JSON.parse(readFileSync(join(folder.dir, 'LOCK'), 'utf8')).pid, process.pid);
      await db.close();
      assert.equal(existsSync(join(folder.dir, 'LOCK')), false);
    });
  });

});
