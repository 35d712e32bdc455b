// Benchmark section: the local environment as a process of its own, as a window reaches it:
// starting one (dist/emulator-cli.js, until it answers), attaching to one already running, and a
// call's round trip to /admin: a raw POST, @cloudbase/node-sdk as pasted without TENCENTCLOUD
// (it probes Tencent's metadata host first), and with the SDK setup's TENCENTCLOUD=true; and the
// longest event-loop stall of the attaching process (the extension host's part) while an
// environment holding BENCH_PROCESS_DOCS (1,000,000) documents starts, beside opening the same
// database in that process, which is what running the engine in the extension host would cost.
// Uses the builds of `node scripts/build.mjs --tests` (out/, dist/). Standalone: node scripts/bench/process.mjs
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'process';

const CALLS = 20;
const SDK_CALLS = 10;
const BIG_DOCS = Number(process.env.BENCH_PROCESS_DOCS || 1_000_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 100) / 100;

function post(url, body, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cloudbase-studio-token': token } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function timed(fn, times) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/** The longest event-loop delay while `fn` runs, in ms. */
async function longestStall(fn) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  try {
    await fn();
  } finally {
    delay.disable();
  }
  return delay.max / 1e6;
}

function tempProject() {
  const project = mkdtempSync(join(tmpdir(), 'cbs-bench-process-'));
  writeFileSync(join(project, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
  mkdirSync(join(project, 'cloudfunctions'));
  return { project, dataDir: join(project, '.cloudbase', 'local') };
}

async function stallsWhileBigOpens(attachLocalEnvironment, cliScript) {
  const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
  const { project, dataDir } = tempProject();
  try {
    const databaseDir = join(dataDir, 'database');
    const db = await openDatabase(databaseDir);
    const big = await db.createCollection('big');
    for (let at = 0; at < BIG_DOCS; at += 10_000) {
      await big.insertMany(Array.from({ length: Math.min(10_000, BIG_DOCS - at) }, (_, i) => ({ n: at + i, name: `user${at + i}`, city: 'Shanghai', score: (at + i) % 100 })));
    }
    await db.close();
    const inProcess = await longestStall(async () => {
      const opened = await openDatabase(databaseDir);
      opened.collection('big').find({}, { limit: 20 });
      await opened.close();
    });
    const separate = await stallWhileStarting(attachLocalEnvironment, cliScript, project, dataDir);
    const empty = tempProject();
    try {
      return { inProcess, separate, empty: await stallWhileStarting(attachLocalEnvironment, cliScript, empty.project, empty.dataDir) };
    } finally {
      rmSync(empty.project, { recursive: true, force: true });
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

async function stallWhileStarting(attachLocalEnvironment, cliScript, projectRoot, dataDir) {
  let env;
  const stall = await longestStall(async () => {
    env = await attachLocalEnvironment({ projectRoot, dataDir, cliScript });
    await env.backend.database.listCollections({ limit: 20 });
  });
  await env.stop();
  return stall;
}

export async function run() {
  const { attachLocalEnvironment } = require(join(root, 'out/src/cloud/local/attach.js'));
  const cliScript = join(root, 'dist', 'emulator-cli.js');
  const { project, dataDir } = tempProject();
  const envs = [];
  try {
    let t = performance.now();
    const first = await attachLocalEnvironment({ projectRoot: project, dataDir, cliScript, extraArgs: ['--detach-grace-ms', '2000'] });
    const startMs = performance.now() - t;
    envs.push(first);
    const attachMs = await timed(async () => {
      const other = await attachLocalEnvironment({ projectRoot: project, dataDir, cliScript });
      await other.detach();
    }, 5);
    await first.backend.database.createCollection('bench');
    await first.backend.database.insertDocuments('bench', [{ _id: 'one', n: 1 }]);

    const token = /TENCENTCLOUD_SESSIONTOKEN=(\S+)/.exec(first.sdkSetup)[1];
    const adminUrl = `${first.url}/admin`;
    const body = JSON.stringify({ action: 'database.getDocument', collectionName: 'bench', query: { _id: 'one' }, limit: 1 });
    const check = await post(adminUrl, body, token);
    if (check.code) throw new Error(`raw POST answered ${check.code}: ${check.message}`);
    const rawMs = await timed(() => post(adminUrl, body, token), CALLS);

    const tcb = require('@cloudbase/node-sdk');
    const app = tcb.init({ env: first.envId, secretId: 'local', secretKey: token, sessionToken: token, serviceUrl: adminUrl });
    const call = () => app.database().collection('bench').doc('one').get();
    delete process.env.TENCENTCLOUD;
    const probeMs = await timed(call, SDK_CALLS);
    process.env.TENCENTCLOUD = 'true';
    const directMs = await timed(call, SDK_CALLS);
    delete process.env.TENCENTCLOUD;
    const stalls = await stallsWhileBigOpens(attachLocalEnvironment, cliScript);
    const docs = BIG_DOCS.toLocaleString('en-US');

    return [
      { metric: 'start a local environment process (until it answers)', value: round(startMs), unit: 'ms', better: 'lower' },
      { metric: 'attach to the running environment (second window, reload)', value: round(attachMs), unit: 'ms', better: 'lower', baseline: round(startMs), baselineLabel: 'starting one' },
      { metric: '/admin raw POST (database.getDocument), median', value: round(rawMs), unit: 'ms', better: 'lower' },
      { metric: 'node-sdk doc().get() without TENCENTCLOUD (metadata probe), median', value: round(probeMs), unit: 'ms', better: 'lower' },
      { metric: 'node-sdk doc().get() with TENCENTCLOUD=true (the SDK setup), median', value: round(directMs), unit: 'ms', better: 'lower', baseline: round(probeMs), baselineLabel: 'with the probe' },
      { metric: `longest event-loop stall of the attaching process (the extension host) while a ${docs}-document environment starts`, value: round(stalls.separate), unit: 'ms', target: 'nothing of the open: as for an empty one', better: 'lower', baseline: round(stalls.inProcess), baselineLabel: 'opening it in this process' },
      { metric: 'the same for an empty environment (spawning and attaching alone)', value: round(stalls.empty), unit: 'ms', better: 'lower' },
    ];
  } finally {
    for (const env of envs) await env.stop().catch(() => undefined);
    rmSync(project, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await run());
