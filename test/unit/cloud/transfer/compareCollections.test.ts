import { strict as assert } from 'node:assert';
import { openLocalEnvironment, type OpenedLocalEnvironment } from '../../../../src/cloud/local/index';
import { compareCollections, compareReportOf, differingFields, type CompareProgress } from '../../../../src/cloud/transfer/compareCollections';
import { copyCollection } from '../../../../src/cloud/transfer/copyCollection';
import type { DatabaseApi } from '../../../../src/cloud/backend';
import { isStudioError } from '../../../../src/shared/errors';
import type { DocumentQuery, JsonObject, PageRequest } from '../../../../src/shared/model';
import { startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';
import { makeProject, type TestProject } from '../../emulator/server/support';

const FAST = { perSecond: 1000, retryDelayMs: 1 };

function people(n: number, from = 0): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    _id: `p${String(from + i).padStart(5, '0')}`,
    n: from + i,
    name: `Person ${from + i}`,
    joined: { $date: '2026-01-10T08:00:00.000Z' },
    tags: i % 2 === 0 ? ['even'] : ['odd'],
  }));
}

/** The database with every document query it answers written down. */
function recorded(db: DatabaseApi): { db: DatabaseApi; queries: { query: DocumentQuery; page: PageRequest }[] } {
  const queries: { query: DocumentQuery; page: PageRequest }[] = [];
  const proxy = Object.create(db) as DatabaseApi;
  proxy.queryDocuments = (collection, query, page, signal) => {
    queries.push({ query, page });
    return db.queryDocuments(collection, query, page, signal);
  };
  return { db: proxy, queries };
}

describe('comparing a collection between environments', function () {
  this.timeout(120_000);
  let projects: TestProject[];
  let a: OpenedLocalEnvironment;
  let b: OpenedLocalEnvironment;

  beforeEach(async function () {
    projects = [makeProject('cbs-compare-a-'), makeProject('cbs-compare-b-')];
    a = await openLocalEnvironment({ projectRoot: projects[0].root });
    b = await openLocalEnvironment({ projectRoot: projects[1].root });
    await a.backend.database.createCollection('people');
    await a.backend.database.insertDocuments('people', people(2500));
    await b.backend.database.createCollection('people');
    // The same documents, but: p00000…p00009 missing, p00100 and p02499 changed, two only here,
    // and p00200 with its fields in another order (the same document).
    const others = people(2500).filter((d) => Number((d._id as string).slice(1)) >= 10);
    const changed = others.map((d) => {
      if (d._id === 'p00100') return { ...d, name: 'Renamed', extra: true };
      if (d._id === 'p02499') return { ...d, tags: ['odd', 'changed'] };
      if (d._id === 'p00200') return Object.fromEntries(Object.entries(d).reverse());
      return d;
    });
    await b.backend.database.insertDocuments('people', [...changed, { _id: 'p00050x', n: -1 }, { _id: 'zz-last', n: -2 }]);
  });
  afterEach(async function () {
    await a?.close();
    await b?.close();
    for (const p of projects) p.remove();
  });

  it('merges both sides by _id in pages of at most 1,000 and reports counts, one-sided and differing documents', async function () {
    const left = recorded(a.backend.database);
    const right = recorded(b.backend.database);
    const progress: CompareProgress[] = [];
    const report = await compareCollections({ left: left.db, right: right.db, collection: 'people', pacing: FAST, onProgress: (p) => progress.push(p) });
    assert.equal(report.complete, true);
    assert.deepEqual([report.leftCount, report.rightCount], [2500, 2492]);
    assert.deepEqual([report.same, report.different, report.onlyLeft, report.onlyRight], [2488, 2, 10, 2]);
    assert.deepEqual(report.onlyLeftIds, people(10).map((d) => d._id));
    assert.deepEqual(report.onlyRightIds, ['p00050x', 'zz-last']);
    assert.deepEqual(report.differentDocuments, [
      { id: 'p00100', fields: ['name', 'extra'] },
      { id: 'p02499', fields: ['tags'] },
    ]);
    assert.deepEqual([report.leftMissing, report.rightMissing], [false, false]);
    // Bounded reads: every query is one page in _id order after the last id read, never the whole collection.
    for (const { query, page } of [...left.queries, ...right.queries]) {
      assert.ok(page.limit <= 1000, `limit ${page.limit}`);
      assert.deepEqual(query.sort, [{ field: '_id', direction: 1 }]);
      assert.equal(page.cursor, undefined);
    }
    assert.deepEqual(left.queries.map((q) => q.query.filter), [undefined, { _id: { $gt: 'p00999' } }, { _id: { $gt: 'p01999' } }]);
    assert.equal(right.queries.length, 3);
    const last = progress[progress.length - 1];
    assert.deepEqual(last, { leftRead: 2500, rightRead: 2492, leftTotal: 2500, rightTotal: 2492 });
    assert.ok(progress.length >= 4, 'progress after each page');
  });

  it('lists at most listLimit ids of each kind while the counts stay exact', async function () {
    const report = await compareCollections({ left: a.backend.database, right: b.backend.database, collection: 'people', listLimit: 3, pageSize: 100, pacing: FAST });
    assert.deepEqual([report.onlyLeft, report.onlyLeftIds.length, report.different, report.differentDocuments.length], [10, 3, 2, 2]);
    assert.deepEqual(report.onlyLeftIds, ['p00000', 'p00001', 'p00002']);
  });

  it('compares two collections of one environment, and a collection that is not there as empty', async function () {
    const db = a.backend.database;
    await db.createCollection('people_copy');
    await db.insertDocuments('people_copy', people(2500));
    const same = await compareCollections({ left: db, right: db, collection: 'people', rightCollection: 'people_copy', pacing: FAST });
    assert.deepEqual([same.same, same.different, same.onlyLeft, same.onlyRight], [2500, 0, 0, 0]);

    const missing = await compareCollections({ left: db, right: b.backend.database, collection: 'people', rightCollection: 'nowhere', listLimit: 5, pacing: FAST });
    assert.equal(missing.complete, true);
    assert.deepEqual([missing.rightMissing, missing.leftCount, missing.rightCount, missing.onlyLeft, missing.onlyLeftIds.length], [true, 2500, 0, 2500, 5]);
  });

  it('stops when cancelled and says how far it got', async function () {
    const controller = new AbortController();
    const report = await compareCollections({
      left: a.backend.database,
      right: b.backend.database,
      collection: 'people',
      pageSize: 500,
      pacing: FAST,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.leftRead >= 500) controller.abort();
      },
    });
    assert.deepEqual([report.complete, report.cancelled], [false, true]);
    assert.ok(report.leftCount > 0 && report.leftCount < 2500, `${report.leftCount} read`);
  });

  it('refuses a side whose ids do not come in ascending order instead of reporting wrong differences', async function () {
    const backwards = Object.create(b.backend.database) as DatabaseApi;
    backwards.queryDocuments = async (collection, query, page, signal) => {
      const result = await b.backend.database.queryDocuments(collection, query, page, signal);
      return { ...result, items: [...result.items].reverse() };
    };
    await assert.rejects(compareCollections({ left: a.backend.database, right: backwards, collection: 'people', pacing: FAST }), (e: unknown) => {
      assert.ok(isStudioError(e, 'NotSupported'), String(e));
      assert.equal(compareReportOf(e)?.complete, false);
      return true;
    });
  });

  it('names the differing top-level fields, whatever their order', function () {
    assert.deepEqual(differingFields({ _id: 'x', a: { b: 1, c: 2 }, d: 1 }, { _id: 'x', d: 1, a: { c: 2, b: 1 } }), []);
    assert.deepEqual(differingFields({ _id: 'x', a: [1, 2], b: 1 }, { _id: 'x', a: [2, 1], c: null }), ['a', 'b', 'c']);
  });
});

