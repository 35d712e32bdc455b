// Builds the bundles the extension ships (dist/) and, with --tests, transpiles sources and tests
// file by file into out/ for mocha. Usage: node scripts/build.mjs [--production] [--tests] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // The store's native binding loads its platform's binary at run time, and the documents share its
  // msgpack library: never bundled (package.mjs ships both).
  external: ['lmdb', 'msgpackr'],
};

/** Every bundle the VSIX ships; heavy parts are separate files loaded on first use. */
function bundles() {
  const list = [
    { ...nodeBundle, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode', 'lmdb', 'msgpackr'] },
    // The local environment (database engine, /admin server): loaded by the extension on first use.
    { ...nodeBundle, entryPoints: { 'local-environment': 'src/cloud/local/index.ts' }, outdir: 'dist' },
    // Tencent CloudBase (@cloudbase/manager-node and its dependencies): loaded on first use. The
    // S3 client is an optional dependency of unzipper that manager-node never reaches.
    { ...nodeBundle, entryPoints: { tencent: 'src/cloud/tencent/index.ts' }, outdir: 'dist', external: ['@aws-sdk/client-s3', 'lmdb', 'msgpackr'] },
    // Data across environments (copies, anonymisation with its fake-data library): loaded on first copy.
    { ...nodeBundle, entryPoints: { transfer: 'src/cloud/transfer/index.ts' }, outdir: 'dist' },
    // `cloudbase-emulator` command line, also the process a window starts for a project's local environment.
    { ...nodeBundle, entryPoints: { 'emulator-cli': 'src/cloud/local/environment-process.ts' }, outdir: 'dist' },
    // The process each local cloud function runs in (forked by the function runtime).
    { ...nodeBundle, entryPoints: { 'function-host': 'src/emulator/functions/host/main.ts' }, outdir: 'dist' },
  ];
  // One page bundle per panel: webview/<bundle>/main.ts → dist/webview/<bundle>.js, <bundle> being
  // the panel's *_PANEL_BUNDLE (its view type's last part; test/unit/shared/protocol/panelBundles.test.ts).
  const webviews = join(root, 'webview');
  const panels = existsSync(webviews)
    ? readdirSync(webviews).filter((d) => existsSync(join(webviews, d, 'main.ts')))
    : [];
  if (panels.length > 0) {
    list.push({
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      sourcemap: production ? false : 'linked',
      minify: production,
      logLevel: 'warning',
      absWorkingDir: root,
      entryPoints: Object.fromEntries(panels.map((p) => [p, `webview/${p}/main.ts`])),
      outdir: 'dist/webview',
      loader: { '.css': 'text' },
    });
  }
  return list;
}

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, p));
  }
  return out;
}

/** Sources and tests, one output file per input, so mocha can load any test on its own. */
function testBuild() {
  return {
    // The webview's plain modules (query parsing, value formats) are unit-tested in Node too.
    entryPoints: [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'test')), ...tsFiles(join(root, 'webview')).filter((f) => !/main\.ts$|panel\.ts$|styles\.ts$/.test(f))],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    absWorkingDir: root,
  };
}

const configs = bundles();
if (args.has('--tests')) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  configs.push(testBuild());
}

/**
 * In watch mode each round of rebuilds is framed by "[watch] build started" and "[watch] build
 * finished" (printed once all bundles are idle again), with each problem on two lines (`✘ [ERROR]
 * text`, then `    file:line:column:`): the "watch: esbuild" task's problem matcher in
 * .vscode/tasks.json reads them into the Problems view, and F5 waits for the first round.
 */
let building = 0;
let problems = 0;
function watchReporter() {
  const print = (kind, messages) => {
    for (const m of messages) {
      console.log(`${kind === 'error' ? '✘ [ERROR]' : '▲ [WARNING]'} ${m.text}`);
      if (m.location) console.log(`    ${m.location.file}:${m.location.line}:${m.location.column + 1}:`);
    }
  };
  return {
    name: 'watch-reporter',
    setup(build) {
      build.onStart(() => {
        if (building++ === 0) {
          problems = 0;
          console.log('[watch] build started');
        }
      });
      build.onEnd((result) => {
        print('error', result.errors);
        print('warning', result.warnings);
        problems += result.errors.length;
        if (--building === 0) console.log(`[watch] build finished with ${problems} errors, watching for changes…`);
      });
    },
  };
}

if (watch) {
  for (const c of configs) await (await esbuild.context({ ...c, logLevel: 'silent', plugins: [...(c.plugins ?? []), watchReporter()] })).watch();
} else {
  const started = Date.now();
  await Promise.all(configs.map((c) => esbuild.build(c)));
  console.log(`built ${configs.length} bundle sets in ${Date.now() - started} ms`);
}
