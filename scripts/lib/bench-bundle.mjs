// A folder for a bench section's own esbuild bundle of the environment. It sits inside the
// repository (test-output/), because the store's native binding, lmdb, is never bundled and must
// resolve from the repository's node_modules.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

/** The esbuild options every such bundle shares. */
export const environmentBundle = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: root, external: ['lmdb', 'msgpackr'] };

export function bundleFolder(prefix) {
  mkdirSync(join(root, 'test-output'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test-output', `bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
