/**
 * Username-and-password users through the published @cloudbase/js-sdk 3.x: sign-up (the direct
 * `/auth/v1/signup` form), `auth.signInWithPassword`, the cloud's error names for a wrong password
 * or an unknown user, and the users file that keeps only scrypt hashes.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEnvironment, type TestEnvironment } from '../server/support';
import { clientApp, type Sdk } from './support';

/** The SDK prints troubleshooting advice for a failed sign-in; the assertions say what matters. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  console.warn = console.info = () => undefined;
  try {
    return await run();
  } finally {
    Object.assign(console, { warn, info });
  }
}

describe('client SDK username and password sign-in against the local environment', function () {
  let t: TestEnvironment;
  const usersFile = (): string => readFileSync(join(t.env.dataDir, 'client', 'users.json'), 'utf8');
  const signUp = (body: unknown): Promise<Response> =>
    fetch(`${t.env.url}/auth/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async function () {
    t = await startTestEnvironment();
  });
  after(async function () {
    await t?.stop();
  });

  it('signs up with a username and password and keeps only a salted scrypt hash', async function () {
    const res = await signUp({ username: 'alice', password: 'correct horse' });
    assert.equal(res.status, 200);
    const credentials = (await res.json()) as { access_token: string; sub: string };
    assert.equal(credentials.access_token.split('.').length, 3);
    const file = usersFile();
    assert.ok(!file.includes('correct horse'), 'the password is never stored');
    const [user] = JSON.parse(file) as { uid: string; username: string; passwordHash: string }[];
    assert.equal(user.username, 'alice');
    assert.equal(user.uid, credentials.sub);
    assert.match(user.passwordHash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    await t.env.clientUsers.create('bob', 'correct horse');
    const hashes = (JSON.parse(usersFile()) as { passwordHash: string }[]).map((u) => u.passwordHash);
    assert.notEqual(hashes[0], hashes[1], 'each hash has its own salt');
  });

  it('signs in with auth.signInWithPassword; the user writes with its uid as _openid', async function () {
    const app = clientApp(t.env, 'local-pw-alice');
    const res = await app.auth().signInWithPassword({ username: 'alice', password: 'correct horse' });
    assert.equal(res.error, null, JSON.stringify(res.error));
    const uid = (await t.env.clientUsers.list()).find((u) => u.username === 'alice')!.uid;
    assert.equal(res.data.user.id, uid);
    assert.equal(res.data.user.is_anonymous, false);
    const entry = t.env.clientRequests.list().find((e) => e.operation === 'auth.signin' && e.uid === uid);
    assert.equal(entry?.decision, 'allowed');

    const c = await t.env.database.createCollection('profiles');
    await c.setPermission({ acl: 'PRIVATE' });
    await app.database().collection('profiles').add({ _id: 'p1', name: 'Alice' });
    assert.equal(t.env.database.collection('profiles').find({ _id: 'p1' }).documents[0]._openid, uid);
    const me = await fetch(`${t.env.url}/auth/v1/user/me`, { headers: { authorization: `Bearer ${(await app.auth().getAccessToken()).accessToken}` } });
    const info = (await me.json()) as { username: string; is_anonymous: boolean };
    assert.equal(info.username, 'alice');
    assert.equal(info.is_anonymous, false);
  });

  it('answers a wrong password and an unknown user with the cloud\'s error names', async function () {
    const app = clientApp(t.env, 'local-pw-wrong');
    const wrong: Sdk = await quietly(() => app.auth().signInWithPassword({ username: 'alice', password: 'wrong horse!' }));
    assert.equal(wrong.error?.code, 'invalid_password');
    assert.equal(wrong.error?.category, 'INVALID_CREDENTIALS');
    assert.equal(wrong.data.user, null);
    assert.equal(t.env.clientRequests.list().at(-1)!.decision, 'refused');
    const unknown: Sdk = await quietly(() => clientApp(t.env, 'local-pw-unknown').auth().signInWithPassword({ username: 'carol', password: 'whatever1' }));
    assert.equal(unknown.error?.code, 'not_found');
    assert.equal(unknown.error?.category, 'USER_NOT_FOUND');
  });

  it('refuses a taken username, a short password and missing fields, and writes nothing', async function () {
    const before = usersFile();
    for (const [body, error] of [
      [{ username: 'alice', password: 'another horse' }, 'already_exists'],
      [{ username: 'dave', password: 'short' }, 'invalid_argument'],
      [{ username: '../x', password: 'long enough' }, 'invalid_argument'],
      [{ password: 'long enough' }, 'invalid_argument'],
    ] as const) {
      const res = await signUp(body);
      assert.ok(res.status >= 400, `${JSON.stringify(body)} answered ${res.status}`);
      assert.equal(((await res.json()) as { error: string }).error, error);
    }
    const noPassword = await fetch(`${t.env.url}/auth/v1/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice' }) });
    assert.equal(((await noPassword.json()) as { error: string }).error, 'invalid_argument');
    assert.equal(usersFile(), before);
  });
});
