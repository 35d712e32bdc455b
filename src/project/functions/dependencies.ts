/**
 * Whether the packages a function's package.json declares can be required from its folder. The
 * cloud installs them on deploy; locally they must be in node_modules (the folder's own, a parent's
 * as Node resolves them, or an extra NODE_PATH folder).
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Declared `dependencies` (not devDependencies) that cannot be found; empty without package.json. */
export async function missingDependencies(folder: string, nodePath: readonly string[] = []): Promise<string[]> {
  let declared: string[];
  try {
    const pkg = JSON.parse(await fs.readFile(join(folder, 'package.json'), 'utf8')) as { dependencies?: unknown };
    declared = pkg.dependencies && typeof pkg.dependencies === 'object' ? Object.keys(pkg.dependencies) : [];
  } catch {
    return [];
  }
  const searched: string[] = [];
  for (let dir = folder; ; dir = dirname(dir)) {
    searched.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  searched.push(...nodePath);
  const missing: string[] = [];
  for (const name of declared) {
    let found = false;
    for (const base of searched) {
      if (await isDirectory(join(base, name))) {
        found = true;
        break;
      }
    }
    if (!found) missing.push(name);
  }
  return missing;
}
