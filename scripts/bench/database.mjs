// Benchmark section: the local database engine with a million documents of about 200 bytes.
// Uses the engine as transpiled by `node scripts/build.mjs --tests` (out/src/emulator/database).
// Each figure sits beside the same work done the naive way: documents in an array, queried with
// mingo (full scan and sort), pages by skipping, files parsed line by line with bson's EJSON.
// BENCH_DOCS=<n> runs a smaller collection. One section alone: node scripts/bench.mjs database
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'database';

const N = Number(process.env.BENCH_DOCS ?? 1_000_000);
const BATCH = 1000;
const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Guangzhou'];

/** A document of about 200 bytes as JSON, like a small app's user record. */
function makeDocument(i) {
  return {
    name: `user${i}`,
    email: `user${i}@example.com`,
    age: 18 + (i % 60),
    city: CITIES[i % CITIES.length],
    score: ((i * 7919) % 10000) / 100,
    active: i % 3 === 0,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    tags: [`t${i % 10}`, `g${i % 7}`],
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function time(fn) {
  const t = performance.now();
  const result = fn();
  return { ms: performance.now() - t, result };
}

async function timeAsync(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

function medianOf(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(time(() => fn(i)).ms);
  return median(times);
}

function folderBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? folderBytes(p) : s.size;
  }
  return total;
}

/** The naive open: every line of every collection file through bson's EJSON.parse into an array. */
function naiveLoad(dir, EJSON) {
  const byId = new Map();
  const folder = join(dir, 'collections');
  const files = readdirSync(folder).sort((a, b) => (a.endsWith('.snapshot') ? -1 : b.endsWith('.snapshot') ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  for (const file of files) {
    if (!file.includes('-bench.')) continue;
    const text = readFileSync(join(folder, file), 'utf8');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
      const value = EJSON.parse(text.slice(start, nl), { relaxed: true });
      if (value._id !== undefined) byId.set(value._id, value);
      for (const d of value.p ?? []) byId.set(d._id, d);
      for (const id of value.d ?? []) byId.delete(id);
    }
  }
  return [...byId.values()];
}

export async function run() {
  const enginePath = join(root, 'out/src/emulator/database/index.js');
  if (!existsSync(enginePath)) throw new Error('Build first: node scripts/build.mjs --tests');
  const { openDatabase } = require(enginePath);
  const { compileFilter, compileMingoFilter } = require(join(root, 'out/src/emulator/database/query.js'));
  const mingo = require('mingo');
  const { EJSON } = require('bson');

  const dir = mkdtempSync(join(tmpdir(), 'cbs-bench-db-'));
  const rows = [];
  const say = (s) => console.log(`    ${s}`);
  try {
    // --- inserts: batches of 1000, four batches in flight, each durable before it resolves.
    let db = await openDatabase(dir);
    let c = await db.createCollection('bench');
    await c.createIndex({ keys: [{ field: 'email', direction: 1 }], unique: true });
    const inserted = await timeAsync(async () => {
      const inFlight = [];
      for (let i = 0; i < N; i += BATCH) {
        const batch = [];
        for (let j = i; j < Math.min(N, i + BATCH); j++) batch.push(makeDocument(j));
        inFlight.push(c.insertMany(batch));
        if (inFlight.length >= 4) await inFlight.shift();
      }
      await Promise.all(inFlight);
    });
    const insertRate = N / (inserted.ms / 1000);
    say(`inserted ${N} documents in ${round(inserted.ms / 1000, 1)} s`);

    // Naive durable inserts: one document per write, each waiting for its own fsync.
    const single = await db.createCollection('single');
    const sequential = await timeAsync(async () => {
      for (let i = 0; i < 500; i++) await single.insertMany([makeDocument(N + i)]);
    });
    const sequentialRate = 500 / (sequential.ms / 1000);
    // Group commit: the same single-document inserts from 32 callers at once share fsyncs.
    const grouped = await timeAsync(async () => {
      await Promise.all(Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < 100; i++) await single.insertMany([makeDocument(2 * N + w * 1000 + i)]);
      }));
    });
    const groupedRate = 3200 / (grouped.ms / 1000);
    rows.push({ metric: `inserts, batches of ${BATCH} (${N.toLocaleString('en-US')} documents, durable)`, value: round(insertRate, 0), unit: 'docs/s', baseline: round(sequentialRate, 0), baselineLabel: 'one document per fsync', better: 'higher' });
    rows.push({ metric: 'single-document inserts from 32 concurrent callers (group commit)', value: round(groupedRate, 0), unit: 'docs/s', baseline: round(sequentialRate, 0), baselineLabel: 'one at a time', better: 'higher' });

    const closed = await timeAsync(() => db.close());
    rows.push({ metric: 'close (flush, compaction where due)', value: round(closed.ms, 0), unit: 'ms' });
    rows.push({ metric: 'files on disk', value: round(folderBytes(dir) / 2 ** 20, 0), unit: 'MiB' });

    // --- open: journals and snapshot read back, _id and email indexes rebuilt.
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const opened = await timeAsync(() => openDatabase(dir));
    db = opened.result;
    c = db.collection('bench');
    global.gc?.();
    const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    say(`opened in ${round(opened.ms / 1000, 1)} s`);

    // --- pages and lookups.
    const firstPage = medianOf(21, () => c.find({}, { limit: 50 }));
    const deepStart = Math.floor(N * 0.9) - 50;
    const { nextCursor: deepCursor } = c.find({}, { skip: deepStart, limit: 50 });
    const deepPage = medianOf(21, () => c.find({}, { limit: 50, after: deepCursor }));
    const deepIds = c.find({}, { limit: 50, after: deepCursor }).documents.map((d) => d._id);
    const emails = Array.from({ length: 201 }, (_, i) => `user${(i * 4999) % N}@example.com`);
    const lookup = medianOf(201, (i) => {
      if (c.find({ email: emails[i] }).documents.length !== 1) throw new Error('lookup missed');
    });
    const countFilter = { city: 'Shanghai', age: { $gte: 30, $lt: 50 } };
    const counted = c.count(countFilter);
    const unindexedCount = medianOf(5, () => {
      if (c.count(countFilter) !== counted) throw new Error('counts disagree');
    });
    const sortedPage = medianOf(3, () => c.find({}, { sort: [{ field: 'score', direction: -1 }], limit: 50 }));
    const plan = c.explain({ email: emails[7] });
    say(`plan for an email lookup: ${JSON.stringify(plan)}`);
    await db.close();
    db = undefined;
    c = undefined;
    global.gc?.();

    // --- the naive way: documents in an array, mingo for everything.
    const naiveOpen = time(() => naiveLoad(dir, EJSON));
    const docs = naiveOpen.result;
    if (docs.length < N) throw new Error(`naive load found ${docs.length} documents`);
    const naiveFirst = time(() => mingo.find(docs, {}).sort({ _id: 1 }).limit(50).all()).ms;
    const naiveDeep = time(() => mingo.find(docs, {}).sort({ _id: 1 }).skip(deepStart + 50).limit(50).all());
    if (naiveDeep.result[0]?._id !== deepIds[0]) throw new Error('the deep pages disagree');
    const naiveLookup = median([0, 1, 2].map((i) => time(() => mingo.find(docs, { email: emails[i] }).all()).ms));
    // The same filters over the same documents, compiled to plain predicates and through mingo's Query.
    const scan = (compiled) => {
      let n = 0;
      for (const d of docs) if (compiled.test(d)) n++;
      return n;
    };
    const fastCompiled = compileFilter(countFilter);
    const mingoCompiled = compileMingoFilter(countFilter);
    if (scan(fastCompiled) !== counted || scan(mingoCompiled) !== counted) throw new Error('compiled filters disagree with count');
    const fastScan = medianOf(5, () => scan(fastCompiled));
    const mingoScan = medianOf(5, () => scan(mingoCompiled));
    const tagFilter = { tags: { $in: ['t3', 'g5'] }, active: true };
    const fastTags = medianOf(5, () => scan(compileFilter(tagFilter)));
    const mingoTags = medianOf(5, () => scan(compileMingoFilter(tagFilter)));
    const fastCompile = medianOf(2001, (i) => compileFilter({ email: emails[i % 201] }).test(docs[0]));
    const mingoCompile = medianOf(2001, (i) => compileMingoFilter({ email: emails[i % 201] }).test(docs[0]));
    const naiveSorted = time(() => mingo.find(docs, {}).sort({ score: -1 }).limit(50).all()).ms;

    rows.push({ metric: `open a ${N.toLocaleString('en-US')}-document database (2 indexes)`, value: round(opened.ms, 0), unit: 'ms', baseline: round(naiveOpen.ms, 0), baselineLabel: 'EJSON.parse every line', better: 'lower' });
    rows.push({ metric: 'memory held by the open database', value: round(heapMiB, 0), unit: 'MiB' });
    rows.push({ metric: 'first page of 50 (_id order)', value: round(firstPage, 3), unit: 'ms', baseline: round(naiveFirst, 0), baselineLabel: 'mingo sort + limit', better: 'lower', target: '< 50 ms', ok: firstPage < 50 });
    const deepOk = deepPage <= Math.max(2 * firstPage, firstPage + 1);
    rows.push({ metric: `page of 50 at position ${(deepStart + 50).toLocaleString('en-US')}, by cursor`, value: round(deepPage, 3), unit: 'ms', baseline: round(naiveDeep.ms, 0), baselineLabel: 'mingo sort + skip', better: 'lower', target: `≈ first page (${round(firstPage, 3)} ms)`, ok: deepOk });
    rows.push({ metric: 'indexed equality lookup (unique email)', value: round(lookup, 3), unit: 'ms', baseline: round(naiveLookup, 0), baselineLabel: 'mingo full scan', better: 'lower', target: '< 5 ms', ok: lookup < 5 });
    const scanned = `${N.toLocaleString('en-US')} documents`;
    rows.push({ metric: `count with an unindexed filter (city + age range, ${scanned})`, value: round(unindexedCount, 1), unit: 'ms' });
    rows.push({ metric: `filter test over ${scanned}: equality + range, compiled predicate`, value: round(fastScan, 1), unit: 'ms', baseline: round(mingoScan, 1), baselineLabel: 'mingo Query.test', better: 'lower' });
    rows.push({ metric: `filter test over ${scanned}: $in on an array + equality, compiled predicate`, value: round(fastTags, 1), unit: 'ms', baseline: round(mingoTags, 1), baselineLabel: 'mingo Query.test', better: 'lower' });
    rows.push({ metric: 'compile an equality filter and test one document (each lookup does this)', value: round(fastCompile * 1000, 1), unit: 'µs', baseline: round(mingoCompile * 1000, 1), baselineLabel: 'new mingo Query', better: 'lower' });
    rows.push({ metric: 'first page of 50 sorted on an unindexed field', value: round(sortedPage, 0), unit: 'ms', baseline: round(naiveSorted, 0), baselineLabel: 'mingo sort + limit', better: 'lower' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export default run;
