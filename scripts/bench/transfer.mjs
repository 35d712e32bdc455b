// Benchmark section: data across environments.
//  - copy: 100,000 documents copied by copyCollection (insert mode, pages of 1,000) local → local
//    unpaced, and local → the fake Tencent cloud through the real manager-node, at the pacing the
//    command uses and unpaced; documents per second and the heap the copy held.
//  - compare: two collections of 100,000 documents in two local databases (1% changed, 0.5% on one
//    side only) compared by compareCollections, merged by _id in pages of 1,000: with the default
//    pacing the command uses (15 requests a second, Tencent's limit with room), and unpaced; the
//    heap it held beside the naive way (every document of both sides in a Map, then compared).
// Uses the transpiled sources (node scripts/build.mjs --tests). BENCH_DOCS=<n> runs a smaller
// collection. One section alone: node scripts/bench.mjs transfer
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'transfer';

const N = Number(process.env.BENCH_DOCS ?? 100_000);
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function makeDocument(i) {
  return {
    _id: `u${String(i).padStart(8, '0')}`,
    name: `user${i}`,
    email: `user${i}@example.com`,
    age: 18 + (i % 60),
    address: { street: `${i} Nanjing Rd`, zip: String(200000 + (i % 1000)) },
    tags: [`t${i % 10}`, `g${i % 7}`],
  };
}

async function seed(engine, other) {
  const left = engine.collection('users');
  const right = other.collection('users');
  for (let i = 0; i < N; i += 1000) {
    const a = [];
    const b = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const d = makeDocument(j);
      a.push(d);
      if (j % 200 === 7) continue; // only on the left
      b.push(j % 100 === 3 ? { ...d, age: d.age + 1 } : d);
    }
    if (i % 2000 === 0) b.push({ _id: `u${String(i).padStart(8, '0')}x`, name: 'only right' });
    await Promise.all([left.insertMany(a), right.insertMany(b)]);
  }
}

/** Runs `fn` while sampling the heap every 5 ms: the most it grew above where it started. */
async function peakHeap(fn) {
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, result, mib: (peak - base) / 2 ** 20 };
}

async function naive(a, b) {
  const load = async (db) => {
    const all = new Map();
    let cursor;
    do {
      const page = await db.queryDocuments('users', {}, { limit: 1000, cursor });
      for (const d of page.items) all.set(d._id, d);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  const [left, right] = await Promise.all([load(a), load(b)]);
  let same = 0;
  let different = 0;
  let onlyLeft = 0;
  for (const [id, d] of left) {
    const other = right.get(id);
    if (!other) onlyLeft++;
    else if (isDeepStrictEqual(d, other)) same++;
    else different++;
  }
  return { same, different, onlyLeft, onlyRight: right.size - same - different };
}

export async function run() {
  const { LocalDatabaseApi } = require(join(root, 'out/src/cloud/local/local-backend.js'));
  const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
  const { compareCollections } = require(join(root, 'out/src/cloud/transfer/compareCollections.js'));
  const { copyCollection } = require(join(root, 'out/src/cloud/transfer/copyCollection.js'));
  const { startHarness } = require(join(root, 'out/test/fakes/tencent-cloud/harness.js'));
  const dir = mkdtempSync(join(tmpdir(), 'cbs-bench-transfer-'));
  const say = (s) => console.log(`    ${s}`);
  const engines = [await openDatabase(join(dir, 'a')), await openDatabase(join(dir, 'b')), await openDatabase(join(dir, 'c'))];
  let harness;
  try {
    const [a, b] = engines.map((e) => new LocalDatabaseApi(e));
    await a.createCollection('users');
    await b.createCollection('users');
    await seed(...engines);
    say(`seeded ${N} documents on each side`);

    const unpaced = await peakHeap(() => compareCollections({ left: a, right: b, collection: 'users', pacing: { perSecond: 1_000_000 } }));
    const r = unpaced.result;
    say(`${r.same} same, ${r.different} different, ${r.onlyLeft} only left, ${r.onlyRight} only right`);
    const check = await peakHeap(() => naive(a, b));
    if (JSON.stringify(check.result) !== JSON.stringify({ same: r.same, different: r.different, onlyLeft: r.onlyLeft, onlyRight: r.onlyRight })) {
      throw new Error(`the naive comparison disagrees: ${JSON.stringify(check.result)}`);
    }
    const paced = await peakHeap(() => compareCollections({ left: a, right: b, collection: 'users' }));
    const docs = N.toLocaleString('en-US');

    const copied = (copy) => {
      if (!copy.result.complete || copy.result.written !== N) throw new Error(`the copy wrote ${copy.result.written} of ${N}: ${JSON.stringify(copy.result.failures.slice(0, 3))}`);
      return copy;
    };
    const c = new LocalDatabaseApi(engines[2]);
    const toLocal = copied(await peakHeap(() => copyCollection({ source: a, target: c, collection: 'users', mode: 'insert', pacing: { perSecond: 1_000_000 } })));
    say(`copied local → local in ${round(toLocal.ms / 1000)} s`);
    harness = await startHarness();
    const tencent = harness.backend.database;
    const toTencent = copied(await peakHeap(() => copyCollection({ source: a, target: tencent, collection: 'users', mode: 'insert' })));
    say(`copied local → fake Tencent cloud in ${round(toTencent.ms / 1000)} s (${toTencent.result.requests} requests)`);
    const toTencentUnpaced = copied(await peakHeap(() => copyCollection({ source: a, target: tencent, collection: 'users', targetCollection: 'users2', mode: 'insert', pacing: { perSecond: 1_000_000 } })));
    const perSecond = (copy) => Math.round(N / (copy.ms / 1000));
    return [
      { metric: `copy ${docs} documents local → local (insert, pages of 1,000, unpaced)`, value: perSecond(toLocal), unit: 'docs/s', better: 'higher' },
      { metric: 'heap held by that copy', value: round(toLocal.mib, 1), unit: 'MiB', better: 'lower' },
      { metric: `copy ${docs} documents local → fake Tencent cloud through manager-node, at the command's pacing (15 requests/s)`, value: perSecond(toTencent), unit: 'docs/s', better: 'higher' },
      { metric: 'heap held by that copy', value: round(toTencent.mib, 1), unit: 'MiB', better: 'lower' },
      { metric: 'the same copy to the fake cloud unpaced (what the client and the fake cost)', value: perSecond(toTencentUnpaced), unit: 'docs/s', better: 'higher' },
      { metric: `compare ${docs} documents local → local, merged by _id in pages of 1,000, unpaced`, value: round(unpaced.ms / 1000), unit: 's' },
      { metric: 'the same, documents compared per second', value: Math.round(N / (unpaced.ms / 1000)), unit: 'docs/s' },
      { metric: 'the same at the pacing the command uses (15 requests/s, for Tencent)', value: round(paced.ms / 1000), unit: 's' },
      {
        metric: `heap held while comparing ${docs} + ${docs} documents`,
        value: round(unpaced.mib, 1),
        unit: 'MiB',
        baseline: round(check.mib, 1),
        baselineLabel: 'both sides loaded into Maps',
        better: 'lower',
      },
    ];
  } finally {
    await harness?.close();
    for (const e of engines) await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await run());
