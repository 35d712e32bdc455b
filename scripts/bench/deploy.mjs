// Benchmark section: deploying functions. Packing a function folder with 20 MB of files (several
// hundred source-like files plus a few large assets) with the packager the extension uses, and an
// unchanged redeploy to the fake Tencent cloud through the real manager-node (target < 1 s: nothing
// is uploaded). Loads the compiled sources from out/ (`node scripts/build.mjs --tests` first when
// run on its own: node scripts/bench/deploy.mjs).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'deploy';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

/** 20 MB: 400 text files of ~25 KB (compressible, like sources) and 10 MB of random assets (not). */
function largeFunction(folder) {
  mkdirSync(join(folder, 'lib'), { recursive: true });
  mkdirSync(join(folder, 'assets'), { recursive: true });
  writeFileSync(join(folder, 'index.js'), 'exports.main = async () => "ok";\n');
  const line = 'module.exports.value = "the quick brown fox jumps over the lazy dog";\n';
  const text = line.repeat(Math.ceil(25 * 1024 / line.length)).slice(0, 25 * 1024);
  for (let i = 0; i < 400; i++) writeFileSync(join(folder, 'lib', `m${i}.js`), `// ${i}\n${text}`);
  for (let i = 0; i < 10; i++) writeFileSync(join(folder, 'assets', `a${i}.bin`), randomBytes(1024 * 1024));
}

export async function run() {
  const { packFunction, deployFunction, readFunctionSource } = require(join(root, 'out/src/cloud/deploy/index.js'));
  const { TencentBackend } = require(join(root, 'out/src/cloud/tencent/index.js'));
  const { startFakeTencentCloud } = require(join(root, 'out/test/fakes/tencent-cloud/server.js'));
  const { functionTimings } = require(join(root, 'out/test/fakes/tencent-cloud/actions/functions.js'));
  const work = mkdtempSync(join(tmpdir(), 'cbs-bench-deploy-'));
  const rows = [];
  let fake;
  try {
    const project = join(work, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'cloudbaserc.json'), JSON.stringify({ envId: 'bench-env', functionRoot: 'cloudfunctions' }));
    const big = join(project, 'cloudfunctions', 'big');
    largeFunction(big);
    const packs = [];
    let pkg;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      pkg = await packFunction(big);
      packs.push(performance.now() - t);
    }
    // The baseline: manager-node's own packer (archiver over a glob, to a file), as `tcb fn deploy` packs.
    const { compressToZip } = require('@cloudbase/manager-node/lib/utils');
    const naive = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await compressToZip({ dirPath: big, outputPath: join(work, `naive-${i}.zip`), ignore: ['node_modules/**/*', 'node_modules'] });
      naive.push(performance.now() - t);
    }
    rows.push({
      metric: `pack a function of ${(pkg.totalBytes / 1048576).toFixed(0)} MB in ${pkg.files.length} files, with its content hash (zip ${(pkg.zip.length / 1048576).toFixed(1)} MB, median of 5)`,
      value: round(median(packs)),
      unit: 'ms',
      baseline: round(median(naive)),
      baselineLabel: "manager-node's packer",
      better: 'lower',
    });

    // A small function for the redeploy: the fake takes inline zips only (≤ 1.5 MB), like the real inline path.
    const small = join(project, 'cloudfunctions', 'small');
    mkdirSync(small, { recursive: true });
    writeFileSync(join(small, 'index.js'), 'exports.main = async () => "ok";\n');
    for (let i = 0; i < 50; i++) writeFileSync(join(small, `m${i}.js`), `module.exports = ${i};\n`);
    functionTimings.transitionMs = 50;
    const secretId = 'AKIDbenchId0123456789abcdef';
    const secretKey = 'benchSecretKey-0123456789';
    fake = await startFakeTencentCloud({ dataDir: join(work, 'fake'), secretId, secretKey, environments: [{ envId: 'bench-env' }] });
    const backend = new TencentBackend(
      { key: 'tencent:bench-env', kind: 'tencent', envId: 'bench-env', label: 'bench', region: 'ap-shanghai' },
      { secretId, secretKey },
      { transport: { rewriteUrl: (url) => url.replace(/^https:\/\/[^/]+/, fake.url) }, functions: { pollIntervalMs: 50 } },
    );
    const source = await readFunctionSource(small);
    const first = await deployFunction(backend.functions, source);
    rows.push({ metric: 'first deploy of a small function to the fake cloud (create, manager-node polls each 1 s)', value: round(first.elapsedMs), unit: 'ms' });
    const again = [];
    for (let i = 0; i < 10; i++) {
      const r = await deployFunction(backend.functions, source, { previous: first.record });
      if (r.action !== 'unchanged') throw new Error(`redeploy was ${r.action}`);
      again.push(r.elapsedMs);
    }
    const m = median(again);
    rows.push({ metric: 'unchanged redeploy to the fake cloud through manager-node: nothing uploaded (median of 10)', value: round(m), unit: 'ms', target: '< 1000 ms', ok: m < 1000 });
    const uploads = fake.requests.filter((r) => r.action === 'UpdateFunctionCode').length;
    rows.push({ metric: 'code uploads during the unchanged redeploys', value: uploads, unit: 'requests', target: '0', ok: uploads === 0 });
  } finally {
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await run()) console.log(`${row.metric}: ${row.value} ${row.unit}${row.baseline !== undefined ? ` (${row.baselineLabel}: ${row.baseline} ${row.unit})` : ''}${row.target ? ` (target ${row.target})` : ''}`);
}
