// `npm test`: every tier, then one closing line `N passed, N failed` that counts them all.
// A tier that cannot start counts as a failure; it is never skipped. Each tier has a time limit,
// and whatever a tier started is stopped when it ends, times out, or the run is interrupted.
// Usage: node scripts/test.mjs [unit|extension-host|ui ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installSignalHandlers, killLeftovers, reportLeftovers, settleLeftovers, startGroup, stopping } from './e2e/processes.mjs';
import { ensureDependencies } from './lib/setup.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const requested = process.argv.slice(2);

/**
 * Each tier: its runner and how long it may take before it is stopped and counted as failed. The
 * end-to-end modules load lazily: they import packages that `ensureDependencies` may install first.
 */
const tiers = {
  unit: { limitMs: 10 * 60_000, run: (signal) => mochaTier('unit', ['out/test/unit/**/*.test.js'], signal) },
  'extension-host': {
    limitMs: 12 * 60_000,
    run: async (signal) => (await import('./e2e/extension-host-tier.mjs')).runExtensionHostTier({ signal, timeoutMs: 600_000 }),
  },
  ui: {
    limitMs: 10 * 60_000,
    run: async (signal) => (await import('./e2e/ui-tier.mjs')).runUiTier({ signal, timeoutMs: 480_000 }),
  },
};

async function mochaTier(name, globs, signal) {
  const dir = mkdtempSync(join(tmpdir(), `cbs-${name}-`));
  const summary = join(dir, 'summary.json');
  try {
    const child = startGroup(
      `mocha (${name})`,
      process.execPath,
      [join(root, 'node_modules/mocha/bin/mocha.js'), '--reporter', join(root, 'test/support/summary-reporter.cjs'), '--timeout', '30000', '--exit', ...globs],
      { cwd: root, env: { ...process.env, TEST_SUMMARY_FILE: summary }, onLine: (l) => console.log(l) },
    );
    const onAbort = () => void child.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    const { code, signal: killedBy } = await child.exited;
    signal.removeEventListener('abort', onAbort);
    await child.stop();
    return existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : { passed: 0, failed: 1, error: `mocha exited ${code ?? killedBy} without a summary` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a tier under its time limit; on expiry the tier is told to stop and is given 30 s to clean up. */
async function runTier(name, tier) {
  const controller = new AbortController();
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('expired');
    }, tier.limitMs);
  });
  const work = Promise.resolve().then(() => tier.run(controller.signal));
  try {
    const first = await Promise.race([work, expired]);
    if (first !== 'expired') return first;
    const late = await Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
    return { passed: late?.passed ?? 0, failed: Math.max(1, late?.failed ?? 0), error: `timed out after ${tier.limitMs / 1000} s` };
  } finally {
    clearTimeout(timer);
  }
}

/** The closing line, always the last thing printed (CI reads it). */
function finish(totals) {
  console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

/** A step before the tiers; when it fails nothing can be tested, which counts as one failure. */
function prepare(what, cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (res.status === 0) return;
  console.error(`${what} failed (exit ${res.status ?? res.signal})`);
  finish({ passed: 0, failed: 1 });
}

const names = requested.length > 0 ? requested : Object.keys(tiers);
const unknown = names.filter((n) => !tiers[n]);
if (unknown.length > 0) {
  console.error(`unknown tier: ${unknown.join(', ')} (tiers: ${Object.keys(tiers).join(', ')})`);
  process.exit(2);
}

installSignalHandlers();
ensureDependencies(() => finish({ passed: 0, failed: 1 }));
prepare('type check', 'npx', ['tsc', '-p', '.', '--noEmit']);
prepare('type check (webview)', 'npx', ['tsc', '-p', 'webview', '--noEmit']);
prepare('build', process.execPath, ['scripts/build.mjs', '--tests']);

const totals = { passed: 0, failed: 0, skipped: 0 };
const times = [];
// After Ctrl+C the signal handler stops what runs and exits; no further tier starts meanwhile.
const halted = () => new Promise(() => undefined);
for (const name of names) {
  if (stopping()) await halted();
  const tier = tiers[name];
  console.log(`\n=== ${name} tier ===`);
  const started = Date.now();
  let r;
  try {
    r = await runTier(name, tier);
  } catch (e) {
    r = { passed: 0, failed: 1, error: e instanceof Error ? e.message : String(e) };
  }
  if (stopping()) await halted();
  // A window's local environment stops by itself a few seconds after its last window went away.
  await settleLeftovers(15_000);
  const left = reportLeftovers(`${name} tier`);
  if (left > 0) {
    killLeftovers();
    r.failed += 1;
  }
  if (r.error) console.error(`${name} tier: ${r.error}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  times.push(`${name} ${seconds} s`);
  const m = r.metrics;
  const detail = m ? ` (code-server ready ${m.serverReadyMs} ms, workbench ${[m.workbenchMs].flat().filter((x) => x !== undefined).join('/')} ms)` : '';
  console.log(`${name}: ${r.passed} passed, ${r.failed} failed in ${seconds} s${detail}`);
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped ?? 0;
}
console.log(`\ntiers: ${times.join(', ')}`);
finish(totals);
