import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import { ExplorerModel, clampPageSize } from '../../../../src/extension/explorer/explorerModel';
import type { ListChild } from '../../../../src/extension/explorer/pagedList';
import { StudioError } from '../../../../src/shared/errors';
import { todoDocuments } from '../../../fakes/fakeBackend';
import { FakeLocalEnvironments } from '../../../fakes/fakeLocalEnvironments';

const ROOT = '/ws/cloudbase-demo';

function kinds<T>(children: ListChild<T>[]): string[] {
  return [...new Set(children.map((c) => c.kind))];
}
function items<T>(children: ListChild<T>[]): T[] {
  return children.flatMap((c) => (c.kind === 'item' ? [c.value] : []));
}

describe('ExplorerModel', () => {
  let fakes: FakeLocalEnvironments;
  let registry: EnvironmentRegistry;
  let model: ExplorerModel;
  let pageSize: number;
  let envKey: string;

  beforeEach(() => {
    fakes = new FakeLocalEnvironments();
    const db = fakes.backendFor(ROOT).database;
    db.seed('todos', todoDocuments(120));
    db.seed('users', [{ _id: 'u1', name: 'Ann' }]);
    db.seed('empty', []);
    registry = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => join(p.root, '.cloudbase/local'), lockWaitMs: 0 });
    pageSize = 50;
    model = new ExplorerModel(registry, { pageSize: () => pageSize });
    envKey = registry.addLocal({ root: ROOT, functionRoot: join(ROOT, 'cloudfunctions') }, { explicit: false }).key;
  });

  afterEach(() => model.dispose());

  it('starts an idle environment on first use and shows Database, Storage and Functions', async () => {
    const children = await model.environmentChildren(envKey);
    assert.deepEqual(children, [
      { kind: 'area', area: 'database' },
      { kind: 'area', area: 'storage' },
      { kind: 'area', area: 'functions' },
    ]);
    assert.equal(fakes.opened.length, 1);
  });

  it('shows a start failure as an error child, and does not retry it on its own', async () => {
    fakes.failNextOpen();
    const [child] = await model.environmentChildren(envKey);
    assert.equal(child.kind, 'error');
    const [again] = await model.environmentChildren(envKey);
    assert.equal(again.kind, 'error');
    assert.equal(fakes.opened.length, 1);
  });

  it('a stopped environment waits for Start', async () => {
    await registry.start(envKey);
    await registry.stop(envKey);
    assert.deepEqual(await model.environmentChildren(envKey), [{ kind: 'stopped' }]);
    assert.equal(fakes.opened.length, 1);
  });

  it('the tree asking while the environment stops does not start it again', async () => {
    await registry.start(envKey);
    const seen: unknown[] = [];
    registry.onDidChange((c) => {
      // What the tree does on each state change: ask for the environment's children.
      if (c.kind === 'state' && c.state === 'stopping') seen.push(model.environmentChildren(envKey));
    });
    await registry.stop(envKey);
    assert.deepEqual(await Promise.all(seen), [[{ kind: 'stopped' }]]);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(registry.get(envKey)?.state, 'stopped');
    assert.equal(fakes.opened.length, 1);
  });

  it('a list asked for after a stop shows an error instead of starting the environment', async () => {
    await registry.start(envKey);
    await registry.stop(envKey);
    const [child] = await model.collections(envKey);
    assert.equal(child.kind, 'error');
    assert.equal(child.kind === 'error' && (child.error as StudioError).code, 'EnvironmentNotFound');
    assert.equal(fakes.opened.length, 1);

    await registry.start(envKey);
    assert.equal(items(await model.collections(envKey)).length, 3, 'after Start the list loads again');
  });

  it('lists collections with their document counts', async () => {
    const collections = items(await model.collections(envKey));
    assert.deepEqual(collections.map((c) => [c.name, c.count]), [['empty', 0], ['todos', 120], ['users', 1]]);
  });

  it('pages a collection: 50, Load more, the next 50, then the rest', async () => {
    let docs = await model.documents(envKey, 'todos');
    assert.equal(items(docs).length, 50);
    assert.equal(docs.at(-1)?.kind, 'loadMore');

    await model.loadMore({ envKey, collection: 'todos' });
    docs = await model.documents(envKey, 'todos');
    assert.equal(items(docs).length, 100);
    assert.equal(items(docs)[99]._id, 'todo-100');
    assert.equal(docs.at(-1)?.kind, 'loadMore');

    await model.loadMore({ envKey, collection: 'todos' });
    docs = await model.documents(envKey, 'todos');
    assert.equal(items(docs).length, 120);
    assert.deepEqual(kinds(docs), ['item']);
    const limits = fakes.backendFor(ROOT).database.callsOf('queryDocuments').map((c) => (c.args[2] as { limit: number }).limit);
    assert.deepEqual(limits, [50, 50, 50]);
  });

  it('follows the page size setting, kept within 10–500', async () => {
    pageSize = 20;
    assert.equal(items(await model.documents(envKey, 'todos')).length, 20);
    pageSize = 3;
    await model.loadMore({ envKey, collection: 'todos' });
    assert.equal(items(await model.documents(envKey, 'todos')).length, 30);
    assert.equal(clampPageSize(9999), 500);
    assert.equal(clampPageSize(undefined), 50);
    assert.equal(clampPageSize(12.4), 12);
  });

  it('says an empty collection has no documents', async () => {
    assert.deepEqual(await model.documents(envKey, 'empty'), [{ kind: 'empty' }]);
  });

  it('shows a failed load as an error child; Retry reloads', async () => {
    fakes.backendFor(ROOT).database.failNext('queryDocuments', new StudioError('Timeout', 'took too long'));
    const failed = await model.documents(envKey, 'todos');
    assert.deepEqual(kinds(failed), ['error']);
    await model.retry({ envKey, collection: 'todos' });
    assert.equal(items(await model.documents(envKey, 'todos')).length, 50);
  });

  it('a missing collection is an error child with its code', async () => {
    const [child] = await model.documents(envKey, 'nope');
    assert.equal(child.kind, 'error');
    assert.equal(child.kind === 'error' && (child.error as StudioError).code, 'CollectionNotFound');
  });

  it('invalidate reloads from the first page; forgetDocument keeps loaded pages', async () => {
    await model.documents(envKey, 'todos');
    await model.loadMore({ envKey, collection: 'todos' });
    model.forgetDocument(envKey, 'todos', 'todo-010');
    assert.equal(items(await model.documents(envKey, 'todos')).length, 99);

    model.invalidate(envKey, 'todos');
    assert.equal(items(await model.documents(envKey, 'todos')).length, 50);
  });

  it('drops loaded pages when the environment stops', async () => {
    await model.documents(envKey, 'todos');
    await model.loadMore({ envKey, collection: 'todos' });
    await registry.stop(envKey);
    await registry.start(envKey);
    assert.equal(items(await model.documents(envKey, 'todos')).length, 50);
  });

  it('sees collections created after invalidateCollections', async () => {
    await model.collections(envKey);
    await fakes.backendFor(ROOT).database.createCollection('orders');
    assert.ok(!items(await model.collections(envKey)).some((c) => c.name === 'orders'));
    model.invalidateCollections(envKey);
    assert.ok(items(await model.collections(envKey)).some((c) => c.name === 'orders'));
  });
});
