// Debian's Chromium driven by playwright-core (no browser download). Its profile and XDG folders
// live in the run's temporary folder; its environment carries the run marker.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';
import { markerEnv, track } from './processes.mjs';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens a persistent context in `dir`. The harness process handles signals itself, so Playwright's
 * own handlers are off here; the context is tracked and closed by the harness's cleanup.
 */
export async function launchBrowser(dir, env) {
  mkdirSync(join(dir, 'chromium-profile'), { recursive: true });
  const context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    env: { ...env, ...markerEnv },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  const close = track({
    name: 'chromium',
    // A wedged browser must not hold the run: after 10 s the leftover sweep kills it by pid.
    stop: () => Promise.race([context.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]),
    // Playwright kills the browsers it launched when the process exits.
    stopSync: () => undefined,
  });
  return { context, close };
}
