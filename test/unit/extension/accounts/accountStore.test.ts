import * as assert from 'node:assert/strict';
import { ACCOUNTS_KEY, AccountStore, keysAccountId, maskedSecretId, type SecretStore, type StateStore } from '../../../../src/extension/accounts/accountStore';
import { environmentCredentials } from '../../../../src/extension/accounts/environmentVariables';

const SECRET_ID = 'AKIDstoreTest0123456789abcdef';
const SECRET_KEY = 'storeTestSecretKey-0f1e2d3c4b5a';
const TOKEN = 'storeTestSessionToken-a1b2c3d4e5f6';

/** Memento-like: keeps values as JSON, as VS Code does. */
class MemoryState implements StateStore {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
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

describe('accounts: the account store', () => {
  let state: MemoryState;
  let secrets: MemorySecrets;
  let store: AccountStore;

  beforeEach(() => {
    state = new MemoryState();
    secrets = new MemorySecrets();
    store = new AccountStore(state, secrets);
  });

  it('keeps the keys only in the secret store and the account list without them', async () => {
    const id = keysAccountId(SECRET_ID);
    await store.add({ id, label: maskedSecretId(SECRET_ID), source: 'keys' }, { secretId: SECRET_ID, secretKey: SECRET_KEY, token: TOKEN });

    assert.deepEqual(store.list(), [{ id, label: 'AKID…cdef', source: 'keys' }]);
    const plainState = [...state.values.values()].join('\n');
    for (const secret of [SECRET_ID, SECRET_KEY, TOKEN]) assert.ok(!plainState.includes(secret), 'no key in the state store');
    assert.ok(!id.includes(SECRET_ID.slice(4, 12)), 'the id gives nothing of the SecretId away');
    const plainSecrets = [...secrets.values.values()].join('\n');
    assert.ok(plainSecrets.includes(SECRET_KEY) && plainSecrets.includes(TOKEN));
    assert.deepEqual(await store.storedKeys(id), { secretId: SECRET_ID, secretKey: SECRET_KEY, token: TOKEN });
  });

  it('holds several accounts; signing in again with the same key replaces it', async () => {
    const other = 'AKIDotherAccount9876543210zyxw';
    await store.add({ id: keysAccountId(SECRET_ID), label: 'a', source: 'keys' }, { secretId: SECRET_ID, secretKey: SECRET_KEY });
    await store.add({ id: keysAccountId(other), label: 'b', source: 'keys' }, { secretId: other, secretKey: 'other-key-0000' });
    await store.add({ id: 'cli', label: 'CloudBase CLI', source: 'cli' });
    await store.add({ id: keysAccountId(SECRET_ID), label: 'a again', source: 'keys' }, { secretId: SECRET_ID, secretKey: 'rotated-key-1111' });
    assert.deepEqual(store.list().map((a) => a.label).sort(), ['CloudBase CLI', 'a again', 'b']);
    assert.equal((await store.storedKeys(keysAccountId(SECRET_ID)))?.secretKey, 'rotated-key-1111');
    assert.equal(secrets.values.size, 2, 'a CLI account stores no keys');
  });

  it('sign-out deletes the keys with the account', async () => {
    const id = keysAccountId(SECRET_ID);
    await store.add({ id, label: 'a', source: 'keys' }, { secretId: SECRET_ID, secretKey: SECRET_KEY });
    await store.remove(id);
    assert.deepEqual(store.list(), []);
    assert.equal(secrets.values.size, 0);
    assert.equal(await store.storedKeys(id), undefined);
  });

  it('refuses a keys account without keys, and ignores malformed stored entries', async () => {
    await assert.rejects(store.add({ id: 'x', label: 'x', source: 'keys' }), /needs its keys/);
    await state.update(ACCOUNTS_KEY, [{ id: 'ok', label: 'ok', source: 'cli' }, { id: 3 }, null, { id: 'y', label: 'y', source: 'magic' }]);
    assert.deepEqual(store.list(), [{ id: 'ok', label: 'ok', source: 'cli' }]);
    secrets.values.set('cloudbase.tencent.keys.broken', '{not json');
    assert.equal(await store.storedKeys('broken'), undefined);
  });

  it('masks SecretIds for labels', () => {
    assert.equal(maskedSecretId('AKID1234567890abcd'), 'AKID…abcd');
    assert.equal(maskedSecretId('short'), '…');
  });
});

describe('accounts: keys from environment variables', () => {
  it('reads id, key and token, and needs both id and key', () => {
    assert.deepEqual(environmentCredentials({ TENCENTCLOUD_SECRETID: ' id1 ', TENCENTCLOUD_SECRETKEY: 'key1', TENCENTCLOUD_SESSIONTOKEN: 'tok' }), {
      secretId: 'id1',
      secretKey: 'key1',
      token: 'tok',
    });
    assert.deepEqual(environmentCredentials({ TENCENTCLOUD_SECRETID: 'id1', TENCENTCLOUD_SECRETKEY: 'key1', TENCENTCLOUD_SESSIONTOKEN: '' }), { secretId: 'id1', secretKey: 'key1' });
    assert.equal(environmentCredentials({ TENCENTCLOUD_SECRETID: 'id1' }), undefined);
    assert.equal(environmentCredentials({ TENCENTCLOUD_SECRETKEY: 'key1' }), undefined);
    assert.equal(environmentCredentials({}), undefined);
  });
});
