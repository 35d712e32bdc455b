import { strict as assert } from 'node:assert';
import { openLocalEnvironment, type OpenedLocalEnvironment } from '../../../../src/cloud/local/index';
import { copyCollection, reportOf, type CopyReport } from '../../../../src/cloud/transfer/copyCollection';
import { anonymiserFor, parseAnonymiseRules } from '../../../../src/cloud/transfer/anonymise';
import type { DatabaseApi } from '../../../../src/cloud/backend';
import type { DocumentJson, JsonObject } from '../../../../src/shared/model';
import { startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';
import { makeProject, type TestProject } from '../../emulator/server/support';

const FAST = { perSecond: 1000, retryDelayMs: 1 };

async function everything(db: DatabaseApi, collection: string): Promise<DocumentJson[]> {
  const out: DocumentJson[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.queryDocuments(collection, { sort: [{ field: '_id', direction: 1 }] }, { limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function people(n: number, from = 0): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    _id: `p${String(from + i).padStart(5, '0')}`,
    n: from + i,
    name: `Person ${from + i}`,
    phone: `1380000${String(from + i).padStart(4, '0')}`,
    joined: { $date: '2026-01-10T08:00:00.000Z' },
    tags: i % 2 === 0 ? ['even'] : ['odd'],
  }));
}

describe('copying a collection between environments', function () {
  this.timeout(120_000);
  let projects: TestProject[];
  let a: OpenedLocalEnvironment;
  let b: OpenedLocalEnvironment;

  beforeEach(async function () {
    projects = [makeProject('cbs-copy-a-'), makeProject('cbs-copy-b-')];
    a = await openLocalEnvironment({ projectRoot: projects[0].root });
    b = await openLocalEnvironment({ projectRoot: projects[1].root });
    await a.backend.database.createCollection('people');
    await a.backend.database.insertDocuments('people', people(2500));
  });
  afterEach(async function () {
    await a?.close();
    await b?.close();
    for (const p of projects) p.remove();
  });

  it('copies every document local → local in pages of at most 1,000, with progress and an exact report', async function () {
    const progress: number[] = [];
    const report = await copyCollection({
      source: a.backend.database,
      target: b.backend.database,
      collection: 'people',
      mode: 'insert',
      pacing: FAST,
      onProgress: (p) => progress.push(p.read),
    });
    assert.equal(report.complete, true);
    assert.deepEqual([report.read, report.written, report.skipped, report.failures.length], [2500, 2500, 0, 0]);
    assert.deepEqual(progress, [0, 1000, 2000, 2500]);
    assert.deepEqual(await everything(b.backend.database, 'people'), await everything(a.backend.database, 'people'));
  });

  it('insert skips what the target has, upsert replaces it, replace empties the target first', async function () {
    const target = b.backend.database;
    await target.createCollection('people');
    await target.insertDocuments('people', [{ _id: 'p00001', n: -1 }, { _id: 'zz-only-in-target', n: -2 }]);
    const insert = await copyCollection({ source: a.backend.database, target, collection: 'people', mode: 'insert', pacing: FAST });
    assert.deepEqual([insert.written, insert.skipped], [2499, 1]);
    assert.equal((await target.getDocument('people', 'p00001'))?.n, -1, 'insert leaves the target\'s document');

    const upsert = await copyCollection({ source: a.backend.database, target, collection: 'people', mode: 'upsert', pacing: FAST });
    assert.deepEqual([upsert.written, upsert.skipped], [2500, 0]);
    assert.equal((await target.getDocument('people', 'p00001'))?.n, 1, 'upsert replaces it');
    assert.equal(await target.countDocuments('people'), 2501);

    const replace = await copyCollection({ source: a.backend.database, target, collection: 'people', mode: 'replace', pacing: FAST });
    assert.equal(replace.written, 2500);
    assert.equal(await target.getDocument('people', 'zz-only-in-target'), undefined, 'replace removed what only the target had');
    assert.equal(await target.countDocuments('people'), 2500);
  });

  it('copies only what the filter names, at most the sample, into another name, with indexes and the rule when asked', async function () {
    const source = a.backend.database;
    await source.createIndex('people', { name: 'by_n', keys: [{ field: 'n', direction: -1 }], unique: true });
    await source.setPermission!('people', { acl: 'READONLY' });
    const report = await copyCollection({
      source,
      target: b.backend.database,
      collection: 'people',
      targetCollection: 'sample',
      filter: { tags: 'even' },
      sample: 300,
      mode: 'insert',
      indexes: true,
      permission: true,
      pageSize: 128,
      pacing: FAST,
    });
    assert.deepEqual([report.read, report.written], [300, 300]);
    const copied = await everything(b.backend.database, 'sample');
    assert.equal(copied.length, 300);
    assert.ok(copied.every((d) => (d.tags as string[])[0] === 'even'));
    assert.deepEqual(report.indexesCreated, ['by_n']);
    assert.ok((await b.backend.database.listIndexes('sample')).some((i) => i.name === 'by_n' && i.unique));
    assert.deepEqual(await b.backend.database.getPermission!('sample'), { acl: 'READONLY' });
  });

  it('a cancelled copy resumes from its checkpoint and ends with exactly the source, nothing counted twice', async function () {
    const controller = new AbortController();
    const first = await copyCollection({
      source: a.backend.database,
      target: b.backend.database,
      collection: 'people',
      mode: 'insert',
      pacing: FAST,
      signal: controller.signal,
      onProgress: (p) => p.read >= 1000 && controller.abort(),
    });
    assert.equal(first.cancelled, true);
    assert.equal(first.complete, false);
    assert.equal(first.afterId, 'p00999');
    const rest = await copyCollection({ source: a.backend.database, target: b.backend.database, collection: 'people', mode: 'insert', pacing: FAST, resume: first });
    assert.equal(rest.complete, true);
    assert.deepEqual([rest.read, rest.written, rest.skipped], [2500, 2500, 0]);
    assert.deepEqual(await everything(b.backend.database, 'people'), await everything(a.backend.database, 'people'));
  });

  it('anonymises on copy with the project\'s rules, the same way every time', async function () {
    const rules = parseAnonymiseRules(JSON.stringify({ salt: 's', collections: { people: { name: 'name', phone: 'phone', tags: 'hash', joined: { shiftDays: -10 }, n: 'drop' } } }));
    const transform = anonymiserFor(rules, 'people');
    await copyCollection({ source: a.backend.database, target: b.backend.database, collection: 'people', mode: 'insert', sample: 50, transform, pacing: FAST });
    const [original] = await everything(a.backend.database, 'people');
    const [copy] = await everything(b.backend.database, 'people');
    assert.equal(copy._id, original._id);
    assert.equal(copy.n, undefined);
    assert.notEqual(copy.name, original.name);
    assert.match(String(copy.phone), /^1[3-9]\d{9}$/);
    assert.notEqual(copy.phone, original.phone);
    assert.deepEqual(copy.joined, { $date: '2025-12-31T08:00:00Z' });
    assert.match(String((copy.tags as string[])[0]), /^[0-9a-f]{24}$/);
    assert.deepEqual(transform!(original), transform!(original), 'deterministic');
    assert.equal(anonymiserFor(rules, 'other'), undefined);
  });

  it('refuses a rules file that is wrong, naming what is wrong', function () {
    assert.throws(() => parseAnonymiseRules('{'), /not valid JSON/);
    assert.throws(() => parseAnonymiseRules('{"collections":{"u":{"a":"scramble"}}}'), /"u\.a" must be/);
    assert.throws(() => parseAnonymiseRules('{"collections":{"u":{"a.__proto__":"drop"}}}'), /not a usable field path/);
    assert.throws(() => parseAnonymiseRules('{"collections":{"u":{"_id":"hash"}}}'), /_id cannot be anonymised/);
  });
});

describe('copying a collection to a Tencent environment (the fake cloud through manager-node)', function () {
  this.timeout(120_000);
  let project: TestProject;
  let local: OpenedLocalEnvironment;
  let h: Harness;

  beforeEach(async function () {
    project = makeProject('cbs-copy-t-');
    local = await openLocalEnvironment({ projectRoot: project.root });
    await local.backend.database.createCollection('orders');
    await local.backend.database.insertDocuments('orders', people(1200).map((d) => ({ ...d, total: d.n })));
    h = await startHarness();
  });
  afterEach(async function () {
    await h?.close();
    await local?.close();
    project?.remove();
  });

  it('rides out injected throttling and 5xx, and ends with exactly the source', async function () {
    h.fake.inject('PutItem', { kind: 'throttle' }, 4);
    h.fake.inject('QueryRecords', { kind: 'serverError', status: 503 }, 2);
    const report = await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', pacing: FAST });
    assert.equal(report.complete, true);
    assert.deepEqual([report.read, report.written, report.skipped, report.failures.length], [1200, 1200, 0, 0]);
    assert.ok(report.retried > 0, 'the 5xx answers were retried');
    assert.deepEqual(await everything(h.backend.database, 'orders'), await everything(local.backend.database, 'orders'));
  });

  it('a second insert copy skips what the first wrote', async function () {
    await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', filter: { n: { $lt: 25 } }, pacing: FAST });
    const again = await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', sample: 30, pacing: FAST });
    assert.deepEqual([again.written, again.skipped], [5, 25]);
  });

  it('keeps under the request rate it is given', async function () {
    const started = Date.now();
    const report = await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', pageSize: 200, pacing: { perSecond: 20, retryDelayMs: 1 } });
    const seconds = (Date.now() - started) / 1000;
    assert.ok(report.requests / seconds <= 21, `${report.requests} requests in ${seconds.toFixed(2)} s`);
  });

  it('a copy that fails for good says where it stopped, and the resumed copy neither loses nor duplicates', async function () {
    h.fake.inject('PutItem', { kind: 'serverError', status: 500 });
    let failed: CopyReport | undefined;
    const progress: number[] = [];
    await assert.rejects(
      copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', pageSize: 500, pacing: { ...FAST, retries: 2 }, onProgress: (p) => progress.push(p.read) }),
      (e: unknown) => {
        failed = reportOf(e);
        return true;
      },
    );
    assert.ok(failed);
    assert.equal(failed.complete, false);
    assert.equal(failed.written, 0);
    h.fake.clearFaults();
    const resumed = await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', pageSize: 500, pacing: FAST, resume: failed });
    assert.equal(resumed.complete, true);
    assert.deepEqual([resumed.written, resumed.skipped], [1200, 0]);
    assert.deepEqual(await everything(h.backend.database, 'orders'), await everything(local.backend.database, 'orders'));
  });
});