describe('comparing a local collection with a Tencent one (the fake cloud through manager-node)', function () {
  this.timeout(120_000);
  let project: TestProject;
  let local: OpenedLocalEnvironment;
  let h: Harness;

  beforeEach(async function () {
    project = makeProject('cbs-compare-t-');
    local = await openLocalEnvironment({ projectRoot: project.root });
    await local.backend.database.createCollection('orders');
    await local.backend.database.insertDocuments('orders', people(1200));
    h = await startHarness();
  });
  afterEach(async function () {
    await h?.close();
    await local?.close();
    project?.remove();
  });

  it('finds a copy identical, then the one document changed in the cloud, riding out a 503', async function () {
    await copyCollection({ source: local.backend.database, target: h.backend.database, collection: 'orders', mode: 'insert', pacing: FAST });
    const equal = await compareCollections({ left: local.backend.database, right: h.backend.database, collection: 'orders', pacing: FAST });
    assert.deepEqual([equal.complete, equal.leftCount, equal.rightCount, equal.same, equal.different, equal.onlyLeft, equal.onlyRight], [true, 1200, 1200, 1200, 0, 0, 0]);

    await h.backend.database.updateDocuments('orders', { _id: 'p00700' }, { $set: { n: 7000 } }, { multi: false });
    await h.backend.database.deleteDocuments('orders', { _id: 'p01199' }, { multi: false });
    h.fake.inject('QueryRecords', { kind: 'serverError', status: 503 }, 1);
    const changed = await compareCollections({ left: local.backend.database, right: h.backend.database, collection: 'orders', pageSize: 500, pacing: FAST });
    assert.ok(changed.retried > 0, 'the 503 was retried');
    assert.deepEqual(changed.differentDocuments, [{ id: 'p00700', fields: ['n'] }]);
    assert.deepEqual(changed.onlyLeftIds, ['p01199']);
    assert.deepEqual([changed.same, changed.onlyRight], [1198, 0]);
  });
});
