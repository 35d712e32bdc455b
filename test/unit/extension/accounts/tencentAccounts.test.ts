/**
 * Accounts against the fake Tencent Cloud through the real manager-node: sign-in checks, lists of
 * environments becoming registry entries with backends of their own, failures, sign-out; and the
 * same through the shipped bundle dist/tencent.js, loaded the way the extension loads it.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tencent from '../../../../src/cloud/tencent';
import { AccountStore, keysAccountId, maskedSecretId, type SecretStore, type StateStore } from '../../../../src/extension/accounts/accountStore';
import { TencentAccounts, tencentEnvironmentKey } from '../../../../src/extension/accounts/tencentAccounts';
import { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import { bundledTencent, type TencentModule } from '../../../../src/extension/environments/tencentModule';
import { isStudioError } from '../../../../src/shared/errors';
import { ENV_ID, SECRET_ID, SECRET_KEY, startHarness, transportTo, type Harness } from '../../../fakes/tencent-cloud/harness';
import { projectRoot } from '../../../support/projectRoot';

class MemoryState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

const KEYS = { secretId: SECRET_ID, secretKey: SECRET_KEY };
const ACCOUNT = { id: keysAccountId(SECRET_ID), label: maskedSecretId(SECRET_ID), source: 'keys' as const };

function suiteWith(name: string, module: () => TencentModule): void {
  describe(name, function () {
    this.timeout(60_000);
    let h: Harness;
    let registry: EnvironmentRegistry;
    let secrets: MemorySecrets;
    let state: MemoryState;
    let accounts: TencentAccounts;
    let dir: string;

    beforeEach(async () => {
      h = await startHarness();
      dir = await mkdtemp(join(tmpdir(), 'cbs-accounts-'));
      registry = new EnvironmentRegistry({ open: () => Promise.reject(new Error('no local environments here')), dataDirectory: () => dir });
      secrets = new MemorySecrets();
      state = new MemoryState();
      accounts = new TencentAccounts({
        store: new AccountStore(state, secrets),
        registry,
        tencent: module,
        regions: () => ['ap-shanghai'],
        cliLogin: { file: join(dir, 'auth.json'), refreshUrl: 'http://127.0.0.1:9/unused' },
        environment: () => ({}),
      });
      await accounts.useTransport(transportTo(h.fake));
    });
    afterEach(async () => {
      await registry.dispose();
      await h.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('checks the keys, lists the environments with their region, and each gets a backend of its own', async () => {
      await h.backend.database.createCollection('todos');
      await h.backend.database.insertDocuments('todos', [{ _id: 't1', title: 'milk' }]);
      await accounts.check(KEYS);
      await accounts.add(ACCOUNT, KEYS);
      const entries = await accounts.environments(ACCOUNT.id);
      assert.deepEqual(entries.map((e) => [e.key, e.info.region, e.account?.label]).sort(), [
        [tencentEnvironmentKey(ACCOUNT.id, 'other-env-9z8y'), 'ap-shanghai', 'AKID…cdef'],
        [tencentEnvironmentKey(ACCOUNT.id, ENV_ID), 'ap-shanghai', 'AKID…cdef'],
      ]);
      assert.equal(accounts.listing(ACCOUNT.id).state, 'ready');

      const studio = await registry.backend(tencentEnvironmentKey(ACCOUNT.id, ENV_ID));
      const other = await registry.backend(tencentEnvironmentKey(ACCOUNT.id, 'other-env-9z8y'));
      assert.notEqual(studio, other);
      assert.deepEqual((await studio.database.listCollections({ limit: 10 })).items.map((c) => [c.name, c.count]), [['todos', 1]]);
      assert.deepEqual((await other.database.listCollections({ limit: 10 })).items, []);
      assert.equal((await studio.database.getDocument('todos', 't1'))?.title, 'milk');
      assert.equal(await registry.backend(tencentEnvironmentKey(ACCOUNT.id, ENV_ID)), studio, 'one client per environment, reused');
    });

    it('an environment asked for by key before its account was listed (an editor left open) lists the account first', async () => {
      await accounts.add(ACCOUNT, KEYS);
      assert.equal(accounts.listing(ACCOUNT.id).state, 'idle');
      const backend = await registry.backend(tencentEnvironmentKey(ACCOUNT.id, ENV_ID));
      assert.equal(backend.environment.envId, ENV_ID);
      await assert.rejects(registry.backend(tencentEnvironmentKey(ACCOUNT.id, 'gone-env')), (e) => isStudioError(e, 'EnvironmentNotFound'));
    });

    it('an unreachable Tencent Cloud is a Network error, kept for Retry', async () => {
      await accounts.add(ACCOUNT, KEYS);
      await accounts.useTransport({ rewriteUrl: (url) => url.replace(/^https:\/\/[^/]+/, 'http://127.0.0.1:9') });
      await assert.rejects(accounts.environments(ACCOUNT.id), (e) => isStudioError(e, 'Network') && /DescribeEnvs/.test(e.message));
      assert.equal(accounts.listing(ACCOUNT.id).state, 'failed');
      await accounts.useTransport(transportTo(h.fake));
      accounts.reset(ACCOUNT.id);
      assert.equal((await accounts.environments(ACCOUNT.id)).length, 2);
    });

    it('a wrong key fails the check with Unauthorized and the request ID, and nothing is stored', async () => {
      const wrong = { secretId: SECRET_ID, secretKey: 'wrong-Secret-Key-for-this-test-77' };
      const error = await accounts.check(wrong).then(
        () => assert.fail('the check should fail'),
        (e: unknown) => e,
      );
      assert.ok(isStudioError(error, 'Unauthorized'), String(error));
      assert.ok(error.requestId, 'the request ID comes along');
      assert.ok(!error.message.includes(wrong.secretKey));
      assert.deepEqual(accounts.list(), []);
      assert.equal(secrets.values.size, 0);
    });

    it('a failed listing is kept until Retry, which lists again', async () => {
      await accounts.add(ACCOUNT, KEYS);
      h.fake.inject('DescribeEnvs', { kind: 'error', code: 'UnauthorizedOperation.CamNoAuth', message: 'no permission for tcb:DescribeEnvs' }, 1);
      await assert.rejects(accounts.environments(ACCOUNT.id), (e) => isStudioError(e, 'Unauthorized') && /DescribeEnvs/.test(e.message));
      assert.equal(accounts.listing(ACCOUNT.id).state, 'failed');
      await assert.rejects(accounts.environments(ACCOUNT.id), 'no new request until Retry');
      assert.equal(h.fake.requests.filter((r) => r.action === 'DescribeEnvs').length, 1);
      accounts.reset(ACCOUNT.id);
      assert.equal((await accounts.environments(ACCOUNT.id)).length, 2);
    });

    it('sign-out removes the environments and the keys', async () => {
      await accounts.add(ACCOUNT, KEYS);
      await accounts.environments(ACCOUNT.id);
      const backend = await registry.backend(tencentEnvironmentKey(ACCOUNT.id, ENV_ID));
      assert.ok(backend);
      await accounts.remove(ACCOUNT.id);
      assert.deepEqual(registry.list(), []);
      assert.deepEqual(accounts.list(), []);
      assert.equal(secrets.values.size, 0);
    });

    it('a sign-out while the listing is on the wire keeps the environments out', async () => {
      await accounts.add(ACCOUNT, KEYS);
      h.fake.inject('DescribeEnvs', { kind: 'slow', delayMs: 500 }, 1);
      const listing = accounts.environments(ACCOUNT.id);
      await new Promise((r) => setTimeout(r, 100));
      await accounts.remove(ACCOUNT.id);
      await listing.catch(() => undefined);
      assert.deepEqual(registry.list(), [], 'the late listing put nothing back');
      assert.deepEqual(accounts.list(), []);
    });

    it('a CLI login account reads its keys from auth.json each time; a missing login says so', async () => {
      await writeFile(
        join(dir, 'auth.json'),
        JSON.stringify({ credential: { tmpSecretId: SECRET_ID, tmpSecretKey: SECRET_KEY, tmpToken: 'cli-token', tmpExpired: Date.now() + 3600_000, expired: Date.now() + 86400_000, refreshToken: 'r' } }),
      );
      await accounts.add({ id: 'cli', label: 'CloudBase CLI', source: 'cli' });
      assert.equal(secrets.values.size, 0, 'nothing copied into the extension');
      const [entry] = await accounts.environments('cli');
      const db = (await registry.backend(entry.key)).database;
      await db.createCollection('from_cli');
      const sent = h.fake.requests.filter((r) => r.action === 'CreateTable').at(-1);
      assert.equal(sent?.headers['x-tc-token'], 'cli-token', 'the temporary keys travel with their token');
      await rm(join(dir, 'auth.json'));
      accounts.reset('cli');
      await assert.rejects(accounts.environments('cli'), (e) => isStudioError(e, 'Unauthorized') && /tcb login/.test(e.message));
    });

    it('an environment-variables account signs with TENCENTCLOUD_* of the environment it is given', async () => {
      const env = { TENCENTCLOUD_SECRETID: SECRET_ID, TENCENTCLOUD_SECRETKEY: SECRET_KEY };
      const fromEnv = new TencentAccounts({ store: new AccountStore(state, secrets), registry, tencent: module, regions: () => [], environment: () => env });
      await fromEnv.useTransport(transportTo(h.fake));
      await fromEnv.add({ id: 'environment', label: 'env', source: 'environment' });
      assert.equal((await fromEnv.environments('environment')).length, 2);
      assert.deepEqual((await fromEnv.credentials({ id: 'environment', label: 'env', source: 'environment' })).credentials, KEYS);
    });
  });
}

suiteWith('accounts: Tencent environments (sources)', () => tencent);

describe('accounts: the shipped bundle', () => {
  const root = projectRoot;
  it('dist/tencent.js holds manager-node and loads in plain Node', function () {
    if (!existsSync(join(root, 'dist', 'tencent.js'))) this.skip();
    const mod = bundledTencent(root)();
    assert.equal(typeof mod.TencentBackend, 'function');
  });
});

suiteWith('accounts: Tencent environments (dist/tencent.js)', bundledTencent(projectRoot));
