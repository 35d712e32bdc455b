// The extension-host tier: mocha runs inside code-server's real extension host, loaded through the
// smoke-test driver (`payload` URL parameter: extensionDevelopmentPath + extensionTestsPath). The
// web client reports the host's console through codeAutomationLog and the end through
// codeAutomationExit; the runner in the host also writes a {passed, failed} summary file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { profileEnv, remoteUri } from './code-server.mjs';
import { root } from './paths.mjs';
import { waitForFile } from './processes.mjs';
import { openSession } from './session.mjs';

/** Messages every code-server run logs that say nothing about the extension or its tests. */
const NOISE = [
  /vsda/,
  /open-vsx\.org/,
  /Timed out waiting for authentication provider/,
  /^Canceled: Canceled/,
  /Failed to load resource/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
];

/** The host's console calls arrive as their arguments (printf style, as mocha's reporter uses them). */
function text(args) {
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

/**
 * @param {{ signal?: AbortSignal, extensionPath?: string, testsPath?: string, timeoutMs?: number }} options
 * @returns {Promise<{passed: number, failed: number, error?: string, metrics?: object}>}
 */
export async function runExtensionHostTier({ signal, extensionPath = root, testsPath = join(root, 'out', 'test', 'extension-host'), timeoutMs = 300_000 } = {}) {
  if (!existsSync(join(testsPath, 'index.js'))) throw new Error(`${testsPath}/index.js is missing: build the tests first (node scripts/build.mjs --tests)`);
  const started = Date.now();
  const session = await openSession({ name: 'exthost', smokeTestDriver: true, env: (dir) => ({ TEST_SUMMARY_FILE: join(dir, 'summary.json') }) });
  const summaryFile = join(session.dir, 'summary.json');
  let browser;
  try {
    browser = await launchBrowser(session.dir, profileEnv(session.profile));
    const { context } = browser;
    let exitCode;
    let onExit;
    const exited = new Promise((resolve) => (onExit = resolve));
    await context.exposeFunction('codeAutomationExit', (code) => {
      exitCode = code;
      onExit(code);
    });
    await context.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = text(args);
      if (NOISE.some((n) => n.test(line))) return;
      for (const l of line.split('\n')) console.log(`  ${l}`);
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !NOISE.some((n) => n.test(m.text()))) pageErrors.push(m.text());
    });
    if (!(await waitForFile(join(testsPath, 'index.js')))) throw new Error(`${testsPath}/index.js disappeared: was out/ rebuilt meanwhile?`);
    const navigated = Date.now();
    const url = session.server.url([
      ['extensionDevelopmentPath', remoteUri(extensionPath)],
      ['extensionTestsPath', remoteUri(testsPath)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let workbenchMs;
    void page.waitForSelector('.monaco-workbench', { timeout: timeoutMs }).then(
      () => (workbenchMs = Date.now() - navigated),
      () => undefined,
    );
    let timer;
    const outcome = await Promise.race([
      exited.then(() => 'exit'),
      session.server.exited.then(() => 'server-exit'),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
      new Promise((resolve) => signal?.addEventListener('abort', () => resolve('aborted'), { once: true })),
    ]);
    clearTimeout(timer);
    const metrics = { serverReadyMs: session.server.readyMs, workbenchMs, totalMs: Date.now() - started };
    const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
    if (outcome !== 'exit' || !summary) {
      const why =
        outcome === 'timeout' ? `no result after ${timeoutMs / 1000} s`
        : outcome === 'server-exit' ? `code-server stopped:\n${session.server.output()}`
        : outcome === 'aborted' ? 'stopped'
        : `the extension host ended (code ${exitCode}) without a test summary`;
      if (pageErrors.length > 0) console.error(`workbench errors:\n  ${pageErrors.slice(-20).join('\n  ')}`);
      return { passed: summary?.passed ?? 0, failed: Math.max(1, summary?.failed ?? 0), error: why, metrics };
    }
    // A run that rejected without a counted failure (e.g. a test file that throws while loading).
    const failed = exitCode !== 0 && summary.failed === 0 ? 1 : summary.failed;
    return { passed: summary.passed, failed, skipped: summary.skipped ?? 0, metrics };
  } finally {
    await browser?.close();
    await session.release();
  }
}
