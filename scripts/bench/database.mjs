// Benchmark section: the local database engine with a million documents of about 200 bytes, then
// grown to 3 and 10 million (open time and memory must not grow with the data).
// Uses the engine as transpiled by `node scripts/build.mjs --tests` (out/src/emulator/database).
// Each figure sits beside lmdb-js used directly on the same documents (msgpack values, the
// library's own key encoding), and names the journal engine's figure measured before the store.
// Open, memory and reads are measured in a fresh process (`--probe`), as the environment would.
// BENCH_DOCS=<n> runs a smaller collection; BENCH_SCALE=0 skips 3M/10M. One section alone:
// node scripts/bench.mjs database
import { spawnSync } from 'node:child_process';
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

/** The journal engine's figures at 1,000,000 documents, measured on this machine before the store. */
const JOURNAL_ENGINE = { open: 8994, rss: 794, inserts: 40392, lookup: 0.073, count: 431, page: 0.13 };

const COUNT_FILTER = { city: 'Shanghai', age: { $gte: 30, $lt: 50 } };
const emailsFor = (n) => Array.from({ length: 201 }, (_, i) => `user${(i * 4999) % n}@example.com`);

/** Child mode: open, read and report, in a process of its own so its memory is its own. */
async function probe(kind, dir, n) {
  const mib = () => process.memoryUsage().rss / 2 ** 20;
  // Resident memory without the store's mapped file pages, which the system can drop at any time.
  const anonMib = () => {
    const m = /RssAnon:\s+(\d+) kB/.exec(existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '');
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const out = {};
  const emails = emailsFor(n);
  if (kind === 'engine') {
    const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
    const opened = await timeAsync(() => openDatabase(dir));
    out.open = opened.ms;
    out.rssOpen = mib();
    out.anonOpen = anonMib();
    const c = opened.result.collection('bench');
    out.lookup = medianOf(201, (i) => {
      if (c.find({ email: emails[i] }).documents.length !== 1) throw new Error('lookup missed');
    });
    out.first = medianOf(21, () => c.find({}, { limit: 50 }));
    const deepAt = c.find({}, { skip: Math.floor(n * 0.9), limit: 50 }).nextCursor;
    out.deep = medianOf(21, () => c.find({}, { limit: 50, after: deepAt }));
    if (process.env.PROBE_SCAN !== '0') {
      // Each timed count follows a write, as a count after an edit does, so no kept count answers it.
      const touched = await opened.result.createCollection(`touch-${Date.now()}`);
      const counts = [];
      for (let i = 0; i < 3; i++) {
        await touched.insertMany([{ _id: `t${i}` }]);
        counts.push(time(() => c.count(COUNT_FILTER)).ms);
      }
      out.count = median(counts);
      out.countAgain = medianOf(3, () => c.count(COUNT_FILTER));
      out.rssScan = mib();
      out.anonScan = anonMib();
    }
    await opened.result.close();
  } else {
    const { open } = require('lmdb');
    const opened = time(() => open({ path: join(dir, 'raw.mdb'), overlappingSync: false }));
    out.open = opened.ms;
    const root = opened.result;
    const db = root.openDB('docs');
    out.rssOpen = mib();
    out.anonOpen = anonMib();
    const byEmail = root.openDB('email');
    out.lookup = medianOf(201, (i) => {
      if (db.get(byEmail.get(emails[i])) === undefined) throw new Error('lookup missed');
    });
    out.first = medianOf(21, () => [...db.getRange({ limit: 50 })]);
    const deepKey = [...db.getKeys({ offset: Math.floor(n * 0.9), limit: 1 })][0];
    out.deep = medianOf(21, () => [...db.getRange({ start: deepKey, limit: 50 })]);
    out.count = medianOf(3, () => {
      let k = 0;
      for (const { value: d } of db.getRange({})) if (d.city === 'Shanghai' && d.age >= 30 && d.age < 50) k++;
      return k;
    });
    out.rssScan = mib();
    out.anonScan = anonMib();
    await root.close();
  }
  process.stdout.write(JSON.stringify(out));
}

function runProbe(kind, dir, n, env = {}) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--probe', kind, dir, String(n)], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`probe ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function insertAll(c, from, to) {
  const inFlight = [];
  for (let i = from; i < to; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) batch.push(makeDocument(j));
    inFlight.push(c.insertMany(batch));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/** lmdb-js with no engine around it: documents by a counter key, an email → key table. */
async function rawInserts(dir, n) {
  const { open } = require('lmdb');
  const root = open({ path: join(dir, 'raw.mdb'), overlappingSync: false });
  const db = root.openDB('docs');
  const byEmail = root.openDB('email');
  const inserted = await timeAsync(async () => {
    const inFlight = [];
    for (let i = 0; i < n; i += BATCH) {
      inFlight.push(
        root.childTransaction(() => {
          for (let j = i; j < Math.min(n, i + BATCH); j++) {
            const d = makeDocument(j);
            db.put(j, d);
            byEmail.put(d.email, j);
          }
        }),
      );
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  });
  await root.close();
  return n / (inserted.ms / 1000);
}

export async function run() {
  const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'cbs-bench-db-'));
  const rawDir = mkdtempSync(join(tmpdir(), 'cbs-bench-lmdb-'));
  const rows = [];
  const say = (s) => console.log(`    ${s}`);
  const n1 = N.toLocaleString('en-US');
  try {
    let db = await openDatabase(dir);
    let c = await db.createCollection('bench');
    await c.createIndex({ keys: [{ field: 'email', direction: 1 }], unique: true });
    const inserted = await timeAsync(() => insertAll(c, 0, N));
    const insertRate = N / (inserted.ms / 1000);
    say(`inserted ${N} documents in ${round(inserted.ms / 1000, 1)} s`);
    const single = await db.createCollection('single');
    const grouped = await timeAsync(() =>
      Promise.all(Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < 100; i++) await single.insertMany([makeDocument(2 * N + w * 1000 + i)]);
      })),
    );
    const groupedRate = 3200 / (grouped.ms / 1000);
    await db.close();
    const rawRate = await rawInserts(rawDir, N);

    const engine = runProbe('engine', dir, N);
    const raw = runProbe('raw', rawDir, N);
    say(`engine ${JSON.stringify(engine)}`);
    say(`lmdb-js ${JSON.stringify(raw)}`);
    const beside = (value, label) => `lmdb-js directly; journal engine ${value}${label}`;
    rows.push({ metric: `durable inserts, batches of ${BATCH} (${n1} documents, unique index)`, value: round(insertRate, 0), unit: 'docs/s', baseline: round(rawRate, 0), baselineLabel: beside(JOURNAL_ENGINE.inserts.toLocaleString('en-US'), ' docs/s'), better: 'higher', target: '≥ 100,000', ok: insertRate >= 100_000 });
    rows.push({ metric: 'single-document inserts from 32 concurrent callers (group commit)', value: round(groupedRate, 0), unit: 'docs/s' });
    rows.push({ metric: `open a ${n1}-document database`, value: round(engine.open, 1), unit: 'ms', baseline: round(raw.open, 1), baselineLabel: beside(JOURNAL_ENGINE.open.toLocaleString('en-US'), ' ms'), better: 'lower', target: '< 50 ms', ok: engine.open < 50 });
    rows.push({ metric: 'resident memory of the process after open', value: round(engine.rssOpen, 0), unit: 'MiB', baseline: round(raw.rssOpen, 0), baselineLabel: beside(JOURNAL_ENGINE.rss, ' MiB'), better: 'lower', target: '< 150 MiB', ok: engine.rssOpen < 150 });
    rows.push({ metric: 'resident memory after a full scan (an unindexed count)', value: round(engine.rssScan, 0), unit: 'MiB', baseline: round(raw.rssScan, 0), baselineLabel: 'lmdb-js directly', better: 'lower', target: '< 300 MiB', ok: engine.rssScan < 300 });
    rows.push({ metric: 'of which not the mapped store file (anonymous memory), after open / after the scan', value: `${round(engine.anonOpen, 0)} / ${round(engine.anonScan, 0)}`, unit: 'MiB', baseline: `${round(raw.anonOpen, 0)} / ${round(raw.anonScan, 0)}`, baselineLabel: 'lmdb-js directly' });
    rows.push({ metric: 'indexed equality lookup (unique email)', value: round(engine.lookup, 4), unit: 'ms', baseline: round(raw.lookup, 4), baselineLabel: beside(JOURNAL_ENGINE.lookup, ' ms'), better: 'lower', target: '< 0.03 ms', ok: engine.lookup < 0.03 });
    rows.push({ metric: 'first page of 50 (_id order)', value: round(engine.first, 3), unit: 'ms', baseline: round(raw.first, 3), baselineLabel: beside(JOURNAL_ENGINE.page, ' ms'), better: 'lower', target: '< 0.3 ms', ok: engine.first < 0.3 });
    rows.push({ metric: `page of 50 at position ${Math.floor(N * 0.9).toLocaleString('en-US')}, by cursor`, value: round(engine.deep, 3), unit: 'ms', baseline: round(raw.deep, 3), baselineLabel: 'lmdb-js directly', better: 'lower', target: '< 0.3 ms', ok: engine.deep < 0.3 });
    rows.push({ metric: `count with an unindexed filter (city + age range, ${n1} documents), after a write`, value: round(engine.count, 0), unit: 'ms', baseline: round(raw.count, 0), baselineLabel: beside(JOURNAL_ENGINE.count, ' ms'), better: 'lower', target: '≤ 46 ms (lokijs 23 ms × 2)', ok: engine.count <= 46 });
    rows.push({ metric: 'the same count asked again with no write between (a grid refreshing)', value: round(engine.countAgain, 3), unit: 'ms', better: 'lower' });

    if (process.env.BENCH_SCALE !== '0') {
      let have = N;
      for (const size of [3 * N, 10 * N]) {
        db = await openDatabase(dir);
        c = db.collection('bench');
        const grown = await timeAsync(() => insertAll(c, have, size));
        await db.close();
        have = size;
        say(`grown to ${size} documents in ${round(grown.ms / 1000, 1)} s`);
        const at = runProbe('engine', dir, size, { PROBE_SCAN: '0' });
        const label = size.toLocaleString('en-US');
        rows.push({ metric: `open a ${label}-document database`, value: round(at.open, 1), unit: 'ms', baseline: round(engine.open, 1), baselineLabel: `at ${n1}`, better: 'lower', target: 'not growing with the data', ok: at.open < Math.max(50, engine.open * 3) });
        rows.push({ metric: `resident memory after open, ${label} documents`, value: round(at.rssOpen, 0), unit: 'MiB', baseline: round(engine.rssOpen, 0), baselineLabel: `at ${n1}`, better: 'lower', target: 'not growing with the data', ok: at.rssOpen < Math.max(150, engine.rssOpen * 1.5) });
        rows.push({ metric: `indexed lookup / deep page, ${label} documents`, value: round(at.lookup, 4), unit: 'ms', baseline: round(engine.lookup, 4), baselineLabel: `at ${n1}`, better: 'lower' });
      }
      rows.push({ metric: `store file at ${(10 * N).toLocaleString('en-US')} documents`, value: round(folderBytes(dir) / 2 ** 20, 0), unit: 'MiB' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(rawDir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--probe') {
  await probe(process.argv[3], process.argv[4], Number(process.argv[5]));
}

export default run;
