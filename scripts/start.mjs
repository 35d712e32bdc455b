// `npm start`: CloudBase Studio in a real VS Code (code-server) in the browser, with a demo
// mini-program project whose local environment the extension starts. Installs whatever is missing,
// builds and packages the extension, installs the VSIX into a fresh profile, prints the URL.
// Ctrl+C stops everything it started.
// Usage: npm start [-- --port N] [-- --reset-demo]     (PORT=N works too; default 8080)
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installSignalHandlers, releaseAll, stopping, tempDir } from './e2e/processes.mjs';
import { ensureDependencies } from './lib/setup.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'reset-demo': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm start [-- --port N] [-- --reset-demo]');
  process.exit(0);
}
const port = Number(values.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`invalid port: ${values.port ?? process.env.PORT} (use a number from 1 to 65535)`);
  process.exit(2);
}

installSignalHandlers();
const t0 = Date.now();
const step = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${what}`);

try {
  step('checking dependencies');
  ensureDependencies();
  // Loaded after ensureDependencies: these import packages it may have just installed.
  const { ensureTools } = await import('./e2e/tools.mjs');
  const { packageExtension } = await import('./e2e/package.mjs');
  const { ensureDemoProject } = await import('./e2e/demo.mjs');
  const { createProfile, installVsix, startCodeServer } = await import('./e2e/code-server.mjs');
  const { cacheDir, demoCopyDir } = await import('./e2e/paths.mjs');

  step('preparing code-server and Chromium');
  const tools = await ensureTools();
  step('building and packaging the extension');
  const vsix = await packageExtension();
  step(values['reset-demo'] ? 'recreating the demo project' : 'preparing the demo project');
  const demo = await ensureDemoProject(demoCopyDir, { reset: values['reset-demo'] });
  if (demo.created) step(`demo project seeded: ${Object.entries(demo.counts).map(([c, n]) => `${c} ${n}`).join(', ')}`);

  const { dir } = tempDir('cbs-start-');
  const profile = createProfile(dir);
  step('installing the extension into a fresh profile');
  await installVsix(tools, profile, vsix);
  step(`starting code-server on 127.0.0.1:${port}`);
  const logFile = join(cacheDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const server = await startCodeServer(tools, profile, { port, folder: demo.path, onLine: (l) => log.write(`${l}\n`) });
  const url = server.url();
  console.log(`
CloudBase Studio is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s). Open:

    ${url}

The demo project is ${demo.path}; its local environment starts with the extension.
No account or sign-in is needed. code-server's log: ${logFile}. Press Ctrl+C to stop.
`);
  const { code, signal } = await server.exited;
  if (stopping()) await new Promise(() => undefined); // the signal handler exits
  console.error(`code-server stopped (${signal ?? `exit ${code}`}):\n${server.output().split('\n').slice(-20).join('\n')}`);
  await releaseAll();
  process.exit(1);
} catch (e) {
  console.error(`\nnpm start failed: ${e instanceof Error ? e.message : String(e)}`);
  await releaseAll();
  process.exit(1);
}
