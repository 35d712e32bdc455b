// The UI tier: the packaged VSIX installed into a fresh code-server, driven end to end from plain
// Node mocha (test/ui/*.test.ts) through playwright-core and Debian Chromium.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { profileEnv } from './code-server.mjs';
import { packageExtension } from './package.mjs';
import { chromiumPath, root, screenshotsDir } from './paths.mjs';
import { startGroup, waitForFile } from './processes.mjs';
import { openSession } from './session.mjs';

/**
 * `vsix` skips packaging and installs that file instead of the fresh dist/cloudbase-studio.vsix.
 * @param {{ signal?: AbortSignal, timeoutMs?: number, files?: string[], vsix?: string }} options
 * @returns {Promise<{passed: number, failed: number, error?: string, metrics?: object}>}
 */
export async function runUiTier({ signal, timeoutMs = 300_000, files = ['out/test/ui/**/*.test.js'], vsix } = {}) {
  const hooks = join(root, 'out', 'test', 'ui', 'support', 'hooks.js');
  if (!existsSync(hooks)) throw new Error(`${hooks} is missing: build the tests first (node scripts/build.mjs --tests)`);
  const started = Date.now();
  const session = await openSession({ name: 'ui', vsix: vsix ?? (await packageExtension()) });
  let mocha;
  try {
    if (!(await waitForFile(hooks))) throw new Error(`${hooks} disappeared: was out/ rebuilt meanwhile?`);
    // Screenshots show this run only.
    rmSync(screenshotsDir, { recursive: true, force: true });
    mkdirSync(screenshotsDir, { recursive: true });
    const summaryFile = join(session.dir, 'summary.json');
    const workbenchTimes = [];
    mocha = startGroup(
      'mocha (ui)',
      process.execPath,
      [
        join(root, 'node_modules/mocha/bin/mocha.js'),
        '--require', join(root, 'out/test/ui/support/hooks.js'),
        '--reporter', join(root, 'test/support/summary-reporter.cjs'),
        '--timeout', '90000',
        '--exit',
        // A developer runs one suite with CLOUDBASE_TEST_GREP=<part of its title>.
        ...(process.env.CLOUDBASE_TEST_GREP ? ['--grep', process.env.CLOUDBASE_TEST_GREP] : []),
        ...files,
      ],
      {
        cwd: root,
        env: profileEnv(session.profile, {
          CLOUDBASE_UI_URL: session.server.url(),
          CLOUDBASE_UI_WORKSPACE: session.workspace,
          CLOUDBASE_UI_BROWSER_DIR: join(session.dir, 'browser'),
          CLOUDBASE_UI_SCREENSHOTS: screenshotsDir,
          CHROMIUM_PATH: chromiumPath,
          TEST_SUMMARY_FILE: summaryFile,
        }),
        onLine: (l) => {
          console.log(l);
          const m = /workbench ready in (\d+) ms/.exec(l);
          if (m) workbenchTimes.push(Number(m[1]));
        },
      },
    );
    let timer;
    const outcome = await Promise.race([
      mocha.exited.then(() => 'exit'),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
      new Promise((resolve) => signal?.addEventListener('abort', () => resolve('aborted'), { once: true })),
    ]);
    clearTimeout(timer);
    await mocha.stop();
    const metrics = { serverReadyMs: session.server.readyMs, workbenchMs: workbenchTimes, totalMs: Date.now() - started };
    const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
    if (outcome !== 'exit' || !summary) {
      const why = outcome === 'timeout' ? `no result after ${timeoutMs / 1000} s` : outcome === 'aborted' ? 'stopped' : 'mocha ended without a summary';
      return { passed: summary?.passed ?? 0, failed: Math.max(1, summary?.failed ?? 0), error: why, metrics };
    }
    return { passed: summary.passed, failed: summary.failed, skipped: summary.skipped ?? 0, metrics };
  } finally {
    await mocha?.stop();
    await session.release();
  }
}
