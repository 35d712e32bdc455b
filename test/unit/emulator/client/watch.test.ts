/**
 * Realtime `watch()` through the published @cloudbase/js-sdk 3.x, unchanged, in Node (its node
 * adapter, over the `ws` package): the init snapshot, changes written by the server SDK, the read
 * rule on the query and on every change, and the socket's answers to messages it cannot serve.
 */
import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import WebSocket from 'ws';
import { startTestEnvironment, type TestEnvironment } from '../server/support';
import type { CollectionPermission } from '../../../../src/shared/model';
import { clientApp, type Sdk } from './support';

interface DocChange {
  dataType: string;
  queueType: string;
  docId: string;
  doc?: Record<string, unknown>;
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
}
interface Snapshot {
  id: number;
  type?: string;
  docs: Record<string, unknown>[];
  docChanges: DocChange[];
}

/** A watch's snapshots and errors as they arrive, to await one at a time. */
class Watched {
  private readonly snapshots: Snapshot[] = [];
  readonly errors: unknown[] = [];
  private wake?: () => void;
  listener?: { close(): Promise<void> | void };

  onChange = (snapshot: Snapshot): void => {
    this.snapshots.push(snapshot);
    this.wake?.();
  };
  onError = (error: unknown): void => {
    this.errors.push(error);
    this.wake?.();
  };

