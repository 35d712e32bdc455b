/**
 * Which files of a function folder go into its package: gitignore-style rules (through the
 * `ignore` package, the matcher eslint and prettier use) from the folder's `.cloudbaseignore` and
 * cloudbaserc.json's `functions[].ignore`, plus the defaults the CloudBase CLI applies.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const IGNORE_FILE = '.cloudbaseignore';

/** Never packed: editor and VCS clutter, and the project's own test events. */
const ALWAYS_IGNORED = ['.git/', '.svn/', '.hg/', '.DS_Store', 'Thumbs.db', '.events/', IGNORE_FILE];

export interface IgnoreOptions {
  /** Patterns from cloudbaserc.json `functions[].ignore` (a string or a list). */
  patterns?: readonly string[];
  /** Pack node_modules too. Default false: the cloud installs dependencies from package.json. */
  includeNodeModules?: boolean;
}

export async function loadIgnoreRules(folder: string, options: IgnoreOptions = {}): Promise<Ignore> {
  const rules = ignore().add(ALWAYS_IGNORED);
  if (!options.includeNodeModules) rules.add('node_modules/');
  rules.add([...(options.patterns ?? [])]);
  try {
    rules.add(await fs.readFile(join(folder, IGNORE_FILE), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return rules;
}
