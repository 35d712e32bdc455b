// Set-up shared by `npm start`, `npm test` and `npm run bench`: each must work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a command in the repository; when it fails, `onFailure` decides what happens (by default
 * the script stops with the command's exit code).
 */
export function run(cmd, args, what, options = {}, onFailure = (code) => process.exit(code)) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (res.status !== 0) {
    console.error(`${what} failed (exit ${res.status ?? res.signal})`);
    onFailure(res.status || 1);
  }
}

/** Installs from the lockfile when node_modules is missing. */
export function ensureDependencies(onFailure) {
  if (existsSync(join(root, 'node_modules/.package-lock.json'))) return;
  console.log('Installing dependencies from package-lock.json…');
  run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci', {}, onFailure);
}