  async next(timeoutMs = 5_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    while (this.snapshots.length === 0) {
      if (this.errors.length > 0) throw new Error(`watch failed: ${JSON.stringify(this.errors[0])}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no snapshot arrived');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, left);
      });
    }
    return this.snapshots.shift()!;
  }

  async error(timeoutMs = 5_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(this.errors.length > 0, 'onError was not called');
    return this.errors[0];
  }

  /** Nothing more arrived (after a write that must not reach this watch). */
  get pending(): number {
    return this.snapshots.length;
  }
}

const ids = (docs: Record<string, unknown>[]): string[] => docs.map((d) => String(d._id)).sort();

describe('client SDK watch() against the local environment (realtime WebSocket)', function () {
  this.timeout(30_000);
  let t: TestEnvironment;
  let app: Sdk;
  let db: Sdk;
  let admin: ReturnType<ReturnType<typeof tcb.init>['database']>;
  const open: Watched[] = [];
  const quietLog = console.log;
  const quietWarn = console.warn;

  function watch(query: { watch(options: unknown): { close(): Promise<void> | void } }): Watched {
    const w = new Watched();
    w.listener = query.watch({ onChange: w.onChange, onError: w.onError });
    open.push(w);
    return w;
  }

  async function collection(name: string, permission: CollectionPermission, docs: Record<string, unknown>[] = []): Promise<void> {
    const c = await t.env.database.createCollection(name);
    await c.setPermission(permission);
    if (docs.length > 0) await c.insertMany(docs);
  }

  before(async function () {
    // js-sdk narrates its realtime client on the console; the test output stays readable without it.
    console.log = (...args: unknown[]) => (String(args[0]).startsWith('[realtime]') ? undefined : quietLog(...args));
    console.warn = (...args: unknown[]) => (/realtime|nextevent/.test(String(args[0])) ? undefined : quietWarn(...args));
    t = await startTestEnvironment();
    app = clientApp(t.env, 'local-test-watch');
    // watch() asks the CLOUD_API endpoint for its sign, then opens the socket that sign names.
    app.registerEndPointWithKey({ key: 'CLOUD_API', url: `//127.0.0.1:${t.env.port}/web`, protocol: 'http' });
    const res = await app.auth().signInAnonymously();
    assert.equal(res.error, null);
    db = app.database();
    admin = tcb.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl }).database();
    await collection('feed', { acl: 'READONLY' }, [
      { _id: 'a', topic: 'news', n: 1, tags: { x: 1 } },
      { _id: 'b', topic: 'news', n: 2 },
      { _id: 'c', topic: 'sport', n: 3 },
    ]);
  });
  afterEach(async function () {
    for (const w of open.splice(0)) await Promise.resolve(w.listener?.close()).catch(() => undefined);
  });
  after(async function () {
    await t?.stop();
    console.log = quietLog;
    console.warn = quietWarn;
  });

  it('starts with the documents the query matches', async function () {
    const w = watch(db.collection('feed').where({ topic: 'news' }));
    const init = await w.next();
    assert.deepEqual(ids(init.docs), ['a', 'b']);
    assert.ok(init.docChanges.every((c) => c.dataType === 'init' && c.queueType === 'init'));
    assert.ok(t.env.clientRequests.list().some((e) => e.operation === 'database.watch' && e.decision === 'allowed' && e.collection === 'feed'));
  });

  it('delivers add, update, set and remove written by the server SDK, with the right docs', async function () {
    const w = watch(db.collection('feed').where({ topic: 'news' }));
    await w.next();

    await admin.collection('feed').add({ _id: 'd', topic: 'news', n: 4 });
    let s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['add', 'enqueue', 'd']]);
    assert.equal(s.docChanges[0].doc?.n, 4);
    assert.deepEqual(ids(s.docs), ['a', 'b', 'd']);

    await admin.collection('feed').doc('a').update({ n: 10, 'tags.y': 2 });
    s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['update', 'update', 'a']]);
    assert.deepEqual(s.docChanges[0].updatedFields, { n: 10, 'tags.y': 2 });
    const a = s.docs.find((d) => d._id === 'a')!;
    assert.equal(a.n, 10);
    assert.deepEqual(a.tags, { x: 1, y: 2 });

    await admin.collection('feed').doc('b').set({ topic: 'news', text: 'replaced' });
    s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['replace', 'update', 'b']]);
    assert.equal(s.docs.find((d) => d._id === 'b')!.text, 'replaced');
    assert.equal(s.docs.find((d) => d._id === 'b')!.n, undefined);

    await admin.collection('feed').doc('d').remove();
    s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['remove', 'dequeue', 'd']]);
    assert.deepEqual(ids(s.docs), ['a', 'b']);

    // Leaving the query by an update is a dequeue of dataType update.
    await admin.collection('feed').doc('b').update({ topic: 'sport' });
    s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['update', 'dequeue', 'b']]);
    assert.deepEqual(ids(s.docs), ['a']);
  });

  it('does not deliver a change to a document outside the query', async function () {
    const w = watch(db.collection('feed').where({ topic: 'news' }));
    await w.next();
    await admin.collection('feed').doc('c').update({ n: 30 });
    await admin.collection('feed').add({ _id: 'e', topic: 'sport' });
    // The next in-query write arrives first and alone: the two before it were not sent.
    await admin.collection('feed').doc('a').update({ n: 11 });
    const s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => c.docId), ['a']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(w.pending, 0);
  });

  it('watches one document with doc(id).watch()', async function () {
    const w = watch(db.collection('feed').doc('c'));
    const init = await w.next();
    assert.deepEqual(ids(init.docs), ['c']);
    await admin.collection('feed').doc('c').update({ n: 31 });
    const s = await w.next();
    assert.equal(s.docs[0].n, 31);
    assert.equal(s.docChanges[0].dataType, 'update');
  });

  it('orders and limits a watch; a document pushed out of the window is a limit change', async function () {
    await collection('scores', { acl: 'READONLY' }, [
      { _id: 's1', v: 1 },
      { _id: 's2', v: 2 },
      { _id: 's3', v: 3 },
    ]);
    const w = watch(db.collection('scores').orderBy('v', 'desc').limit(2));
    const init = await w.next();
    assert.deepEqual(init.docs.map((d) => d._id), ['s3', 's2']);
    await admin.collection('scores').add({ _id: 's4', v: 4 });
    const s = await w.next();
    const changes = s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]).sort();
    assert.deepEqual(changes, [['add', 'enqueue', 's4'], ['limit', 'dequeue', 's2']]);
    assert.deepEqual(ids(s.docs), ['s3', 's4']);
  });

  it('denies a query the read rule does not imply, through onError with the cloud\'s code', async function () {
    await collection('diary', { acl: 'PRIVATE' }, [{ _id: 'p1', _openid: 'someone-else', text: 'theirs' }]);
    const w = watch(db.collection('diary').where({}));
    const error = await w.error();
    assert.match(JSON.stringify(error), /COLLECTION_PERMISSION_DENIED/);
    assert.match(JSON.stringify(error), /PRIVATE \(read: doc\._openid == auth\.openid\)/);
    const entry = t.env.clientRequests.list().filter((e) => e.operation === 'database.watch').at(-1)!;
    assert.equal(entry.decision, 'denied');
    assert.match(entry.rewrite ?? '', /"_openid":"\{openid\}"/);

    // The query that fixes _openid passes, and sees only the user's own documents.
    const own = watch(db.collection('diary').where({ _openid: '{openid}' }));
    assert.deepEqual((await own.next()).docs, []);
    await admin.collection('diary').add({ _id: 'p2', _openid: 'someone-else', text: 'not mine' });
    await db.collection('diary').add({ _id: 'p3', text: 'mine' });
    const s = await own.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.docId]), [['add', 'p3']]);
  });

  it('checks the read rule on every change: a document the user may not read is never sent', async function () {
    await collection('board', { acl: 'READONLY' }, [{ _id: 'm1', text: 'hello' }]);
    const w = watch(db.collection('board').where({}));
    await w.next();
    await t.env.database.collection('board').setPermission({ acl: 'ADMINONLY' });
    await admin.collection('board').add({ _id: 'm2', text: 'secret' });
    // m1, sent before, leaves the view once it changes and the user may not read it.
    await admin.collection('board').doc('m1').update({ text: 'hello again' });
    let s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => [c.dataType, c.queueType, c.docId]), [['update', 'dequeue', 'm1']]);
    assert.deepEqual(s.docs, []);
    await t.env.database.collection('board').setPermission({ acl: 'READONLY' });
    await admin.collection('board').add({ _id: 'm3', text: 'public' });
    s = await w.next();
    assert.deepEqual(s.docChanges.map((c) => c.docId), ['m3']);
    assert.ok(!JSON.stringify(s).includes('secret'));
  });

  describe('the socket itself', function () {
    let socket: WebSocket;
    const inbox: Record<string, unknown>[] = [];

    async function reply(): Promise<Record<string, unknown>> {
      const deadline = Date.now() + 3_000;
      while (inbox.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(inbox.length > 0, 'no answer');
      return inbox.shift()!;
    }

    before(async function () {
      socket = new WebSocket(`ws://127.0.0.1:${t.env.port}/ws`);
      socket.on('message', (data) => inbox.push(JSON.parse(data.toString()) as Record<string, unknown>));
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    });
    after(function () {
      socket?.close();
    });

    it('answers malformed JSON and unknown types with coded errors and keeps serving', async function () {
      socket.send('{not json');
      let m = await reply();
      assert.equal(m.msgType, 'ERROR');
      assert.equal((m.msgData as { code: string }).code, 'INVALID_PARAM');

      socket.send(JSON.stringify({ watchId: 'w1', requestId: 'r1', msgType: 'SUBSCRIBE', msgData: null }));
      m = await reply();
      assert.deepEqual([m.msgType, m.requestId, m.watchId, (m.msgData as { code: string }).code], ['ERROR', 'r1', 'w1', 'INVALID_MSG_TYPE']);

      socket.send(JSON.stringify([1, 2]));
      assert.equal(((await reply()).msgData as { code: string }).code, 'INVALID_PARAM');

      socket.send(JSON.stringify({ watchId: 'w2', requestId: 'r2', msgType: 'INIT_WATCH', msgData: { envId: 'x', collName: 'feed', query: '{}' } }));
      m = await reply();
      assert.deepEqual([m.requestId, (m.msgData as { code: string }).code], ['r2', 'CHECK_LOGIN_FAILED']);

      socket.send(JSON.stringify({ requestId: 'r3', msgType: 'LOGIN', msgData: { envId: 'x' }, exMsgData: { signStr: 'forged' } }));
      m = await reply();
      assert.deepEqual([m.msgType, (m.msgData as { code: string }).code], ['LOGIN_RES', 'SIGN_INVALID_ERROR']);

      socket.send(JSON.stringify({ requestId: 'r4', msgType: 'PING', msgData: null }));
      m = await reply();
      assert.deepEqual([m.msgType, m.requestId], ['PONG', 'r4']);
      assert.equal(socket.readyState, WebSocket.OPEN);

      // The environment still serves HTTP and other watches.
      const res = await db.collection('feed').where({ topic: 'news' }).get();
      assert.ok(Array.isArray(res.data));
    });

    it('answers an INIT_WATCH with bad parameters after a valid LOGIN', async function () {
      const sign = await fetch(`${t.env.url}/web?env=x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'auth.wsWebSign', env: 'x' }) });
      const { data } = (await sign.json()) as { data: { signStr: string; wsUrl: string } };
      assert.ok(data.wsUrl.startsWith(`ws://127.0.0.1:${t.env.port}/ws?sign=`), data.wsUrl);
      socket.send(JSON.stringify({ requestId: 'l1', msgType: 'LOGIN', msgData: { envId: 'x' }, exMsgData: { signStr: data.signStr } }));
      let m = await reply();
      assert.deepEqual([m.msgType, m.msgData], ['LOGIN_RES', { envId: 'x' }]);
      socket.send(JSON.stringify({ watchId: 'w3', requestId: 'i1', msgType: 'INIT_WATCH', msgData: { collName: 'feed', query: '{"topic":' } }));
      assert.equal(((await reply()).msgData as { code: string }).code, 'INVALID_PARAM');
      socket.send(JSON.stringify({ watchId: 'w4', requestId: 'i2', msgType: 'INIT_WATCH', msgData: { collName: 'nowhere', query: '{}' } }));
      assert.equal(((await reply()).msgData as { code: string }).code, 'DATABASE_COLLECTION_NOT_EXIST');
      // A signed-out client may watch a READONLY collection, as it may read it.
      socket.send(JSON.stringify({ watchId: 'w5', requestId: 'i3', msgType: 'INIT_WATCH', msgData: { collName: 'feed', query: '{"topic":"news"}' } }));
      m = await reply();
      assert.equal(m.msgType, 'INIT_EVENT');
      assert.ok(((m.msgData as { events: unknown[] }).events.length) > 0);
      socket.send(JSON.stringify({ watchId: 'w5', requestId: 'c1', msgType: 'CHECK_LAST', msgData: { queryID: (m.msgData as { queryID: string }).queryID, eventID: 1 } }));
      m = await reply();
      assert.deepEqual([m.msgType, (m.msgData as { currEvent: number }).currEvent], ['CHECK_EVENT', 1]);
    });

    it('refuses an upgrade from another site or for another host', async function () {
      for (const headers of [{ origin: 'https://evil.example' }, { host: 'evil.example' }]) {
        const other = new WebSocket(`ws://127.0.0.1:${t.env.port}/ws`, { headers });
        const status = await new Promise<number>((resolve) => {
          other.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          other.once('open', () => resolve(101));
          other.once('error', () => resolve(-1));
        });
        assert.equal(status, 403, JSON.stringify(headers));
        other.terminate();
      }
    });
  });
});
