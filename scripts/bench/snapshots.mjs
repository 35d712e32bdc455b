// Benchmark section: snapshots of a local environment's data folder with a million documents of
// about 200 bytes: Save (LMDB's consistent copy while the database stays open, plus the other
// files), Restore (copy beside the data folder with reflinks where the file system has them, then
// two renames) and the reopen after it. Uses the transpiled engine (`node scripts/build.mjs --tests`).
// BENCH_DOCS=<n> runs a smaller database. One section alone: node scripts/bench.mjs snapshots
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'snapshots';

const N = Number(process.env.BENCH_DOCS ?? 1_000_000);
const BATCH = 1000;

function makeDocument(i) {
  return { name: `user${i}`, email: `user${i}@example.com`, age: 18 + (i % 60), score: ((i * 7919) % 10000) / 100, active: i % 3 === 0, createdAt: new Date(1_700_000_000_000 + i * 1000), tags: [`t${i % 10}`] };
}

async function insertAll(c, n) {
  const inFlight = [];
  for (let i = 0; i < n; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) batch.push(makeDocument(j));
    inFlight.push(c.insertMany(batch));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

async function timed(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

export async function run() {
  const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
  const { saveSnapshot, restoreSnapshot } = require(join(root, 'out/src/emulator/snapshots/index.js'));
  const project = mkdtempSync(join(tmpdir(), 'cbs-bench-snapshots-'));
  try {
    const dataDir = join(project, '.cloudbase', 'local');
    const folder = join(project, '.cloudbase', 'snapshots');
    mkdirSync(join(dataDir, 'storage'), { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(join(dataDir, 'storage', `file${i}.txt`), `file ${i}\n`.repeat(100));
    let db = await openDatabase(join(dataDir, 'database'));
    await insertAll(await db.createCollection('users'), N);
    const bytes = statSync(join(dataDir, 'database', 'store.mdb')).size;
    const database = { backup: (dir) => db.backup(dir), collections: () => db.listCollections() };
    const save = await timed(() => saveSnapshot({ dataDir, folder, name: 'bench', database }));
    await db.collection('users').insertMany([{ name: 'after the snapshot' }]);
    await db.close();
    const restore = await timed(() => restoreSnapshot({ dataDir, folder, name: 'bench' }));
    const reopen = await timed(() => openDatabase(join(dataDir, 'database')));
    db = reopen.result;
    const count = db.collection('users').count();
    await db.close();
    if (count !== N) throw new Error(`the restored database holds ${count} documents, not ${N}`);
    const docs = `${N.toLocaleString('en-US')} docs, ${Math.round(bytes / 2 ** 20)} MB`;
    return [
      { metric: `save snapshot (${docs}, database open)`, value: save.ms, unit: 'ms', better: 'lower' },
      { metric: `restore snapshot (${docs})`, value: restore.ms, unit: 'ms', target: '< 2000 ms', ok: restore.ms < 2000, better: 'lower' },
      { metric: 'open the restored database', value: reopen.ms, unit: 'ms', better: 'lower' },
    ];
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
