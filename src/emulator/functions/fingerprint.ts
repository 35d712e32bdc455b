/**
 * A cheap summary of a function folder's files (paths, sizes, modification times) so a warm process
 * is replaced when its code changed and the tree learns of edits. node_modules counts only through
 * its own entry list and npm's lock file, which every install rewrites, so thousands of packages are
 * never walked.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** Past this many entries the rest of a (generated or vendored) tree is not looked at. */
const MAX_ENTRIES = 2000;

async function stamp(path: string): Promise<string> {
  try {
    const s = await fs.stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
}

export async function folderFingerprint(folder: string): Promise<string> {
  const parts: string[] = [];
  let budget = MAX_ENTRIES;
  async function walk(dir: string, prefix: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (budget-- <= 0) return;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        await walk(path, `${prefix}${e.name}/`);
      } else if (e.isFile()) {
        parts.push(`${prefix}${e.name}=${await stamp(path)}`);
      }
    }
  }
  await walk(folder, '');
  const modules = join(folder, 'node_modules');
  parts.push(`node_modules=${await stamp(modules)};${await stamp(join(modules, '.package-lock.json'))}`);
  return parts.join('\n');
}

/** Sub-folders worth watching for edits (the folder itself included). */
export async function sourceFolders(folder: string, limit = 100): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    if (out.length >= limit) return;
    out.push(dir);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) await walk(join(dir, e.name));
    }
  }
  await walk(folder);
  return out;
}
