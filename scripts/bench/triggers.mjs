// Benchmark section: timer triggers and HTTP access on the local environment. Bundles the
// environment and the function host from src/ into a temporary folder, runs a scratch project with
// an every-second timer trigger and an HTTP access route, and reports:
// timer fire jitter (when the function starts versus the second it was due; target < 50 ms) and
// the round trip of a GET through an HTTP access route to a warm function (target < 5 ms median).
// One section alone: node scripts/bench.mjs triggers
import * as esbuild from 'esbuild';
import { bundleFolder, environmentBundle } from '../lib/bench-bundle.mjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const name = 'triggers';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const round = (x) => Math.round(x * 100) / 100;

async function bundle(dir) {
  await esbuild.build({ ...environmentBundle, entryPoints: { environment: 'src/emulator/environment.ts', 'function-host': 'src/emulator/functions/host/main.ts' }, outdir: dir });
  return createRequire(join(dir, 'environment.js'))(join(dir, 'environment.js'));
}

function scratchProject(dir) {
  const fn = (name, code, config) => {
    mkdirSync(join(dir, 'cloudfunctions', name), { recursive: true });
    writeFileSync(join(dir, 'cloudfunctions', name, 'index.js'), code);
    if (config) writeFileSync(join(dir, 'cloudfunctions', name, 'config.json'), JSON.stringify(config));
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
  // The lateness is taken first thing in the handler: scheduling, IPC and the handler's start.
  fn('tick', 'exports.main = async (event) => { console.log("LATE " + (Date.now() - Date.parse(event.Time))); };\n', {
    triggers: [{ name: 'everySecond', type: 'timer', config: '* * * * * * *' }],
  });
  fn('web', 'exports.main = async (event) => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body: "ok " + event.path });\n');
  writeFileSync(
    join(dir, 'cloudbaserc.json'),
    JSON.stringify({ envId: 'bench', framework: { plugins: { fn: { use: '@cloudbase/framework-plugin-function', inputs: { servicePaths: { web: '/web' } } } } } }),
  );
  return dir;
}

function get(url, agent) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function run() {
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-triggers-'));
  const bundled = bundleFolder('triggers');
  const rows = [];
  let env;
  try {
    const { startLocalEnvironment } = await bundle(bundled.dir);
    const projectRoot = scratchProject(join(work, 'project'));
    env = await startLocalEnvironment({ projectRoot, dataDir: join(work, 'data'), envId: 'local-bench' });

    // Timer jitter: the first fire is cold (a process starts); the next 15 are measured.
    const late = () =>
      env.functions.logs
        .query({ functionName: 'tick' })
        .filter((e) => e.message.startsWith('LATE '))
        .map((e) => Number(e.message.slice(5)));
    const deadline = Date.now() + 30_000;
    while (late().length < 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    env.timers.setPaused(true);
    const samples = late().slice(1);
    rows.push({ metric: `timer fire jitter, every-second trigger, fire due → handler starts (median of ${samples.length}, warm)`, value: round(median(samples)), unit: 'ms', target: '< 50 ms', ok: median(samples) < 50, better: 'lower' });
    rows.push({ metric: 'timer fire jitter, worst of the same fires', value: round(Math.max(...samples)), unit: 'ms', target: '< 50 ms', ok: Math.max(...samples) < 50, better: 'lower' });

    // HTTP access round trip to a warm function over a kept-alive connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = `${env.url}/web/hello`;
    for (let i = 0; i < 20; i++) await get(url, agent);
    const times = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const status = await get(url, agent);
      times.push(performance.now() - t);
      if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
    }
    agent.destroy();
    rows.push({ metric: 'HTTP access round trip, GET through a route to a warm function (median of 300)', value: round(median(times)), unit: 'ms', target: '< 5 ms', ok: median(times) < 5, better: 'lower' });
    rows.push({ metric: 'HTTP access round trip, p95', value: round(percentile(times, 95)), unit: 'ms', better: 'lower' });
  } finally {
    await env?.close();
    rmSync(work, { recursive: true, force: true });
    bundled.remove();
  }
  return rows;
}
