// `npm run package`: the production build and dist/cloudbase-studio.vsix (what users install).
import { existsSync, rmSync } from 'node:fs';
import { root, vsixPath } from './paths.mjs';
import { runBounded } from './processes.mjs';

/** Packages afresh (a VSIX left from an earlier build must never be installed by mistake). */
export async function packageExtension() {
  const started = Date.now();
  rmSync(vsixPath, { force: true });
  const { code, output } = await runBounded('npm run package', 'npm', ['run', 'package', '--silent'], { cwd: root, timeoutMs: 5 * 60_000, quiet: true });
  if (code !== 0 || !existsSync(vsixPath)) throw new Error(`npm run package failed (exit ${code}):\n${output.split('\n').slice(0, 25).join('\n')}`);
  console.log(`packaged ${vsixPath} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsixPath;
}
