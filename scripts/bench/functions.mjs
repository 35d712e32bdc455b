// Benchmark section: the local function runtime. Bundles the runtime and its host from src/ into a
// temporary folder, runs real function processes against a scratch project, and reports:
// warm round trip (target < 20 ms), cold start (target < 500 ms), 50 concurrent invocations.
// Standalone: node scripts/bench/functions.mjs
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const name = 'functions';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x) => Math.round(x * 10) / 10;

async function bundle(dir) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: root };
  await esbuild.build({ ...common, entryPoints: { runtime: 'src/emulator/functions/index.ts', 'function-host': 'src/emulator/functions/host/main.ts' }, outdir: dir });
  return createRequire(join(dir, 'runtime.js'))(join(dir, 'runtime.js'));
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
  return { root: dir, functionRoot: join(dir, 'cloudfunctions'), marker: 'cloudbaserc.json' };
}

/** Returns rows `{ metric, value, unit, target?, ok? }`. */
export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-functions-'));
  const rows = [];
  try {
    const { FunctionRuntime } = await bundle(join(work, 'bundle'));
    const project = scratchProject(join(work, 'project'));
    const make = (extra = {}) =>
      new FunctionRuntime({
        project,
        envId: 'local-bench',
        adminUrl: 'http://127.0.0.1:9/admin',
        hostScript: join(work, 'bundle', 'function-host.js'),
        nodePath: [join(root, 'node_modules')],
        ...extra,
      });

    // Cold start: a fresh runtime each time, first invocation end to end (process start, module load, call).
    for (const fn of ['trivial', 'wx']) {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const rt = make();
        const t = performance.now();
        const out = await rt.invoke(fn, {});
        times.push(performance.now() - t);
        if (out.error) throw new Error(`${fn}: ${out.error.message}`);
        await rt.dispose();
      }
      const cold = median(times);
      rows.push(fn === 'trivial'
        ? { metric: 'cold start, trivial function (median of 5)', value: round(cold), unit: 'ms', target: '< 500 ms', ok: cold < 500 }
        : { metric: 'cold start, wx-server-sdk function (median of 5)', value: round(cold), unit: 'ms' });
    }

    // Warm round trip: the same process again and again.
    const rt = make();
    await rt.invoke('trivial', { n: 0 });
    const warm = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await rt.invoke('trivial', { n: i });
      warm.push(performance.now() - t);
    }
    const warmMedian = median(warm);
    rows.push({ metric: 'warm invoke round trip, trivial function (median of 300)', value: round(warmMedian), unit: 'ms', target: '< 20 ms', ok: warmMedian < 20 });
    rows.push({ metric: 'warm invoke round trip, p95', value: round(percentile(warm, 95)), unit: 'ms' });
    await rt.dispose();

    // 50 concurrent invocations of a function that waits 20 ms: from cold (processes start), then warm.
    const many = make();
    for (const phase of ['cold', 'warm']) {
      const t = performance.now();
      const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => many.invoke('sleepy', { i })));
      const total = performance.now() - t;
      const finished = outs.filter((o) => !o.error).length;
      const processes = new Set(outs.map((o) => o.result)).size;
      rows.push({ metric: `50 concurrent invocations (${phase}, ${processes} processes): finished`, value: finished, unit: '/50', target: '50', ok: finished === 50 });
      rows.push({ metric: `50 concurrent invocations (${phase}): total time`, value: round(total), unit: 'ms' });
    }
    await many.dispose();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export default run;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run();
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED';
    console.log(`${r.metric}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target})` : ''}${verdict}`);
  }
  process.exit(rows.every((r) => r.ok !== false) ? 0 : 1);
}
