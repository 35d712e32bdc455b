import * as assert from 'node:assert/strict';
import { ENV_ID, SECRET_KEY, startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';

describe('TencentBackend collection permissions through manager-node and the fake Cloud API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.backend.database.createCollection('posts');
  });
  afterEach(async () => {
    await h.close();
  });

  it('reads the preset a new collection starts with, sets presets and a custom rule, and reads them back', async () => {
    const db = h.backend.database;
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'PRIVATE' });
    await db.setPermission!('posts', { acl: 'READONLY' });
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'READONLY' });
    assert.equal(h.fake.requests.filter((r) => r.action === 'ModifyDatabaseACL').at(-1)?.params.AclTag, 'READONLY');

    const rule = { read: true, write: 'doc._openid == auth.openid' };
    await db.setPermission!('posts', { acl: 'CUSTOM', rule });
    const sent = h.fake.requests.filter((r) => r.action === 'ModifySafeRule').at(-1)!;
    assert.equal(typeof sent.params.Rule, 'string');
    assert.deepEqual(JSON.parse(String(sent.params.Rule)), rule);
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'CUSTOM', rule });
    // The engine underneath holds what the cloud was told.
    assert.deepEqual(h.fake.environment(ENV_ID).local.database.collection('posts').getPermission(), { acl: 'CUSTOM', rule });

    await db.setPermission!('posts', { acl: 'ADMINONLY' });
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'ADMINONLY' });
  });

  it('refuses a malformed permission before asking the cloud', async () => {
    const db = h.backend.database;
    const before = h.fake.requests.length;
    await assert.rejects(db.setPermission!('posts', { acl: 'EVERYONE' as 'READONLY' }), { code: 'InvalidArgument' });
    await assert.rejects(db.setPermission!('posts', { acl: 'CUSTOM' }), { code: 'InvalidArgument' });
    await assert.rejects(db.setPermission!('posts', { acl: 'READONLY', rule: { read: true } }), { code: 'InvalidArgument' });
    assert.equal(h.fake.requests.length, before);
  });

  it('says which collection is missing, keeps request IDs, retries throttling and times out', async () => {
    const db = h.backend.database;
    await assert.rejects(db.getPermission!('nope'), (e: { code?: string; message?: string; requestId?: string }) => e.code === 'CollectionNotFound' && /TableNotExist/.test(e.message ?? '') && typeof e.requestId === 'string');
    h.fake.inject('DescribeDatabaseACL', { kind: 'throttle' }, 2);
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'PRIVATE' });
    h.fake.inject('ModifyDatabaseACL', { kind: 'throttle' });
    await assert.rejects(db.setPermission!('posts', { acl: 'READONLY' }), { code: 'Throttled' });
    assert.deepEqual(await db.getPermission!('posts'), { acl: 'PRIVATE' });
    h.fake.inject('ModifyDatabaseACL', { kind: 'serverError' });
    await assert.rejects(db.setPermission!('posts', { acl: 'READONLY' }), { code: 'ServiceError' });
    h.fake.inject('ModifySafeRule', { kind: 'malformed' });
    await assert.rejects(db.setPermission!('posts', { acl: 'CUSTOM', rule: { read: true, write: false } }), { code: 'ServiceError', message: /not JSON/ });
    h.fake.inject('DescribeDatabaseACL', { kind: 'expiredToken' });
    await assert.rejects(db.getPermission!('posts'), { code: 'Unauthorized' });
    h.fake.clearFaults();

    await h.close();
    h = await startHarness({ timeoutMs: 300 });
    await h.backend.database.createCollection('posts');
    h.fake.inject('DescribeDatabaseACL', { kind: 'slow', delayMs: 3000 });
    await assert.rejects(h.backend.database.getPermission!('posts'), { code: 'Timeout' });
  });

  it('refuses a wrong key without showing it', async () => {
    await h.close();
    const wrong = 'wrongSecretKey-abcdef0123456789';
    h = await startHarness({}, { secretKey: wrong });
    const error = await h.backend.database.getPermission!('posts').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal((error as { code?: string }).code, 'Unauthorized');
    for (let c: unknown = error; c instanceof Error; c = c.cause) {
      assert.ok(!c.message.includes(wrong));
      assert.ok(!c.message.includes(SECRET_KEY));
    }
  });
});
