/** Where a handler setting (`index.main`, `src/app.handler`) points inside a function's folder. */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface ResolvedHandler {
  /** The module's absolute path, or undefined when no candidate file exists. */
  file?: string;
  exportName: string;
  /** The files that were looked for, relative to the folder, for error messages. */
  candidates: string[];
}

/**
 * The module part is everything before the last dot, as in SCF; `.js`, `.mjs`, `.cjs`, then `.ts`
 * (compiled locally, see typescript.ts) are tried in that order, then a package.json `main` that
 * names a TypeScript file.
 */
export async function resolveHandler(folder: string, handler: string): Promise<ResolvedHandler> {
  const dot = handler.lastIndexOf('.');
  const modulePath = dot > 0 ? handler.slice(0, dot) : 'index';
  const exportName = dot > 0 ? handler.slice(dot + 1) : handler;
  const candidates = ['.js', '.mjs', '.cjs', '.ts'].map((ext) => `${modulePath}${ext}`);
  for (const candidate of candidates) {
    const file = join(folder, candidate);
    try {
      if ((await fs.stat(file)).isFile()) return { file, exportName, candidates };
    } catch {
      // try the next extension
    }
  }
  const main = await typeScriptMain(folder);
  if (main) return { file: main, exportName, candidates };
  return { exportName, candidates };
}

async function typeScriptMain(folder: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await fs.readFile(join(folder, 'package.json'), 'utf8')) as { main?: unknown };
    if (typeof pkg.main !== 'string' || !/\.(c|m)?ts$/.test(pkg.main)) return undefined;
    const file = join(folder, pkg.main);
    return (await fs.stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
