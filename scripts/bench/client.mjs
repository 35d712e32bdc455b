// Benchmark section: the client SDK's realtime watch() on the local environment. Bundles the
// environment from src/ into a temporary folder, signs js-sdk 3.x clients in (node adapter, real
// WebSockets) and reports:
// - watch latency: from a durable write to the watcher's js-sdk onChange (median, target < 50 ms),
//   one write at a time; and the same from a server SDK add over /admin, beside that add alone;
// - fan-out: 1,000 watchers of one query on one collection (10 sockets × 100 watches, speaking
//   the realtime protocol directly) while documents are added at 100 writes/s (straight to the
//   shared Database, as every writer's writes pass; node-sdk's own cost would set the pace in this
//   one process); every change must reach every watcher (delivered/expected, target 100 %, no
//   event ID gaps).
// One section alone: node scripts/bench.mjs client
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  // lmdb is native and stays outside the bundle, as in scripts/build.mjs; the bundle sits in the repository so that it resolves.
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: root, external: ['lmdb', 'msgpackr'] };
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

/** One socket with `count` watches of the board, as js-sdk would open them; counts the changes delivered. */
async function protocolClient(env, index, count, onEvents, onGap) {
  const res = await fetch(`${env.url}/web?env=bench`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'auth.wsWebSign', env: 'bench' }) });
  const { data } = await res.json();
  const WebSocket = requireFromRoot('ws');
  const socket = new WebSocket(data.wsUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const last = new Map();
  let initialised = 0;
  let ready;
  const allReady = new Promise((resolve) => (ready = resolve));
  socket.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.msgType === 'INIT_EVENT') {
      last.set(m.watchId, m.msgData.currEvent);
      if (++initialised === count) ready();
    } else if (m.msgType === 'NEXT_EVENT') {
      // Every event ID must follow the last one: a gap is a lost change.
      if (m.msgData.events[0].ID !== last.get(m.watchId) + 1) onGap();
      last.set(m.watchId, m.msgData.currEvent);
      onEvents(m.msgData.events.length);
    }
  });
  socket.send(JSON.stringify({ requestId: `login-${index}`, msgType: 'LOGIN', msgData: { envId: 'bench' }, exMsgData: { signStr: data.signStr } }));
  for (let w = 0; w < count; w++) {
    socket.send(JSON.stringify({ watchId: `w${index}-${w}`, requestId: `i${index}-${w}`, msgType: 'INIT_WATCH', msgData: { envId: 'bench', collName: 'board', query: JSON.stringify({ kind: 'live' }) } }));
  }
  await allReady;
  return socket;
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
  mkdirSync(project);
  writeFileSync(join(project, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
  mkdirSync(join(root, 'test-output'), { recursive: true });
  const dist = mkdtempSync(join(root, 'test-output', 'bench-client-'));
  const { startLocalEnvironment } = await bundle(dist);
  const env = await startLocalEnvironment({ projectRoot: project, envId: 'bench' });
  // As the printed SDK setup does: no probe of Tencent's metadata host on every call.
  process.env.TENCENTCLOUD = 'true';
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
    const measure = async (write) => {
      const latencies = [];
      for (let i = 0; i < LATENCY_WRITES; i++) {
        const seen = new Promise((resolve) => (arrived = resolve));
        const started = performance.now();
        await write(i);
        await seen;
        latencies.push(performance.now() - started);
      }
      return latencies;
    };
    const writeOnly = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const started = performance.now();
      await admin.collection('feed').add({ topic: 'other', i });
      writeOnly.push(performance.now() - started);
    }
    const direct = await measure((i) => feed.insertMany([{ topic: 'bench', i }]));
    const viaSdk = await measure((i) => admin.collection('feed').add({ topic: 'bench', i }));
    await listener.close();
    const lat = median(direct);
    rows.push({ metric: 'watch latency, write (durable) → onChange (median)', value: round(lat), unit: 'ms', target: '< 50 ms', ok: lat < 50 });
    rows.push({ metric: 'watch latency, write (durable) → onChange (p95)', value: round(percentile(direct, 95)), unit: 'ms' });
    rows.push({ metric: `watch latency, server SDK add over /admin → onChange (median; the add alone takes ${round(median(writeOnly))} ms)`, value: round(median(viaSdk)), unit: 'ms' });

    // Fan-out: 1,000 watchers of one query while the documents change at 100 writes/s.
    const board = await env.database.createCollection('board');
    await board.setPermission({ acl: 'READONLY' });
    await board.insertMany(Array.from({ length: FANOUT_DOCS }, (_, i) => ({ _id: `d${i}`, kind: 'live', n: 0 })));
    await board.insertMany([{ _id: 'other', kind: 'archived' }]);
    // The watchers speak the realtime protocol over plain ws sockets: 1,000 js-sdk watchers in
    // this one process would measure js-sdk's own bookkeeping, not the environment.
    let delivered = 0;
    let gaps = 0;
    const sockets = [];
    let watchers = 0;
    for (let c = 0; c < CLIENTS; c++) sockets.push(await protocolClient(env, c, WATCHES_PER_CLIENT, (events) => (delivered += events), () => gaps++));
    watchers = CLIENTS * WATCHES_PER_CLIENT;
    const writes = WRITES_PER_SECOND * FANOUT_SECONDS;
    const begun = performance.now();
    const pending = [];
    for (let i = 0; i < writes; i++) {
      // Paced to the target rate; each write is its own request, as from many callers.
      const due = begun + (i * 1000) / WRITES_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(board.insertMany([{ _id: `w${i}`, kind: 'live', n: i }]));
    }
    const issuedSeconds = (performance.now() - begun) / 1000;
    await Promise.all(pending);
    const writeSeconds = (performance.now() - begun) / 1000;
    const expected = writes * watchers;
    const deadline = performance.now() + 30_000;
    while (delivered < expected && performance.now() < deadline) await sleep(50);
    const drained = (performance.now() - begun) / 1000;
    rows.push({ metric: `fan-out: ${watchers} watchers, ${writes} adds issued at ${round(writes / issuedSeconds)}/s (durable at ${round(writes / writeSeconds)}/s) — changes delivered`, value: delivered, unit: `of ${expected}`, target: '100 %, no gaps', ok: delivered === expected && gaps === 0 });
    rows.push({ metric: 'fan-out: last change delivered after the last add was durable', value: round((drained - writeSeconds) * 1000), unit: 'ms' });
    for (const socket of sockets) socket.close();
  } finally {
    await env.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
    console.log = log;
    console.warn = warn;
  }
  return rows;
}
