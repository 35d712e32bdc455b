// One code-server instance on 127.0.0.1 with a fresh profile (user data, extensions, XDG folders)
// inside a temporary folder, started as its own process group.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userSettingsFile } from './paths.mjs';
import { runBounded, startGroup } from './processes.mjs';
import { node24Env } from './tools.mjs';

/**
 * The profile folders for one run, all under `dir`. `isolateHome` also moves HOME there so tests
 * can never read the developer's CloudBase login or write into their home folder.
 */
export function createProfile(dir, { isolateHome = false } = {}) {
  const profile = {
    dir,
    userDataDir: join(dir, 'user-data'),
    extensionsDir: join(dir, 'extensions'),
    configFile: join(dir, 'code-server.yaml'),
    xdg: join(dir, 'xdg'),
    tmp: join(dir, 'tmp'),
    home: isolateHome ? join(dir, 'home') : undefined,
  };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  for (const d of ['config', 'data', 'cache']) mkdirSync(join(profile.xdg, d), { recursive: true });
  mkdirSync(profile.tmp, { recursive: true });
  if (profile.home) mkdirSync(profile.home, { recursive: true });
  copyFileSync(userSettingsFile, join(profile.userDataDir, 'User', 'settings.json'));
  return profile;
}

/** The environment code-server (and so the extension host) and Chromium get. */
export function profileEnv(profile, extra = {}) {
  const env = { ...process.env };
  // A terminal inside VS Code or code-server sets these; code-server would then hand the folder to
  // that instance instead of starting its own.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k.startsWith('ELECTRON_')) delete env[k];
  // code-server takes its port from PORT over --bind-addr.
  delete env.PORT;
  Object.assign(env, {
    XDG_CONFIG_HOME: join(profile.xdg, 'config'),
    XDG_DATA_HOME: join(profile.xdg, 'data'),
    XDG_CACHE_HOME: join(profile.xdg, 'cache'),
    // VS Code leaves its IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) in the temp folder.
    TMPDIR: profile.tmp,
  });
  if (profile.home) env.HOME = profile.home;
  return { ...env, ...extra };
}

function writeConfig(profile, port) {
  writeFileSync(profile.configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
}

function commonArgs(profile) {
  return ['--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

export async function installVsix(tools, profile, vsix) {
  writeConfig(profile, 0);
  const { code, output } = await runBounded(
    'code-server --install-extension',
    tools.node,
    [tools.codeServerEntry, ...commonArgs(profile), '--install-extension', vsix],
    { env: node24Env(profileEnv(profile)), timeoutMs: 60_000, quiet: true },
  );
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${code}):\n${output}`);
  }
}

/** A port the system just handed out on 127.0.0.1 (tests must not collide with `npm start`). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts code-server and resolves once /healthz answers. `smokeTestDriver` lets the web client
 * honour the `payload` URL parameter (development path, tests path); it also hides toasts.
 */
export async function startCodeServer(tools, profile, { port, folder, smokeTestDriver = false, env = {}, onLine, readyTimeoutMs = 60_000, reconnectionGraceSeconds = 5 }) {
  writeConfig(profile, port);
  const args = [
    tools.codeServerEntry,
    ...commonArgs(profile),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    // A closed or reloaded tab leaves its extension host running for this long (default 3 h),
    // holding the project's local environment; a short grace frees it for the next window.
    '--reconnection-grace-time', String(reconnectionGraceSeconds),
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    folder,
  ];
  const started = Date.now();
  const server = startGroup('code-server', tools.node, args, { env: node24Env(profileEnv(profile, env)), onLine });
  let exited = false;
  void server.exited.then(() => (exited = true));
  // Another server on the port could answer /healthz too: wait for ours to say it listens.
  const listening = () => server.output().includes(`HTTP server listening on http://127.0.0.1:${port}`);
  while (!(listening() && (await healthy(port)))) {
    if (exited) {
      await server.stop();
      const hint = /EADDRINUSE/.test(server.output()) ? ` (port ${port} is taken: choose another one)` : '';
      throw new Error(`code-server exited before it was ready${hint}:\n${server.output()}`);
    }
    if (Date.now() - started > readyTimeoutMs) {
      await server.stop();
      throw new Error(`code-server was not ready after ${readyTimeoutMs / 1000} s:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    ...server,
    port,
    readyMs: Date.now() - started,
    /** The workbench URL for `folder`, with optional smoke-test payload entries. */
    url(payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `http://127.0.0.1:${port}/?${q}`;
    },
  };
}

/** code-server's remote authority is always `remote`; payload paths must use it. */
export const remoteUri = (absPath) => `vscode-remote://remote${absPath}`;
