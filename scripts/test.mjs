// `npm test`: every tier, then one closing line `N passed, N failed` that counts them all.
// A tier that cannot start counts as a failure; it is never skipped.
// Usage: node scripts/test.mjs [unit|extension-host|ui ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, run } from './lib/setup.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const requested = process.argv.slice(2);

const tiers = {
  unit: () => mochaTier('unit', ['out/test/unit/**/*.test.js']),
};

function mochaTier(name, globs) {
  const dir = mkdtempSync(join(tmpdir(), `cbs-${name}-`));
  const summary = join(dir, 'summary.json');
  const res = spawnSync(
    process.execPath,
    [join(root, 'node_modules/mocha/bin/mocha.js'), '--reporter', join(root, 'test/support/summary-reporter.cjs'), '--timeout', '30000', '--exit', ...globs],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TEST_SUMMARY_FILE: summary } },
  );
  const result = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : { passed: 0, failed: 1, error: `mocha exited ${res.status} without a summary` };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

ensureDependencies();
run('npx', ['tsc', '-p', '.', '--noEmit'], 'type check');
run(process.execPath, ['scripts/build.mjs', '--tests'], 'build');

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of requested.length > 0 ? requested : Object.keys(tiers)) {
  const tier = tiers[name];
  if (!tier) {
    console.error(`unknown tier: ${name} (tiers: ${Object.keys(tiers).join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== ${name} tier ===`);
  let r;
  try {
    r = await tier();
  } catch (e) {
    r = { passed: 0, failed: 1, error: e instanceof Error ? e.message : String(e) };
  }
  if (r.error) console.error(`${name} tier could not run: ${r.error}`);
  console.log(`${name}: ${r.passed} passed, ${r.failed} failed`);
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped ?? 0;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
