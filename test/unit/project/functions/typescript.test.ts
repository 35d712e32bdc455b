/**
 * TypeScript functions on the real runtime: index.ts (and a package.json main naming a .ts file)
 * compiled on the fly with esbuild, its own imports bundled, stack traces pointing into the .ts
 * lines, edits applied on the next call, compile errors reported as a load failure; and deploy
 * packing the compiled JavaScript the cloud runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { listPackageFiles, packFunction, readZip } from '../../../../src/cloud/deploy';
import { readFunction } from '../../../../src/emulator/functions';
import type { FunctionRuntime } from '../../../../src/emulator/functions';
import { TS_CACHE_FOLDER } from '../../../../src/project/functions/typescript';
import { withFixtureRuntime, type FixtureProject } from '../../emulator/functions/support';

async function write(fx: FixtureProject, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(fx.project.functionRoot, path);
    await fs.mkdir(join(file, '..'), { recursive: true });
    await fs.writeFile(file, text);
  }
}

describe('TypeScript functions', function () {
  this.timeout(60_000);
  let fx: FixtureProject;
  let runtime: FunctionRuntime;
  withFixtureRuntime((f, r) => {
    fx = f;
    runtime = r;
  });

  before(async () => {
    await write(fx, {
      'ts-basic/greet.ts': 'export interface Who { name: string }\nexport const greet = (who: Who): string => `hello ${who.name}`;\n',
      'ts-basic/index.ts': "import { greet, type Who } from './greet';\n\nexport const main = async (event: Who) => ({ text: greet(event), typed: true as const });\n",
      'ts-throws/index.ts': 'type E = { n: number };\nexport async function main(event: E): Promise<never> {\n  throw new Error(`bad ${event.n}`);\n}\n',
      'ts-broken/index.ts': 'export const main = async (event: { a: number ) => event;\n',
      'ts-main/package.json': JSON.stringify({ name: 'ts-main', main: 'src/app.ts' }),
      'ts-main/src/app.ts': 'export const main = async (): Promise<string> => "from main";\n',
    });
  });

  it('runs index.ts with its own .ts imports, and the function is listed as ready', async () => {
    assert.equal((await readFunction(fx.project, 'ts-basic'))!.status, 'Active');
    const out = await runtime.invoke('ts-basic', { name: 'ts' });
    assert.equal(out.error, undefined, out.error?.message);
    assert.deepEqual(out.result, { text: 'hello ts', typed: true });
  });

  it('applies an edit to an imported .ts file on the next call', async () => {
    await write(fx, { 'ts-basic/greet.ts': 'export interface Who { name: string }\nexport const greet = (who: Who): string => `hi ${who.name}`;\n' });
    const out = await runtime.invoke('ts-basic', { name: 'again' });
    assert.deepEqual(out.result, { text: 'hi again', typed: true });
  });

  it('names the .ts file and line in stack traces (source maps)', async () => {
    const out = await runtime.invoke('ts-throws', { n: 7 });
    assert.equal(out.error?.code, 'FunctionError');
    assert.match(out.error!.message, /bad 7/);
    assert.match(out.error!.stack ?? '', /ts-throws[\\/]index\.ts:3:/);
  });

  it('reports a compile error as FunctionLoadFailed with the file, line and column', async () => {
    const out = await runtime.invoke('ts-broken', {});
    assert.equal(out.error?.code, 'FunctionLoadFailed');
    assert.match(out.error!.message, /Compiling index\.ts failed:\nindex\.ts:1:\d+: Unexpected/);
  });

  it('runs the .ts file a package.json main names', async () => {
    const out = await runtime.invoke('ts-main', {});
    assert.equal(out.result, 'from main');
  });

  it('deploy packs compiled JavaScript as the handler module, without .ts files or the local cache', async () => {
    const folder = join(fx.project.functionRoot, 'ts-basic');
    const all = await listPackageFiles(folder, { includeNodeModules: true });
    assert.ok(all.some((f) => f.path === '.cloudbase-ts/index.js'), 'the local compile left its output');
    const pkg = await packFunction(folder, { includeNodeModules: true, handler: 'index.main' });
    assert.deepEqual(pkg.files.map((f) => f.path), ['index.js']);
    const entries = await readZip(pkg.zip);
    const out = join(fx.dir, 'unpacked');
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(join(out, 'index.js'), entries.find((e) => e.path === 'index.js')!.data);
    const printed = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(join(out, 'index.js'))}).main({ name: 'cloud' }).then((r) => console.log(JSON.stringify(r)))`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(printed), { text: 'hi cloud', typed: true });
    assert.ok(!String(entries[0].data).includes('sourceMappingURL'), 'no local source map in the package');
    assert.equal(await fs.readFile(join(folder, TS_CACHE_FOLDER, '.gitignore'), 'utf8'), '*\n');
  });
});
