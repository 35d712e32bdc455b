import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { discoverFunctions, FUNCTION_DEFAULTS, readFunction } from '../../../../src/emulator/functions';
import { missingDependencies } from '../../../../src/project/functions/dependencies';
import { copyFixtureProject, repoNodeModules } from '../../emulator/functions/support';

describe('function discovery', () => {
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  before(async () => (fx = await copyFixtureProject()));
  after(() => fx?.remove());

  it('lists every folder under the function root, sorted, skipping dot folders and node_modules', async () => {
    await fs.mkdir(join(fx.project.functionRoot, '.hidden'));
    await fs.mkdir(join(fx.project.functionRoot, 'node_modules'));
    const names = (await discoverFunctions(fx.project)).map((f) => f.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    assert.ok(names.includes('echo') && names.includes('no-index'));
    assert.ok(!names.includes('.hidden') && !names.includes('node_modules'));
  });

  it('uses the CloudBase defaults when nothing is set', async () => {
    const f = (await readFunction(fx.project, 'throws'))!;
    assert.equal(f.timeoutSeconds, FUNCTION_DEFAULTS.timeoutSeconds);
    assert.equal(f.timeoutSeconds, 3);
    assert.equal(f.memoryMB, 256);
    assert.equal(f.handler, 'index.main');
    assert.equal(f.runtime, 'Nodejs20.19');
    assert.deepEqual(f.envVariables, {});
    assert.equal(f.folder, join(fx.project.functionRoot, 'throws'));
    assert.equal(f.status, 'Active');
  });

  it('merges config.json under cloudbaserc.json, envVariables key by key', async () => {
    const f = (await readFunction(fx.project, 'echo'))!;
    assert.equal(f.timeoutSeconds, 5, 'cloudbaserc.json wins over config.json');
    assert.equal(f.memoryMB, 128, 'config.json wins over the default');
    assert.deepEqual(f.envVariables, { SHARED: 'cloudbaserc', FROM_CONFIG: 'yes', FROM_RC: 'yes' });
    assert.deepEqual(f.permissions, { openapi: ['wxacode.get'] });
    assert.equal(f.triggers.length, 1);
  });

  it('reads handler and runtime, and resolves the handler file from it', async () => {
    const f = (await readFunction(fx.project, 'custom-handler'))!;
    assert.equal(f.handler, 'app.handle');
    assert.equal(f.runtime, 'Nodejs16.13');
    assert.equal(f.status, 'Active');
  });

  it('falls back to defaults for unusable settings and says why', async () => {
    const f = (await readFunction(fx.project, 'bad-settings'))!;
    assert.equal(f.timeoutSeconds, 3);
    assert.equal(f.memoryMB, 256);
    assert.equal(f.warnings.length, 2);
    assert.match(f.warnings.join('\n'), /timeout/);
  });

  it('marks functions without a handler file or with missing dependencies', async () => {
    const byName = new Map((await discoverFunctions(fx.project, [repoNodeModules])).map((f) => [f.name, f]));
    assert.equal(byName.get('no-index')!.status, 'HandlerMissing');
    assert.equal(byName.get('deps-missing')!.status, 'DependenciesMissing');
    assert.equal(byName.get('wxcontext')!.status, 'Active', 'wx-server-sdk found through nodePath');
  });

  it('finds dependencies in the folder, its parents and nodePath, and names the missing ones', async () => {
    const folder = join(fx.project.functionRoot, 'wxcontext');
    assert.deepEqual(await missingDependencies(folder), ['wx-server-sdk']);
    assert.deepEqual(await missingDependencies(folder, [repoNodeModules]), []);
    await fs.mkdir(join(fx.dir, 'node_modules', 'wx-server-sdk'), { recursive: true });
    assert.deepEqual(await missingDependencies(folder), [], 'a parent node_modules counts, as for require');
    await fs.rm(join(fx.dir, 'node_modules'), { recursive: true });
    assert.deepEqual(await missingDependencies(join(fx.project.functionRoot, 'deps-missing')), ['left-pad-not-installed']);
  });

  it('answers undefined for folders that are not functions', async () => {
    assert.equal(await readFunction(fx.project, 'nope'), undefined);
    assert.equal(await readFunction(fx.project, '../cloudfunctions'), undefined);
    assert.equal(await readFunction(fx.project, 'node_modules'), undefined);
  });

  it('follows the function root a project names', async () => {
    const root = join(fx.dir, 'elsewhere');
    await fs.mkdir(join(root, 'only'), { recursive: true });
    const names = (await discoverFunctions({ ...fx.project, functionRoot: root })).map((f) => f.name);
    assert.deepEqual(names, ['only']);
    assert.deepEqual(await discoverFunctions({ ...fx.project, functionRoot: join(fx.dir, 'missing') }), []);
  });
});
