/**
 * The Functions area without VS Code: the explorer model pages an environment's functions, the
 * watcher follows running environments' function folders, and the node's tooltip and handler file.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionsApi, FunctionsChange } from '../../../../src/cloud/backend';
import { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import { ExplorerModel } from '../../../../src/extension/explorer/explorerModel';
import { functionTooltip, handlerFile } from '../../../../src/extension/explorer/functionSummary';
import { FunctionsWatcher } from '../../../../src/extension/functions/functionsWatcher';
import { StudioError } from '../../../../src/shared/errors';
import type { FunctionInfo, Page, PageRequest } from '../../../../src/shared/model';
import { FakeLocalEnvironments } from '../../../fakes/fakeLocalEnvironments';

const ROOT = '/ws/cloudbase-demo';

/** Functions by name, paged by the last name; watches are recorded so tests can fire changes. */
class FakeFunctions implements FunctionsApi {
  names = ['alpha', 'bravo', 'charlie'];
  listCalls = 0;
  failNext = false;
  readonly listeners = new Set<(c: FunctionsChange) => void>();

  async listFunctions(page: PageRequest): Promise<Page<FunctionInfo>> {
    this.listCalls++;
    if (this.failNext) {
      this.failNext = false;
      throw new StudioError('Internal', 'listing failed on purpose');
    }
    const rest = this.names.filter((n) => page.cursor === undefined || n > page.cursor);
    const items = rest.slice(0, page.limit).map((name) => ({ name, runtime: 'Nodejs20.19', timeoutSeconds: 3 }));
    return { items, nextCursor: rest.length > items.length ? items[items.length - 1].name : undefined };
  }
  async invoke(): Promise<never> {
    throw new Error('not used');
  }
  watch(listener: (c: FunctionsChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('Functions in the explorer', () => {
  let fakes: FakeLocalEnvironments;
  let functions: FakeFunctions;
  let registry: EnvironmentRegistry;
  let envKey: string;

  beforeEach(() => {
    fakes = new FakeLocalEnvironments();
    functions = new FakeFunctions();
    (fakes.backendFor(ROOT) as { functions?: FunctionsApi }).functions = functions;
    registry = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => join(p.root, '.cloudbase/local') });
    envKey = registry.addLocal({ root: ROOT, functionRoot: join(ROOT, 'cloudfunctions') }, { explicit: false }).key;
  });

  describe('model', () => {
    let model: ExplorerModel;
    beforeEach(() => (model = new ExplorerModel(registry, { pageSize: () => 10 })));
    afterEach(() => model.dispose());

    it('lists the functions a page at a time, with Load more', async () => {
      functions.names = Array.from({ length: 25 }, (_, i) => `fn${String(i).padStart(2, '0')}`);
      const first = await model.functions(envKey);
      assert.equal(first.filter((c) => c.kind === 'item').length, 10);
      assert.equal(first[first.length - 1].kind, 'loadMore');
      await model.loadMore({ envKey, functions: true });
      await model.loadMore({ envKey, functions: true });
      const all = await model.functions(envKey);
      assert.deepEqual(all.flatMap((c) => (c.kind === 'item' ? [c.value.name] : [])), functions.names);
    });

    it('shows the empty state, then an added function after invalidateFunctions', async () => {
      functions.names = [];
      assert.deepEqual(await model.functions(envKey), [{ kind: 'empty' }]);
      functions.names = ['added'];
      assert.deepEqual(await model.functions(envKey), [{ kind: 'empty' }], 'kept until told');
      model.invalidateFunctions(envKey);
      assert.deepEqual((await model.functions(envKey)).map((c) => c.kind), ['item']);
    });

    it('keeps a failure as an error child until retried; collections are not affected', async () => {
      functions.failNext = true;
      assert.equal((await model.functions(envKey))[0].kind, 'error');
      assert.equal((await model.functions(envKey))[0].kind, 'error', 'no retry on its own');
      await model.retry({ envKey, functions: true });
      assert.equal((await model.functions(envKey)).length, 3);
      model.invalidateCollections(envKey);
      const calls = functions.listCalls;
      await model.functions(envKey);
      assert.equal(functions.listCalls, calls, 'still loaded');
      model.invalidate(envKey);
      await model.functions(envKey);
      assert.equal(functions.listCalls, calls + 1, 'invalidating the environment drops the functions too');
    });

    it('says so when the backend has no functions', async () => {
      (fakes.backendFor(ROOT) as { functions?: FunctionsApi }).functions = undefined;
      const [child] = await model.functions(envKey);
      assert.ok(child.kind === 'error' && (child.error as StudioError).code === 'NotSupported');
    });
  });

  describe('watcher', () => {
    it('follows running environments only, and reports their changes with the key', async () => {
      const seen: [string, FunctionsChange][] = [];
      const watcher = new FunctionsWatcher(registry, (key, change) => seen.push([key, change]));
      try {
        assert.deepEqual(watcher.watched, []);
        await registry.start(envKey);
        await tick();
        assert.deepEqual(watcher.watched, [envKey]);
        for (const l of functions.listeners) l({ added: ['delta'], removed: [], changed: [] });
        assert.deepEqual(seen, [[envKey, { added: ['delta'], removed: [], changed: [] }]]);
        await registry.stop(envKey);
        assert.deepEqual(watcher.watched, []);
        assert.equal(functions.listeners.size, 0, 'the watch ended with the environment');
        assert.equal(registry.get(envKey)?.state, 'stopped', 'the watcher did not start it again');
      } finally {
        watcher.dispose();
      }
    });

    it('picks up environments already running and lets go of all on dispose', async () => {
      await registry.start(envKey);
      const watcher = new FunctionsWatcher(registry, () => undefined);
      await tick();
      assert.equal(functions.listeners.size, 1);
      watcher.dispose();
      assert.equal(functions.listeners.size, 0);
    });
  });

  describe('function node', () => {
    const labels = {
      runtime: 'Runtime',
      timeout: 'Timeout',
      memory: 'Memory',
      handler: 'Handler',
      folder: 'Folder',
      handlerMissing: 'The handler file is missing.',
      dependenciesMissing: 'Dependencies are not installed.',
      warnings: 'Settings ignored',
    };

    it('puts runtime, timeout, memory and problems in the tooltip', () => {
      const info: FunctionInfo = { name: 'login', runtime: 'Nodejs20.19', timeoutSeconds: 3, memoryMB: 256, handler: 'index.main', folder: '/ws/cf/login', status: 'DependenciesMissing', warnings: ['config.json timeout "soon" is outside 1–900'] };
      assert.equal(
        functionTooltip(info, labels),
        ['login', 'Runtime: Nodejs20.19', 'Timeout: 3 s', 'Memory: 256 MB', 'Handler: index.main', 'Folder: /ws/cf/login', '⚠ Dependencies are not installed.', 'Settings ignored:', '  config.json timeout "soon" is outside 1–900'].join('\n'),
      );
    });

    it('opens the handler\'s module, whichever extension it has', () => {
      const dir = mkdtempSync(join(tmpdir(), 'cbs-handler-'));
      try {
        mkdirSync(join(dir, 'src'));
        writeFileSync(join(dir, 'index.mjs'), '');
        writeFileSync(join(dir, 'src', 'app.js'), '');
        assert.equal(handlerFile({ name: 'a', folder: dir, handler: 'index.main' }), join(dir, 'index.mjs'));
        assert.equal(handlerFile({ name: 'a', folder: dir, handler: 'src/app.handle' }), join(dir, 'src', 'app.js'));
        assert.equal(handlerFile({ name: 'a', folder: dir, handler: 'missing.main' }), undefined);
        assert.equal(handlerFile({ name: 'a', folder: dir, status: 'HandlerMissing' }), undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
