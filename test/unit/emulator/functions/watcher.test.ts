import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { FunctionsChange } from '../../../../src/emulator/functions';
import { copyFixtureProject, createRuntime } from './support';

describe('watching functions', function () {
  this.timeout(30_000);
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  before(async () => (fx = await copyFixtureProject()));
  after(() => fx?.remove());

  async function next(changes: FunctionsChange[], count: number): Promise<FunctionsChange> {
    const end = Date.now() + 5000;
    while (changes.length < count) {
      if (Date.now() > end) throw new Error('no change reported');
      await new Promise((r) => setTimeout(r, 20));
    }
    return changes[count - 1];
  }

  it('reports functions added, edited (also in sub-folders and settings) and removed, debounced', async () => {
    const runtime = createRuntime(fx.project);
    const changes: FunctionsChange[] = [];
    const watch = runtime.watch((c) => changes.push(c), { debounceMs: 100 });
    try {
      await watch.ready;
      const root = fx.project.functionRoot;

      await fs.mkdir(join(root, 'fresh'));
      await fs.writeFile(join(root, 'fresh', 'index.js'), 'exports.main = async () => 1;\n');
      await fs.writeFile(join(root, 'fresh', 'package.json'), '{}\n');
      assert.deepEqual(await next(changes, 1), { added: ['fresh'], removed: [], changed: [] }, 'one report for the burst');

      await new Promise((r) => setTimeout(r, 50));
      await fs.writeFile(join(root, 'echo', 'index.js'), 'exports.main = async () => 2;\n');
      assert.deepEqual(await next(changes, 2), { added: [], removed: [], changed: ['echo'] });

      await fs.mkdir(join(root, 'fresh', 'lib'));
      await new Promise((r) => setTimeout(r, 300));
      const count = changes.length;
      await fs.writeFile(join(root, 'fresh', 'lib', 'util.js'), 'module.exports = 1;\n');
      assert.deepEqual((await next(changes, count + 1)).changed, ['fresh']);

      await fs.rm(join(root, 'slow'), { recursive: true });
      assert.deepEqual((await next(changes, count + 2)).removed, ['slow']);

      const rc = JSON.parse(await fs.readFile(join(fx.dir, 'cloudbaserc.json'), 'utf8')) as { functions: { name: string; timeout?: number }[] };
      rc.functions[0].timeout = 9;
      await fs.writeFile(join(fx.dir, 'cloudbaserc.json'), JSON.stringify(rc));
      const settings = await next(changes, count + 3);
      assert.ok(settings.changed.includes('echo'));
    } finally {
      watch.dispose();
      await runtime.dispose();
    }
  });

  it('notices the function root appearing later', async () => {
    const project = { ...fx.project, functionRoot: join(fx.dir, 'later') };
    const runtime = createRuntime(project);
    const changes: FunctionsChange[] = [];
    const watch = runtime.watch((c) => changes.push(c), { debounceMs: 50 });
    try {
      await watch.ready;
      await fs.mkdir(join(fx.dir, 'later', 'first'), { recursive: true });
      assert.deepEqual((await next(changes, 1)).added, ['first']);
    } finally {
      watch.dispose();
      await runtime.dispose();
    }
  });
});
