import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalDatabaseApi } from '../../../../src/cloud/local/local-backend';
import { openDatabase } from '../../../../src/emulator/database/index';
import type { Database } from '../../../../src/emulator/database/api';
import { exportDocuments, importDocuments } from '../../../../src/extension/database/importExport';
import { isStudioError } from '../../../../src/shared/errors';
import type { DocumentJson } from '../../../../src/shared/model';
import { tempFolder } from '../../emulator/database/support';

describe('import and export', function () {
  let folder: ReturnType<typeof tempFolder>;
  let engine: Database;
  let db: LocalDatabaseApi;
  const file = (name: string, text: string): string => {
    const path = join(folder.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const all = async (): Promise<DocumentJson[]> => (await db.queryDocuments('items', {}, { limit: 1000 })).items;

  beforeEach(async function () {
    folder = tempFolder('cbs-import-');
    engine = await openDatabase(join(folder.dir, 'db'));
    db = new LocalDatabaseApi(engine);
    await db.createCollection('items');
  });
  afterEach(async function () {
    await engine.close();
    folder.remove();
  });

  it('imports good JSON Lines completely, in batches, reporting progress', async function () {
    const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify({ n: i, at: { $date: '2026-01-01T00:00:00Z' } }));
    const progress: number[] = [];
    const report = await importDocuments(db, 'items', file('a.jsonl', `${lines.join('\n')}\n`), {
      format: 'jsonl',
      mode: 'insert',
      batchSize: 10,
      onProgress: (p) => progress.push(p.written),
    });
    assert.deepEqual(report, { read: 25, written: 25, failures: [], cancelled: false });
    assert.deepEqual(progress, [10, 20, 25]);
    assert.equal(await db.countDocuments('items'), 25);
    const [first] = await all();
    assert.deepEqual(first.at, { $date: '2026-01-01T00:00:00Z' }, 'Extended JSON dates become dates');
  });

  it('reports every bad line by number and writes exactly the good ones', async function () {
    await db.insertDocuments('items', [{ _id: 'taken', n: 0 }]);
    const text = [
      '{"_id": "a", "n": 1}',
      '{"n": 2',
      '',
      '[1, 2]',
      '{"_id": "taken", "n": 3}',
      '{"_id": "b", "n": 4}',
      '{"_id": 5}',
    ].join('\n');
    const report = await importDocuments(db, 'items', file('b.jsonl', text), { format: 'jsonl', mode: 'insert', batchSize: 100 });
    assert.equal(report.read, 6);
    assert.equal(report.written, 2);
    assert.deepEqual(report.failures.map((f) => f.line), [2, 4, 5, 7]);
    assert.match(report.failures[0].message, /JSON/);
    assert.match(report.failures[2].message, /taken|duplicate/i);
    assert.deepEqual((await all()).map((d) => d._id).sort(), ['a', 'b', 'taken']);
    assert.equal((await db.getDocument('items', 'taken'))?.n, 0, 'insert mode never overwrites');
  });

  it('upsert mode replaces documents with the same _id and inserts the rest', async function () {
    await db.insertDocuments('items', [{ _id: 'x', n: 1, old: true }]);
    const text = '[\n  {"_id": "x", "n": 2},\n  {"n": 3},\n  "nope"\n]\n';
    const report = await importDocuments(db, 'items', file('c.json', text), { format: 'json', mode: 'upsert' });
    assert.equal(report.written, 2);
    assert.deepEqual(report.failures, [{ line: 4, message: 'A document must be a JSON object.' }]);
    const x = await db.getDocument('items', 'x');
    assert.deepEqual(x, { _id: 'x', n: 2 });
    assert.equal(await db.countDocuments('items'), 2);
  });

  it('reads CSV: typed cells, dotted headers nest, bad cells reported by line', async function () {
    const text = 'name,age,address.city,tags,ok\nann,30,Shanghai,"[""a""]",true\nbob,x,,{bad,false\ncy,,Beijing,,\n';
    const report = await importDocuments(db, 'items', file('d.csv', text), { format: 'csv', mode: 'insert' });
    assert.equal(report.written, 2);
    assert.deepEqual(report.failures.map((f) => f.line), [3]);
    const ann = (await db.queryDocuments('items', { filter: { name: 'ann' } }, { limit: 1 })).items[0];
    assert.deepEqual({ ...ann, _id: undefined }, { _id: undefined, name: 'ann', age: 30, address: { city: 'Shanghai' }, tags: ['a'], ok: true });
    const cy = (await db.queryDocuments('items', { filter: { name: 'cy' } }, { limit: 1 })).items[0];
    assert.deepEqual(Object.keys(cy).sort(), ['_id', 'address', 'name']);
  });

  it('a cancel stops between batches and says how many were written', async function () {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ n: i }));
    const controller = new AbortController();
    const report = await importDocuments(db, 'items', file('e.jsonl', lines.join('\n')), {
      format: 'jsonl',
      mode: 'insert',
      batchSize: 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.written >= 20) controller.abort();
      },
    });
    assert.equal(report.cancelled, true);
    assert.equal(report.written, 20);
    assert.equal(await db.countDocuments('items'), 20);
  });

  it('exports by cursor pages, the whole collection or a query, and round-trips each format', async function () {
    const docs = Array.from({ length: 23 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, n: i, at: { $date: '2026-02-03T04:05:06Z' }, nested: { a: [i] } }));
    await db.insertDocuments('items', docs);
    for (const format of ['jsonl', 'json', 'csv'] as const) {
      const path = join(folder.dir, `out.${format}`);
      const count = await exportDocuments(db, 'items', path, { format, pageSize: 5 });
      assert.equal(count, 23);
      await db.createCollection(`copy_${format}`);
      const report = await importDocuments(db, `copy_${format}`, path, { format, mode: 'insert' });
      assert.deepEqual(report.failures, [], format);
      assert.equal(report.written, 23, format);
      const copied = (await db.queryDocuments(`copy_${format}`, {}, { limit: 100 })).items;
      assert.deepEqual(copied, await all(), `${format} round-trips`);
    }
    const path = join(folder.dir, 'query.jsonl');
    assert.equal(await exportDocuments(db, 'items', path, { format: 'jsonl', query: { filter: { n: { $gte: 20 } } } }), 3);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 3);
    assert.deepEqual(readdirSync(folder.dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary files left');
  });

  it('a failed export leaves an existing target untouched', async function () {
    const path = file('keep.jsonl', 'old\n');
    await assert.rejects(exportDocuments(db, 'missing', path, { format: 'jsonl' }), (e: unknown) => isStudioError(e, 'CollectionNotFound'));
    assert.equal(readFileSync(path, 'utf8'), 'old\n');
    assert.ok(existsSync(path));
    assert.deepEqual(readdirSync(folder.dir).filter((n) => n.endsWith('.tmp')), []);
  });
});
