// Benchmark section: cloud functions in the local environment, measured from the extension's side:
// through LocalBackend.functions.invoke of an environment opened with openLocalEnvironment, as the
// extension does. Bundles src/cloud/local (the environment) and the function host from src/ into a
// temporary folder, runs real function processes against a scratch project, and reports:
// warm round trip (target < 20 ms), cold start (target < 500 ms), 50 concurrent invocations (none
// lost), plus the same call made over /admin by node-sdk's callFunction.
// One section alone: node scripts/bench.mjs functions
import * as esbuild from 'esbuild';
import { bundleFolder, environmentBundle } from '../lib/bench-bundle.mjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'functions';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x) => Math.round(x * 10) / 10;

/** The environment bundle with the host next to it, as dist/ lays them out. */
async function bundle(dir) {
  await esbuild.build({ ...environmentBundle, entryPoints: { 'local-environment': 'src/cloud/local/index.ts', 'function-host': 'src/emulator/functions/host/main.ts' }, outdir: dir });
  return createRequire(join(dir, 'local-environment.js'))(join(dir, 'local-environment.js'));
}

function scratchProject(dir) {
  const fn = (name, code, pkg) => {
    mkdirSync(join(dir, 'cloudfunctions', name), { recursive: true });
    writeFileSync(join(dir, 'cloudfunctions', name, 'index.js'), code);
    if (pkg) writeFileSync(join(dir, 'cloudfunctions', name, 'package.json'), JSON.stringify(pkg));
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cloudbaserc.json'), JSON.stringify({ envId: 'bench', functionRoot: 'cloudfunctions' }));
  fn('trivial', 'exports.main = async (event) => ({ ok: true, n: event.n });\n');
  fn('sleepy', 'exports.main = async () => { await new Promise((r) => setTimeout(r, 20)); return process.pid; };\n');
  fn(
    'wx',
    "const cloud = require('wx-server-sdk');\ncloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });\nexports.main = async () => cloud.getWXContext();\n",
    { dependencies: { 'wx-server-sdk': '~4.0.2' } },
  );
  return dir;
}

/** Returns rows `{ metric, value, unit, target?, ok? }`. */
export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-functions-'));
  const bundled = bundleFolder('functions');
  const rows = [];
  const open = [];
  try {
    const { openLocalEnvironment } = await bundle(bundled.dir);
    const projectRoot = scratchProject(join(work, 'project'));
    let n = 0;
    // wx-server-sdk comes from the repository's node_modules, like a function's own would.
    const environment = async () => {
      const env = await openLocalEnvironment({ projectRoot, dataDir: join(work, `data-${n++}`), functions: { nodePath: [join(root, 'node_modules')] } });
      open.push(env);
      return env;
    };
    const invoke = async (backend, fn, event) => {
      const out = await backend.functions.invoke(fn, event);
      if (out.error) throw new Error(`${fn}: ${out.error.code}: ${out.error.message}`);
      return out;
    };

    // Cold start: a fresh environment each time, first invocation end to end (process start, module load, call).
    for (const fn of ['trivial', 'wx']) {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const env = await environment();
        const t = performance.now();
        await invoke(env.backend, fn, {});
        times.push(performance.now() - t);
        await env.close();
      }
      const cold = median(times);
      rows.push(
        fn === 'trivial'
          ? { metric: 'cold start via LocalBackend, trivial function (median of 5)', value: round(cold), unit: 'ms', target: '< 500 ms', ok: cold < 500 }
          : { metric: 'cold start via LocalBackend, wx-server-sdk function (median of 5)', value: round(cold), unit: 'ms', target: '< 500 ms', ok: cold < 500 },
      );
    }

    // Warm round trip: the same process again and again, through the backend the extension uses.
    const env = await environment();
    await invoke(env.backend, 'trivial', { n: 0 });
    const warm = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await invoke(env.backend, 'trivial', { n: i });
      warm.push(performance.now() - t);
    }
    const warmMedian = median(warm);
    rows.push({ metric: 'warm invoke round trip via LocalBackend, trivial function (median of 300)', value: round(warmMedian), unit: 'ms', target: '< 20 ms', ok: warmMedian < 20 });
    rows.push({ metric: 'warm invoke round trip via LocalBackend, p95', value: round(percentile(warm, 95)), unit: 'ms' });

    // The same call as an SDK client makes it: node-sdk callFunction over HTTP to /admin.
    const tcb = require('@cloudbase/node-sdk');
    const app = tcb.init({ env: env.envId, secretId: 'AKIDbench', secretKey: 'bench', serviceUrl: env.adminUrl });
    await app.callFunction({ name: 'trivial', data: { n: 0 } });
    const viaHttp = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await app.callFunction({ name: 'trivial', data: { n: i } });
      viaHttp.push(performance.now() - t);
    }
    rows.push({ metric: 'warm callFunction round trip via /admin (node-sdk, median of 100)', value: round(median(viaHttp)), unit: 'ms' });
    // node-sdk spends most of that in itself: a database count over the same /admin takes about as long.
    await env.backend.database.createCollection('bench');
    const counts = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await app.database().collection('bench').count();
      counts.push(performance.now() - t);
    }
    rows.push({ metric: 'for comparison: node-sdk count() round trip via /admin (median of 30)', value: round(median(counts)), unit: 'ms' });

    // 50 concurrent invocations of a function that waits 20 ms: from cold (processes start), then warm.
    for (const phase of ['cold', 'warm']) {
      const t = performance.now();
      const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => env.backend.functions.invoke('sleepy', { i })));
      const total = performance.now() - t;
      const finished = outs.filter((o) => !o.error).length;
      const processes = new Set(outs.map((o) => o.result)).size;
      rows.push({ metric: `50 concurrent invocations via LocalBackend (${phase}, ${processes} processes): finished`, value: finished, unit: '/50', target: '50', ok: finished === 50 });
      rows.push({ metric: `50 concurrent invocations (${phase}): total time`, value: round(total), unit: 'ms' });
    }
  } finally {
    await Promise.allSettled(open.map((e) => e.close()));
    rmSync(work, { recursive: true, force: true });
    bundled.remove();
  }
  return rows;
}

export default run;
