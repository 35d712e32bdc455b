import * as assert from 'node:assert/strict';
import type { CloudBackend } from '../../../../src/cloud/backend';
import { EnvironmentRegistry, type CloudHandle, type RegistryChange } from '../../../../src/extension/environments/registry';
import { ExplorerModel } from '../../../../src/extension/explorer/explorerModel';
import { StudioError } from '../../../../src/shared/errors';
import type { EnvironmentInfo } from '../../../../src/shared/model';
import { FakeBackend } from '../../../fakes/fakeBackend';

const INFO: EnvironmentInfo = { key: 'tencent:keys-1:shop-1a', kind: 'tencent', envId: 'shop-1a', label: 'shop (shop-1a)', region: 'ap-guangzhou' };
const ACCOUNT = { id: 'keys-1', label: 'AKID…wxyz' };

describe('EnvironmentRegistry: Tencent environments', () => {
  let registry: EnvironmentRegistry;
  let changes: RegistryChange[];
  let opened: FakeBackend[];
  let expiresIn: number | undefined;
  let failNext: unknown;

  const open = async (): Promise<CloudHandle> => {
    if (failNext) {
      const e = failNext;
      failNext = undefined;
      throw e;
    }
    const backend = new FakeBackend(INFO);
    opened.push(backend);
    return { backend, ...(expiresIn === undefined ? {} : { expiresAt: Date.now() + expiresIn }) };
  };

  beforeEach(() => {
    registry = new EnvironmentRegistry({ open: () => Promise.reject(new Error('no local environments')), dataDirectory: () => '/nowhere' });
    changes = [];
    registry.onDidChange((c) => changes.push(c));
    opened = [];
    expiresIn = undefined;
    failNext = undefined;
  });

  it('adds an environment once, idle, with its account and no project; builds its backend once on first use', async () => {
    const entry = registry.addTencent(INFO, ACCOUNT, open);
    assert.equal(registry.addTencent({ ...INFO, label: 'renamed' }, ACCOUNT, open, '/storage/tencent/keys-1/shop-1a/functions'), entry);
    assert.equal(entry.functionRoot, '/storage/tencent/keys-1/shop-1a/functions', 'saved test events have a place on this machine');
    assert.equal(entry.info.label, 'renamed');
    assert.equal(entry.project, undefined);
    assert.deepEqual(entry.account, ACCOUNT);
    assert.equal(entry.state, 'idle');
    assert.equal(opened.length, 0, 'nothing is built on add');
    const [a, b] = await Promise.all([registry.backend(INFO.key), registry.backend(INFO.key)]);
    assert.equal(a, b);
    assert.equal(opened.length, 1);
    assert.equal(entry.state, 'running');
    assert.deepEqual(changes.map((c) => c.kind), ['added', 'state', 'state']);
  });

  it('builds the backend again when its temporary keys are about to expire, and disposes the old one', async () => {
    registry.addTencent(INFO, ACCOUNT, open);
    expiresIn = 30_000;
    const first = (await registry.backend(INFO.key)) as FakeBackend;
    expiresIn = 2 * 3600_000;
    const second = (await registry.backend(INFO.key)) as FakeBackend;
    assert.notEqual(first, second);
    assert.equal(first.disposed, true);
    assert.equal(await registry.backend(INFO.key), second, 'fresh keys: the same client');
  });

  it('a failed build shows as failed and is tried again on the next use; stop only drops the client', async () => {
    const entry = registry.addTencent(INFO, ACCOUNT, open);
    failNext = new StudioError('Unauthorized', 'The keys of AKID…wxyz are no longer stored: sign in again.');
    await assert.rejects(registry.backend(INFO.key), /sign in again/);
    assert.equal(entry.state, 'failed');
    const backend = (await registry.backend(INFO.key)) as FakeBackend;
    await registry.stop(INFO.key);
    assert.equal(backend.disposed, true);
    assert.equal(entry.state, 'idle', 'nothing to start again: the next use builds a client');
    assert.notEqual(await registry.backend(INFO.key), backend);
  });

  it('the explorer shows only the areas a Tencent backend offers', async () => {
    class DatabaseOnly implements CloudBackend {
      readonly environment = INFO;
      readonly database = new FakeBackend(INFO).database;
      async dispose(): Promise<void> {}
    }
    registry.addTencent(INFO, ACCOUNT, async () => ({ backend: new DatabaseOnly() }));
    const model = new ExplorerModel(registry, { pageSize: () => 50 });
    try {
      assert.deepEqual(await model.environmentChildren(INFO.key), [{ kind: 'area', area: 'database' }]);
    } finally {
      model.dispose();
    }
  });

  it('a stop goes straight back to idle, with no stopping state (nothing runs to wait for)', async () => {
    registry.addTencent(INFO, ACCOUNT, open);
    await registry.backend(INFO.key);
    changes = [];
    await registry.stop(INFO.key);
    assert.deepEqual(changes, [{ kind: 'state', key: INFO.key, state: 'idle' }]);
  });

  it('a stop (sign-out) drops the explorer\'s pages of the environment, storage included', async () => {
    registry.addTencent(INFO, ACCOUNT, open);
    const model = new ExplorerModel(registry, { pageSize: () => 50 });
    try {
      await model.storageEntries(INFO.key, '');
      await model.collections(INFO.key);
      assert.equal(opened.length, 1);
      await registry.stop(INFO.key);
      await model.storageEntries(INFO.key, '');
      await model.collections(INFO.key);
      assert.equal(opened.length, 2, 'both lists asked a new client');
      assert.equal(opened[1]!.storage.calls.filter((c) => c.method === 'list').length, 1, 'storage was listed again');
    } finally {
      model.dispose();
    }
  });
});
