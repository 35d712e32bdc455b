/**
 * The mocha runner inside the real extension host (code-server, loaded by scripts/test.mjs through
 * the smoke-test driver). Tests here use mocha's TDD interface: `suite`, `test`, `suiteSetup`,
 * `setup`, `teardown`, `suiteTeardown`. Every `*.test.ts` file in this folder is loaded.
 *
 * The host's console reaches the terminal, so the spec reporter prints each result there; the
 * counts also go to TEST_SUMMARY_FILE (set by the harness) so `npm test` can add them up.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // A developer runs one suite with CLOUDBASE_TEST_GREP=<part of its title>; the harness passes it through.
  const grep = process.env.CLOUDBASE_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000, ...(grep ? { grep } : {}) });
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));

  let stats = { passed: 0, failed: 0, skipped: 0 };
  try {
    stats = await new Promise((resolve) => {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0 }));
    });
  } catch (e) {
    // A test file that throws while loading stops the whole run before any test starts.
    console.error(`could not load the extension-host tests: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    stats = { passed: 0, failed: 1, skipped: 0 };
  }
  console.log(`${stats.passed} passed, ${stats.failed} failed`);
  if (process.env.TEST_SUMMARY_FILE) writeFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify(stats));
  if (stats.failed > 0) throw new Error(`${stats.failed} extension-host test(s) failed`);
}
