// Benchmark section: the live log panel. Bundles the local environment, the function host, the
// host's log session and the page's entry store from src/ and webview/ into a temporary folder,
// and reports:
// - push latency: from console.log in a running function to the moment the panel host posts the
//   entry to the page (LogSession's output), median and p99 over 1,000 entries; beside it the same
//   through a 1 s poll of the log store, the way services without a push stream are tailed;
// - the page store's append throughput with a 100,000-entry cap and a text filter on, beside a
//   naive store (array push, shift the oldest, re-filter everything per batch).
// One section alone: node scripts/bench.mjs logs
import * as esbuild from 'esbuild';
import { bundleFolder, environmentBundle } from '../lib/bench-bundle.mjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const name = 'logs';

const ENTRIES = 1000;
const PER_INVOCATION = 100;
const GAP_MS = 2;
const CAP = 100_000;

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x) => Math.round(x * 10) / 10;
const now = () => performance.timeOrigin + performance.now();

async function bundle(dir) {
  await esbuild.build({
    ...environmentBundle,
    entryPoints: {
      'local-environment': 'src/cloud/local/index.ts',
      'function-host': 'src/emulator/functions/host/main.ts',
      'log-session': 'src/extension/logs/logSession.ts',
      'log-feeds': 'src/extension/logs/logFeeds.ts',
      'page-store': 'webview/logs/store.ts',
    },
    outdir: dir,
  });
  const load = (file) => createRequire(join(dir, file))(join(dir, file));
  return { env: load('local-environment.js'), session: load('log-session.js'), feeds: load('log-feeds.js'), store: load('page-store.js') };
}

function scratchProject(dir) {
  mkdirSync(join(dir, 'cloudfunctions', 'chatty'), { recursive: true });
  writeFileSync(join(dir, 'cloudbaserc.json'), JSON.stringify({ envId: 'bench', functionRoot: 'cloudfunctions' }));
  // Each line carries the wall-clock time it was logged at, with sub-millisecond precision.
  writeFileSync(
    join(dir, 'cloudfunctions', 'chatty', 'index.js'),
    `exports.main = async (event) => {
  for (let i = 0; i < event.n; i++) {
    console.log('t=' + (performance.timeOrigin + performance.now()));
    await new Promise((r) => setTimeout(r, event.gapMs));
  }
  return event.n;
};
`,
  );
  writeFileSync(join(dir, 'cloudfunctions', 'chatty', 'config.json'), JSON.stringify({ timeout: 20 }));
  return dir;
}

/** Invokes `chatty` until ENTRIES lines were logged, and returns each line's delay to the post. */
async function latencies(backend, { LogSession }, feed) {
  const delays = [];
  // A poller's first window reaches back into lines of earlier runs: only this run's count.
  const started = now();
  const session = new LogSession({
    functionName: 'chatty',
    maxEntries: CAP,
    preload: 0,
    onOutput: (o) => {
      if (o.type !== 'append') return;
      const posted = now();
      for (const e of o.entries) {
        const m = /^t=([\d.]+)$/.exec(e.message);
        if (m && Number(m[1]) >= started) delays.push(posted - Number(m[1]));
      }
    },
  });
  const tail = session.attach(feed);
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < ENTRIES / PER_INVOCATION; i++) {
    const out = await backend.functions.invoke('chatty', { n: PER_INVOCATION, gapMs: GAP_MS });
    if (out.error) throw new Error(`chatty: ${out.error.code}: ${out.error.message}`);
  }
  const deadline = Date.now() + 5000;
  while (delays.length < ENTRIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  session.dispose();
  await tail;
  if (delays.length < ENTRIES) throw new Error(`only ${delays.length} of ${ENTRIES} entries reached the session`);
  return delays;
}

function entries(from, count) {
  const levels = ['debug', 'info', 'info', 'warn', 'error'];
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = from + i;
    out[i] = { seq: n + 1, time: 1_763_900_000_000 + n, level: levels[n % 5], functionName: `fn${n % 3}`, requestId: `req-${Math.floor(n / 10)}`, kind: 'log', message: `streamed message ${n} with some text to filter on` };
  }
  return out;
}

/** Entries per second appended in batches of 250 (what the session posts at 5,000/s) to a full store. */
function storeThroughput({ EntryStore }) {
  const store = new EntryStore(CAP);
  store.setFilter({ text: 'message 7', regex: false, levels: ['debug', 'info', 'warn', 'error'] });
  const batches = [];
  for (let n = 0; n < 1_000_000; n += 250) batches.push(entries(n, 250));
  const t = performance.now();
  for (const b of batches) {
    store.append(b);
    store.flatRows();
  }
  const seconds = (performance.now() - t) / 1000;
  return 1_000_000 / seconds;
}

function naiveThroughput() {
  const test = (e) => e.message.toLowerCase().includes('message 7');
  let all = [];
  let shown = [];
  for (let n = 0; n < CAP; n += 1000) all.push(...entries(n, 1000));
  const batches = [];
  for (let n = CAP; n < CAP + 50_000; n += 250) batches.push(entries(n, 250));
  const t = performance.now();
  for (const b of batches) {
    all.push(...b);
    while (all.length > CAP) all.shift();
    shown = all.filter(test);
  }
  const seconds = (performance.now() - t) / 1000;
  if (shown.length === 0) throw new Error('the naive filter matched nothing');
  return 50_000 / seconds;
}

/** Returns rows `{ metric, value, unit, target?, ok?, baseline?, baselineLabel?, better? }`. */
export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-logs-'));
  const bundled = bundleFolder('logs');
  const rows = [];
  let env;
  try {
    const parts = await bundle(bundled.dir);
    const projectRoot = scratchProject(join(work, 'project'));
    env = await parts.env.openLocalEnvironment({ projectRoot, dataDir: join(work, 'data'), functions: { nodePath: [join(root, 'node_modules')] } });
    // Warm the function's process so the first lines do not carry a cold start.
    await env.backend.functions.invoke('chatty', { n: 1, gapMs: 0 });

    const push = await latencies(env.backend, parts.session, parts.feeds.pushFeed(env.backend.logs));
    const polled = await latencies(env.backend, parts.session, parts.feeds.pollingFeed((q, s) => env.backend.logs.query(q, s), { intervalMs: 1000, overlapMs: 5000, limit: 10_000 }));
    const p50 = median(push);
    const p99 = percentile(push, 99);
    rows.push({
      metric: `push latency, console.log in a function → panel host posts it (median of ${ENTRIES})`,
      value: round(p50),
      unit: 'ms',
      target: '< 100 ms',
      ok: p50 < 100,
      baseline: round(median(polled)),
      baselineLabel: 'polling every 1 s',
      better: 'lower',
    });
    rows.push({
      metric: `push latency, p99 (${ENTRIES} entries, a line every ${GAP_MS} ms, posts batched per 50 ms)`,
      value: round(p99),
      unit: 'ms',
      target: '< 100 ms',
      ok: p99 < 100,
      baseline: round(percentile(polled, 99)),
      baselineLabel: 'polling every 1 s',
      better: 'lower',
    });

    const fast = storeThroughput(parts.store);
    const naive = naiveThroughput();
    rows.push({
      metric: 'page store append throughput, full 100,000-entry store, text filter on (batches of 250)',
      value: Math.round(fast),
      unit: 'entries/s',
      target: '≥ 5,000/s',
      ok: fast >= 5000,
      baseline: Math.round(naive),
      baselineLabel: 'array shift + re-filter per batch',
      better: 'higher',
    });
  } finally {
    await env?.close().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    bundled.remove();
  }
  return rows;
}

export default run;
