import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createFunctionFromTemplate, validateFunctionName, type FunctionRuntime } from '../../../../src/emulator/functions';
import { type FixtureProject, withFixtureRuntime } from '../../emulator/functions/support';

describe('function templates', function () {
  this.timeout(60_000);
  let fx: FixtureProject;
  let runtime: FunctionRuntime;
  withFixtureRuntime((f, r) => ((fx = f), (runtime = r)));

  it('accepts CloudBase function names and refuses others', () => {
    for (const ok of ['a', 'login', 'get-user_2', 'A'.repeat(60)]) validateFunctionName(ok);
    for (const bad of ['', '1abc', '-x', '_x', 'has space', 'dot.js', 'slash/x', 'A'.repeat(61), '函数']) {
      assert.throws(() => validateFunctionName(bad), { code: 'InvalidFunctionName' }, bad);
    }
  });

  it('writes the blank template with wx-server-sdk declared, and it runs', async () => {
    const folder = await createFunctionFromTemplate(fx.project.functionRoot, 'blank-fn', 'blank');
    assert.equal(folder, join(fx.project.functionRoot, 'blank-fn'));
    assert.deepEqual((await fs.readdir(folder)).sort(), ['config.json', 'index.js', 'package.json']);
    const pkg = JSON.parse(await fs.readFile(join(folder, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    assert.equal(pkg.name, 'blank-fn');
    assert.deepEqual(pkg.dependencies, { 'wx-server-sdk': '~4.0.2' });
    assert.ok(JSON.parse(await fs.readFile(join(folder, 'config.json'), 'utf8')).permissions);
    const out = await runtime.invoke('blank-fn', { hi: 1 });
    assert.equal(out.error, undefined, out.error?.message);
    assert.deepEqual(out.result, { event: { hi: 1, userInfo: { appId: 'wx00000000000000aa', openId: 'oLocal00000000000000000user1' } }, openid: 'oLocal00000000000000000user1', appid: 'wx00000000000000aa' });
  });

  it('writes the router template whose actions dispatch to handler modules', async () => {
    const folder = await createFunctionFromTemplate(fx.project.functionRoot, 'router-fn', 'router');
    assert.deepEqual((await fs.readdir(join(folder, 'handlers'))).sort(), ['hello.js', 'whoami.js']);
    assert.deepEqual((await runtime.invoke('router-fn', { action: 'hello', name: 'Ada' })).result, { message: 'Hello, Ada!' });
    const who = (await runtime.invoke('router-fn', { action: 'whoami' }, { identity: { openId: 'oRouted' } })).result as Record<string, string>;
    assert.equal(who.openid, 'oRouted');
    assert.equal(who.env, 'local-fixture');
    const unknown = await runtime.invoke('router-fn', { action: 'nope' });
    assert.match(unknown.error!.message, /Unknown action: nope/);
  });

  it('writes the database template', async () => {
    const folder = await createFunctionFromTemplate(fx.project.functionRoot, 'db-fn', 'database');
    const source = await fs.readFile(join(folder, 'index.js'), 'utf8');
    for (const action of ['add', 'get', 'list', 'update', 'remove']) assert.match(source, new RegExp(`case '${action}'`));
    assert.equal((await runtime.list()).find((f) => f.name === 'db-fn')?.status, 'Active');
  });

  it('writes the TypeScript template, which runs compiled from index.ts with getWXContext()', async () => {
    const folder = await createFunctionFromTemplate(fx.project.functionRoot, 'ts-fn', 'typescript');
    assert.match(await fs.readFile(join(folder, 'index.ts'), 'utf8'), /export const main = async \(event: HelloEvent\)/);
    assert.equal((await runtime.list()).find((f) => f.name === 'ts-fn')?.status, 'Active');
    const out = await runtime.invoke('ts-fn', { name: 'Ada' }, { identity: { openId: 'oTyped' } });
    assert.equal(out.error, undefined, out.error?.message);
    assert.deepEqual(out.result, { message: 'Hello, Ada!', openid: 'oTyped' });
  });

  it('refuses an existing folder, a bad name and an unknown template without writing anything', async () => {
    await assert.rejects(createFunctionFromTemplate(fx.project.functionRoot, 'echo', 'blank'), { code: 'FunctionExists' });
    assert.deepEqual((await fs.readdir(join(fx.project.functionRoot, 'echo'))).sort(), ['config.json', 'index.js']);
    await assert.rejects(createFunctionFromTemplate(fx.project.functionRoot, '9lives', 'blank'), { code: 'InvalidFunctionName' });
    await assert.rejects(createFunctionFromTemplate(fx.project.functionRoot, 'x', 'fancy' as 'blank'), { code: 'InvalidArgument' });
    const names = await fs.readdir(fx.project.functionRoot);
    assert.ok(!names.includes('9lives') && !names.includes('x'));
  });

  it('creates the function root when the project has none yet', async () => {
    const root = join(fx.dir, 'new-root');
    await createFunctionFromTemplate(root, 'first', 'blank');
    assert.deepEqual(await fs.readdir(root), ['first']);
  });
});
