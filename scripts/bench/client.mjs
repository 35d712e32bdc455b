// Benchmark section: the client SDK's realtime watch() on the local environment. Bundles the
// environment from src/ into a temporary folder, signs js-sdk 3.x clients in (node adapter, real
// WebSockets) and reports:
// - watch latency: from the server SDK's write (node-sdk to /admin) to the watcher's onChange
//   (median, target < 50 ms), one write at a time;
// - fan-out: 1,000 watchers of one query on one collection (10 clients × 100 watches) while the
//   server SDK updates its documents at 100 writes/s; every change must reach every watcher
//   (delivered/expected, target 100 %).
// One section alone: node scripts/bench.mjs client
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const requireFromRoot = createRequire(join(root, 'package.json'));

export const name = 'client';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x) => Math.round(x * 100) / 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const LATENCY_WRITES = 60;
const CLIENTS = 10;
const WATCHES_PER_CLIENT = 100;
const FANOUT_DOCS = 10;
const WRITES_PER_SECOND = 100;
const FANOUT_SECONDS = 3;

async function bundle(dir) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: root };
  await esbuild.build({ ...common, entryPoints: { environment: 'src/emulator/environment.ts', 'function-host': 'src/emulator/functions/host/main.ts' }, outdir: dir });
  return createRequire(join(dir, 'environment.js'))(join(dir, 'environment.js'));
}

async function client(env, name) {
  const cloudbase = requireFromRoot('@cloudbase/js-sdk');
  const app = cloudbase.init({ env: name });
  app.registerEndPointWithKey({ key: 'GATEWAY', url: `//127.0.0.1:${env.port}/v1`, protocol: 'http' });
  app.registerEndPointWithKey({ key: 'CLOUD_API', url: `//127.0.0.1:${env.port}/web`, protocol: 'http' });
  const res = await app.auth().signInAnonymously();
  if (res.error) throw new Error(`sign-in failed: ${JSON.stringify(res.error)}`);
  return app.database();
}

/** Resolves with the watcher once its init snapshot arrived; `onChanges` hears every later snapshot. */
function watch(query, onChanges) {
  return new Promise((resolve, reject) => {
    let started = false;
    const listener = query.watch({
      onChange: (snapshot) => {
        if (!started) {
          started = true;
          resolve(listener);
          return;
        }
        onChanges(snapshot);
      },
      onError: (e) => (started ? undefined : reject(new Error(`watch failed: ${JSON.stringify(e)}`))),
    });
  });
}

export async function run() {
  const log = console.log;
  const warn = console.warn;
  // js-sdk narrates every realtime step on the console.
  console.log = (...args) => (String(args[0]).startsWith('[realtime]') ? undefined : log(...args));
  console.warn = (...args) => (/realtime|nextevent/.test(String(args[0])) ? undefined : warn(...args));
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-client-'));
  const project = join(work, 'project');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(project);
  writeFileSync(join(project, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
  const { startLocalEnvironment } = await bundle(join(work, 'dist'));
  const env = await startLocalEnvironment({ projectRoot: project, envId: 'bench' });
  const tcb = requireFromRoot('@cloudbase/node-sdk');
  const admin = tcb.init({ env: env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: env.adminUrl }).database();
  const rows = [];
  try {
    // Latency: one watcher, one write at a time.
    const feed = await env.database.createCollection('feed');
    await feed.setPermission({ acl: 'READONLY' });
    const db = await client(env, 'bench-latency');
    let arrived;
    const listener = await watch(db.collection('feed').where({ topic: 'bench' }), () => arrived?.());
    const latencies = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const seen = new Promise((resolve) => (arrived = resolve));
      const started = performance.now();
      await admin.collection('feed').add({ topic: 'bench', i });
      await seen;
      latencies.push(performance.now() - started);
    }
    await listener.close();
    const lat = median(latencies);
    rows.push({ metric: 'watch latency, server SDK write → onChange (median)', value: round(lat), unit: 'ms', target: '< 50 ms', ok: lat < 50 });
    rows.push({ metric: 'watch latency, server SDK write → onChange (p95)', value: round(percentile(latencies, 95)), unit: 'ms' });

    // Fan-out: 1,000 watchers of one query while the documents change at 100 writes/s.
    const board = await env.database.createCollection('board');
    await board.setPermission({ acl: 'READONLY' });
    await board.insertMany(Array.from({ length: FANOUT_DOCS }, (_, i) => ({ _id: `d${i}`, kind: 'live', n: 0 })));
    let delivered = 0;
    const listeners = [];
    for (let c = 0; c < CLIENTS; c++) {
      const cdb = await client(env, `bench-fanout-${c}`);
      const started = [];
      for (let w = 0; w < WATCHES_PER_CLIENT; w++) started.push(watch(cdb.collection('board').where({ kind: 'live' }), (s) => (delivered += s.docChanges.length)));
      listeners.push(...(await Promise.all(started)));
    }
    const writes = WRITES_PER_SECOND * FANOUT_SECONDS;
    const begun = performance.now();
    const pending = [];
    for (let i = 0; i < writes; i++) {
      // Paced to the target rate; each write is its own request, as from many callers.
      const due = begun + (i * 1000) / WRITES_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(admin.collection('board').doc(`d${i % FANOUT_DOCS}`).update({ n: i + 1 }));
    }
    await Promise.all(pending);
    const writeSeconds = (performance.now() - begun) / 1000;
    const expected = writes * listeners.length;
    const deadline = performance.now() + 30_000;
    while (delivered < expected && performance.now() < deadline) await sleep(50);
    const drained = (performance.now() - begun) / 1000;
    rows.push({ metric: `fan-out: ${listeners.length} watchers, ${writes} updates at ${round(writes / writeSeconds)}/s — changes delivered`, value: delivered, unit: `of ${expected}`, target: '100 %', ok: delivered === expected });
    rows.push({ metric: 'fan-out: time until the last change was delivered', value: round(drained), unit: 's' });
    await Promise.all(listeners.map((l) => l.close()));
  } finally {
    await env.close();
    rmSync(work, { recursive: true, force: true });
    console.log = log;
    console.warn = warn;
  }
  return rows;
}
