/**
 * The client side through the published @cloudbase/js-sdk 3.x, unchanged, in Node (its node
 * adapter): sign-in, the database under each preset and custom rules, the explanation of every
 * decision, and tokens the environment refuses.
 */
import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import { startTestEnvironment, type TestEnvironment } from '../server/support';
import type { ClientRequestEntry } from '../../../../src/emulator/client/index';
import type { CollectionPermission } from '../../../../src/shared/model';

// js-sdk's typings describe the browser build; its node build is what `require` resolves here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloudbase = require('@cloudbase/js-sdk') as { init(config: { env: string }): any }; // eslint-disable-line @typescript-eslint/no-explicit-any
type Db = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Client {
  db: Db;
  uid: string;
  token: string;
}

describe('client SDK (@cloudbase/js-sdk 3.x, GATEWAY mode) against the local environment', function () {
  let t: TestEnvironment;
  let alice: Client;
  let bob: Client;

  /** Each client has its own env name: js-sdk keeps one session per env, and the local environment answers any. */
  async function signIn(env: string): Promise<Client> {
    const app = cloudbase.init({ env });
    app.registerEndPointWithKey({ key: 'GATEWAY', url: `//127.0.0.1:${t.env.port}/v1`, protocol: 'http' });
    const auth = app.auth();
    const res = await auth.signInAnonymously();
    assert.equal(res.error, null, `sign-in failed: ${JSON.stringify(res.error)}`);
    const token = (await auth.getAccessToken()).accessToken as string;
    return { db: app.database(), uid: res.data.user.id as string, token };
  }

  async function collection(name: string, permission: CollectionPermission, docs: Record<string, unknown>[] = []): Promise<void> {
    const c = await t.env.database.createCollection(name);
    await c.setPermission(permission);
    if (docs.length > 0) await c.insertMany(docs);
  }

  const stored = (name: string, filter: Record<string, unknown> = {}): Record<string, unknown>[] => t.env.database.collection(name).find(filter).documents;
  const lastEntry = (): ClientRequestEntry => t.env.clientRequests.list().at(-1)!;

  function assertDenied(res: { code?: string; data?: { message?: string } }, ...phrases: string[]): void {
    assert.equal(res.code, 'DATABASE_PERMISSION_DENIED', JSON.stringify(res));
    for (const phrase of phrases) assert.ok(res.data?.message?.includes(phrase), `"${res.data?.message}" should say ${phrase}`);
  }

  before(async function () {
    t = await startTestEnvironment();
    alice = await signIn('local-test');
    bob = await signIn('local-test-bob');
  });
  after(async function () {
    await t?.stop();
  });

  describe('sign-in', function () {
    it('signs in anonymously with a token signed by this environment', async function () {
      assert.match(alice.uid, /^[0-9a-f]{32}$/);
      assert.notEqual(alice.uid, bob.uid);
      assert.equal(alice.token.split('.').length, 3, 'a JWT');
      const me = await fetch(`${t.env.url}/auth/v1/user/me`, { headers: { authorization: `Bearer ${alice.token}` } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { sub: string }).sub, alice.uid);
      assert.ok(t.env.clientRequests.list().some((e) => e.operation === 'auth.signin.anonymously' && e.uid === alice.uid));
    });
  });

  describe('PRIVATE (creator reads and writes)', function () {
    before(async function () {
      await collection('notes', { acl: 'PRIVATE' });
    });

    it('adds with the creator\'s _openid, whatever the document claims', async function () {
      const res = await alice.db.collection('notes').add({ _id: 'n1', text: 'mine', _openid: bob.uid });
      assert.equal(res.id, 'n1');
      assert.equal(stored('notes', { _id: 'n1' })[0]._openid, alice.uid);
      assert.equal(lastEntry().decision, 'allowed');
      assert.match(lastEntry().rule!, /^PRIVATE/);
    });

    it('reads with where({ _openid: "{openid}" }) and denies a query that does not imply the rule, with the rewrite', async function () {
      const mine = await alice.db.collection('notes').where({ _openid: '{openid}' }).get();
      assert.deepEqual(mine.data.map((d: { _id: string }) => d._id), ['n1']);
      assertDenied(await alice.db.collection('notes').doc('n1').get(), 'PRIVATE', 'doc._openid == auth.openid', 'where({"_id":"n1","_openid":"{openid}"})');
      const entry = lastEntry();
      assert.equal(entry.decision, 'denied');
      assert.equal(entry.rewrite, 'where({"_id":"n1","_openid":"{openid}"})');
      assert.deepEqual(entry.failed, ['doc._openid == auth.openid (the query does not fix doc._openid)']);
      const byBoth = await alice.db.collection('notes').where({ _id: 'n1', _openid: '{openid}' }).get();
      assert.equal(byBoth.data[0].text, 'mine');
    });

    it('keeps another user out: their own-openid query matches nothing, a bare one is denied and writes nothing', async function () {
      const theirs = await bob.db.collection('notes').where({ _id: 'n1', _openid: '{openid}' }).get();
      assert.deepEqual(theirs.data, []);
      const updated = await bob.db.collection('notes').where({ _id: 'n1' }).update({ text: 'taken' });
      assert.equal(updated.updated, undefined, 'js-sdk in GATEWAY mode reports a refused write without a count');
      assert.equal(lastEntry().decision, 'denied');
      assert.equal(lastEntry().operation, 'database.update');
      await bob.db.collection('notes').where({ _id: 'n1' }).remove();
      assert.equal(lastEntry().decision, 'denied');
      assert.equal(lastEntry().operation, 'database.remove');
      assert.equal(stored('notes', { _id: 'n1' })[0].text, 'mine');
      const own = await bob.db.collection('notes').where({ _id: 'n1', _openid: '{openid}' }).update({ text: 'taken' });
      assert.equal(own.updated, 0, 'allowed, but matches none of bob\'s');
    });

    it('lets the creator update, set and remove through queries that name them', async function () {
      const _ = alice.db.command;
      assert.equal((await alice.db.collection('notes').where({ _id: 'n1', _openid: '{openid}' }).update({ n: _.inc(2) })).updated, 1);
      assert.equal(stored('notes', { _id: 'n1' })[0].n, 2);
      assert.equal((await alice.db.collection('notes').where({ _openid: '{openid}' }).count()).total, 1);
      assert.equal((await alice.db.collection('notes').where({ _id: 'n1', _openid: '{openid}' }).remove()).deleted, 1);
      assert.equal(stored('notes').length, 0);
    });
  });

  describe('READONLY (all read, creator writes)', function () {
    before(async function () {
      await collection('posts', { acl: 'READONLY' });
      await alice.db.collection('posts').add({ _id: 'p1', title: 'hello', at: new Date(Date.UTC(2026, 0, 2)) });
    });

    it('lets anyone read any query, with dates as dates', async function () {
      const all = await bob.db.collection('posts').where({}).orderBy('title', 'asc').limit(10).get();
      assert.equal(all.data.length, 1);
      assert.ok(all.data[0].at instanceof Date);
      assert.equal(all.data[0].at.getTime(), Date.UTC(2026, 0, 2));
      assert.equal((await bob.db.collection('posts').doc('p1').get()).data[0].title, 'hello');
    });

    it('denies another user\'s write and allows the creator\'s', async function () {
      await bob.db.collection('posts').doc('p1').update({ title: 'mine now' });
      assert.equal(lastEntry().decision, 'denied');
      assert.match(lastEntry().message, /READONLY \(write: doc\._openid == auth\.openid\)/);
      assert.equal(stored('posts')[0].title, 'hello');
      await bob.db.collection('posts').where({ _id: 'p1', _openid: '{openid}' }).update({ title: 'mine now' });
      assert.equal(stored('posts')[0].title, 'hello', 'allowed, but the document is not bob\'s');
      const _ = alice.db.command;
      await alice.db.collection('posts').where({ _id: 'p1', _openid: '{openid}' }).update({ views: _.inc(1) });
      assert.equal(stored('posts')[0].views, 1);
    });
  });

  describe('ADMINWRITE and ADMINONLY', function () {
    before(async function () {
      await collection('config', { acl: 'ADMINWRITE' }, [{ _id: 'c1', theme: 'dark' }]);
      await collection('secrets', { acl: 'ADMINONLY' }, [{ _id: 's1', key: 'k' }]);
    });

    it('ADMINWRITE: all read, no client writes', async function () {
      assert.equal((await alice.db.collection('config').where({}).get()).data[0].theme, 'dark');
      await alice.db.collection('config').add({ theme: 'light' });
      assert.equal(lastEntry().decision, 'denied');
      assert.match(lastEntry().message, /ADMINWRITE \(write: false\).*no client may do this/);
      assert.equal(stored('config').length, 1);
    });

    it('ADMINONLY: no client access, while the server SDK is unrestricted', async function () {
      assertDenied(await alice.db.collection('secrets').where({ _id: 's1' }).get(), 'ADMINONLY (read: false)');
      await alice.db.collection('secrets').add({ key: 'x' });
      assert.equal(lastEntry().decision, 'denied');
      assert.equal(stored('secrets').length, 1);
      const admin = tcb.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl });
      const res = await admin.database().collection('secrets').get();
      assert.equal((res.data as unknown[]).length, 1);
    });
  });

  describe('custom rules', function () {
    before(async function () {
      await collection('articles', {
        acl: 'CUSTOM',
        rule: { read: 'doc.published == true || doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
      });
      await collection('orders', {
        acl: 'CUSTOM',
        rule: { read: 'doc.buyer == auth.uid', create: "doc.buyer == auth.uid && doc.status != 'paid'", update: false, delete: 'auth.uid == doc.buyer' },
      });
    });

    it('published or own: a query must fix one branch', async function () {
      await alice.db.collection('articles').add({ _id: 'a1', published: true, title: 'out' });
      await alice.db.collection('articles').add({ _id: 'a2', published: false, title: 'draft' });
      const published = await bob.db.collection('articles').where({ published: true }).get();
      assert.deepEqual(published.data.map((d: { _id: string }) => d._id), ['a1']);
      const own = await alice.db.collection('articles').where({ _openid: '{openid}' }).get();
      assert.equal(own.data.length, 2);
      assertDenied(await bob.db.collection('articles').where({}).get(), 'custom rule "read"', 'none of', 'where({"published":true})');
      assertDenied(await bob.db.collection('articles').where({ published: false }).get(), 'doc.published == true (false vs true)');
    });

    it('create checks the new document; a false entry and an unmet delete deny', async function () {
      const ok = await alice.db.collection('orders').add({ _id: 'o1', buyer: alice.uid, status: 'new' });
      assert.equal(ok.id, 'o1');
      await alice.db.collection('orders').add({ _id: 'o2', buyer: alice.uid, status: 'paid' });
      assert.equal(lastEntry().decision, 'denied');
      assert.deepEqual(lastEntry().failed, [`doc.status != 'paid' ("paid" vs "paid")`]);
      await bob.db.collection('orders').add({ _id: 'o3', buyer: alice.uid, status: 'new' });
      assert.match(lastEntry().failed![0], /^doc\.buyer == auth\.uid/);
      assert.deepEqual(stored('orders').map((d) => d._id), ['o1']);
      await alice.db.collection('orders').where({ _id: 'o1', buyer: alice.uid }).update({ status: 'paid' });
      assert.match(lastEntry().message, /custom rule "update": false/);
      assert.equal(stored('orders')[0].status, 'new');
      await bob.db.collection('orders').where({ _id: 'o1', buyer: alice.uid }).remove();
      assert.deepEqual(lastEntry().failed, [`auth.uid == doc.buyer ("${bob.uid}" vs "${alice.uid}")`]);
      assert.equal((await alice.db.collection('orders').where({ _id: 'o1', buyer: alice.uid }).remove()).deleted, 1);
    });
  });

  describe('refused tokens and origins', function () {
    const documentsUrl = (): string => `${t.env.gatewayUrl}/database/instances/(default)/databases/(default)/collections/notes/documents`;
    const post = (token: string): Promise<Response> =>
      fetch(documentsUrl(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ data: [{ x: 1 }] }) });

    it('refuses malformed and forged tokens with a coded error and writes nothing', async function () {
      const [header, payload] = alice.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const other = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else', openid: 'someone-else' })).toString('base64url');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      for (const token of ['not-a-token', `${header}.${other}.${alice.token.split('.')[2]}`, unsigned]) {
        const res = await post(token);
        assert.equal(res.status, 401);
        const body = (await res.json()) as { code: string; message: string };
        assert.equal(body.code, 'INVALID_ACCESS_TOKEN', body.message);
        assert.match(body.message, /Nothing was read or written/);
        assert.equal(lastEntry().decision, 'refused');
      }
      assert.equal(stored('notes').length, 0);
      // The environment keeps serving.
      assert.equal((await post(alice.token)).status, 200);
      assert.equal(stored('notes').length, 1);
    });

    it('answers a local page\'s preflight and refuses other sites', async function () {
      const preflight = await fetch(documentsUrl(), {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
      const foreign = await fetch(documentsUrl(), { headers: { origin: 'https://example.com' } });
      assert.equal(foreign.status, 403);
      const admin = await fetch(t.env.adminUrl, { method: 'POST', headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' }, body: '{}' });
      assert.equal(admin.status, 403, '/admin still admits only its own origin');
    });
  });
});
