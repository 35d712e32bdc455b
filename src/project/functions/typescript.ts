/**
 * TypeScript functions: a handler module `index.ts` (or package.json `main` naming a .ts file)
 * is compiled with esbuild into one CommonJS file, its own imports bundled and packages left to
 * node_modules as usual.
 *
 * - Locally the output goes to `<function>/.cloudbase-ts/` (which git-ignores itself), where
 *   `require` still finds the function's packages in `<function>/node_modules`, with an inline
 *   source map so stack traces and breakpoints point into the .ts files. Outside node_modules on
 *   purpose: VS Code's debugger does not read source maps there by default. Dot folders are not
 *   part of a function's fingerprint, so writing it does not restart the function; it is compiled
 *   again only when the folder changed.
 * - Deploying packs the compiled JavaScript under the handler's module name (`index.js` for
 *   `index.main`) instead of the .ts files, since the cloud runs JavaScript.
 *
 * esbuild is looked up from the function's folder first (a TypeScript project usually has it),
 * then next to the local environment itself.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { StudioError } from '../../shared/errors';

export const TS_CACHE_FOLDER = '.cloudbase-ts';

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { path: string; contents: Uint8Array }[]; errors: unknown[] }>;
}

export function isTypeScriptFile(file: string): boolean {
  return /\.(c|m)?ts$/.test(file) && !file.endsWith('.d.ts');
}

function loadEsbuild(folder: string): EsbuildApi {
  for (const from of [join(folder, 'package.json'), __filename]) {
    try {
      return createRequire(from)('esbuild') as EsbuildApi;
    } catch {
      // next place
    }
  }
  throw new StudioError('FunctionLoadFailed', `TypeScript functions are compiled with esbuild, which was not found: run npm install --save-dev esbuild in ${folder}.`);
}

function describeErrors(e: unknown): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return e instanceof Error ? e.message : String(e);
  return errors
    .slice(0, 5)
    .map((x) => (x.location ? `${x.location.file}:${x.location.line}:${x.location.column + 1}: ${x.text}` : x.text))
    .join('\n');
}

async function compile(folder: string, entry: string, sourceMaps: boolean): Promise<string> {
  const esbuild = loadEsbuild(folder);
  try {
    const out = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: folder,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node16',
      sourcemap: sourceMaps ? 'inline' : false,
      sourcesContent: false,
      write: false,
      outfile: join(folder, TS_CACHE_FOLDER, `${basename(entry).replace(/\.(c|m)?ts$/, '')}.js`),
      logLevel: 'silent',
    });
    const file = out.outputFiles?.find((f) => f.path.endsWith('.js'));
    if (!file) throw new Error('esbuild wrote no JavaScript');
    return Buffer.from(file.contents).toString('utf8');
  } catch (e) {
    throw new StudioError('FunctionLoadFailed', `Compiling ${relative(folder, entry)} failed:\n${describeErrors(e)}`, { cause: e });
  }
}

const compiled = new Map<string, { key: string; file: string }>();

/**
 * The JavaScript file to run for a TypeScript handler module, compiled when `folderKey` (a
 * fingerprint of the function's folder) differs from the last compile's.
 */
export async function compiledHandler(folder: string, entry: string, folderKey: string): Promise<string> {
  const known = compiled.get(entry);
  if (known && known.key === folderKey) {
    const exists = await fs.stat(known.file).then(
      () => true,
      () => false,
    );
    if (exists) return known.file;
  }
  const code = await compile(folder, entry, true);
  const file = join(folder, TS_CACHE_FOLDER, `${basename(entry).replace(/\.(c|m)?ts$/, '')}.js`);
  await fs.mkdir(dirname(file), { recursive: true });
  await fs.writeFile(join(dirname(file), '.gitignore'), '*\n');
  await fs.writeFile(file, code);
  compiled.set(entry, { key: folderKey, file });
  return file;
}

/** A module file the runtime compiled from TypeScript. */
export function isCompiledTypeScript(file: string): boolean {
  return basename(dirname(file)) === TS_CACHE_FOLDER;
}

/** The compiled JavaScript a deploy packs for a TypeScript handler (no source map). */
export function compileForDeploy(folder: string, entry: string): Promise<string> {
  return compile(folder, entry, false);
}
