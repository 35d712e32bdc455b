/**
 * Storage from the published @cloudbase/js-sdk 3.x (GATEWAY mode, node adapter), unchanged:
 * uploadFile, getTempFileURL, downloadFile and deleteFile under each storage rule preset, the
 * explanation of every decision, and tokens and tickets the environment refuses.
 */
import { strict as assert } from 'node:assert';
import { startTestEnvironment, type TestEnvironment } from '../server/support';
import type { ClientRequestEntry } from '../../../../src/emulator/client/index';
import { clientApp, forged, signInAnonymously, type SignedIn } from './support';

describe('client SDK storage against the local environment', function () {
  let t: TestEnvironment;
  let alice: SignedIn;
  let bob: SignedIn;

  const storage = (c: SignedIn): any => c.app; // eslint-disable-line @typescript-eslint/no-explicit-any
  const stored = async (key: string): Promise<string | undefined> => {
    if (!(await t.env.storage.files.stat(key))) return undefined;
    const { stream } = await t.env.storage.files.openRead(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const entries = (operation: string): ClientRequestEntry[] => t.env.clientRequests.list().filter((e) => e.operation === operation);
  const last = (operation: string): ClientRequestEntry => entries(operation).at(-1)!;
  const upload = (c: SignedIn, cloudPath: string, text: string): Promise<{ fileID: string }> => storage(c).uploadFile({ cloudPath, fileContent: Buffer.from(text) });

  before(async function () {
    t = await startTestEnvironment();
    alice = await signInAnonymously(t.env, 'local-st-alice');
    bob = await signInAnonymously(t.env, 'local-st-bob');
  });
  after(async function () {
    await t?.stop();
  });
  afterEach(async function () {
    await t.env.storageRule.set('READONLY');
  });

  describe('READONLY (the default: all read, the uploader writes)', function () {
    it('uploads as the signed-in user and lets anyone read', async function () {
      assert.equal(await t.env.storageRule.get(), 'READONLY');
      const { fileID } = await upload(alice, 'notes/a.txt', 'hello');
      assert.equal(fileID, t.env.storage.fileId('notes/a.txt'));
      assert.equal(await stored('notes/a.txt'), 'hello');
      const uploads = entries('storage.upload');
      assert.ok(uploads.length >= 2 && uploads.every((e) => e.decision === 'allowed' && e.uid === alice.uid && e.target === 'notes/a.txt'));
      assert.match(last('storage.upload').rule!, /^READONLY \(write: resource\.openid == auth\.openid\)/);

      const urls = await storage(bob).getTempFileURL({ fileList: [fileID] });
      assert.equal(urls.fileList[0].code, 'SUCCESS');
      assert.equal(await (await fetch(urls.fileList[0].tempFileURL)).text(), 'hello');
      const downloaded = await storage(bob).downloadFile({ fileID });
      assert.equal(Buffer.from(downloaded.fileContent).toString('utf8'), 'hello');
      assert.equal(last('storage.download').decision, 'allowed');
      assert.equal(last('storage.download').uid, bob.uid);
    });

    it('denies another user\'s overwrite and delete, and says why', async function () {
      const fileID = t.env.storage.fileId('notes/a.txt');
      await assert.rejects(upload(bob, 'notes/a.txt', 'taken'), /STORAGE_EXCEED_AUTHORITY/);
      const denied = last('storage.upload');
      assert.equal(denied.decision, 'denied');
      assert.deepEqual(denied.failed, [`resource.openid == auth.openid ("${alice.uid}" vs "${bob.uid}")`]);
      const res = await storage(bob).deleteFile({ fileList: [fileID] });
      assert.equal(res.fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
      assert.match(res.fileList[0].message, /READONLY \(write: resource\.openid == auth\.openid\)/);
      assert.equal(await stored('notes/a.txt'), 'hello');
    });

    it('lets the uploader overwrite and delete; a file the server wrote is no client\'s', async function () {
      await upload(alice, 'notes/a.txt', 'again');
      assert.equal(await stored('notes/a.txt'), 'again');
      const res = await storage(alice).deleteFile({ fileList: [t.env.storage.fileId('notes/a.txt')] });
      assert.equal(res.fileList[0].code, 'SUCCESS');
      assert.equal(await stored('notes/a.txt'), undefined);

      await t.env.storage.files.write('server/config.json', '{}', { overwrite: true });
      const serverFile = t.env.storage.fileId('server/config.json');
      assert.equal((await storage(alice).deleteFile({ fileList: [serverFile] })).fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
      assert.match(last('storage.delete').failed![0], /no client uploaded this file/);
      assert.equal((await storage(alice).getTempFileURL({ fileList: [serverFile] })).fileList[0].code, 'SUCCESS');
    });

    it('ends an upload\'s ownership when the server replaces the file', async function () {
      await upload(alice, 'notes/b.txt', 'mine');
      await new Promise((r) => setTimeout(r, 20));
      await t.env.storage.files.write('notes/b.txt', 'the server\'s now', { overwrite: true });
      assert.equal((await storage(alice).deleteFile({ fileList: [t.env.storage.fileId('notes/b.txt')] })).fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
    });

    it('answers a missing file and a file of another environment per item', async function () {
      const res = await storage(alice).getTempFileURL({ fileList: [t.env.storage.fileId('nowhere.txt'), 'cloud://other.7463-other/x.txt'] });
      assert.equal(res.fileList[0].code, 'STORAGE_FILE_NONEXIST');
      assert.equal(res.fileList[1].code, 'INVALID_PARAM');
      await assert.rejects(storage(alice).downloadFile({ fileID: t.env.storage.fileId('nowhere.txt') }), (e: { code?: string }) => e.code === 'STORAGE_FILE_NONEXIST');
    });
  });

  describe('PRIVATE, ADMINWRITE, ADMINONLY', function () {
    it('PRIVATE: only the uploader reads', async function () {
      await t.env.storageRule.set('PRIVATE');
      const { fileID } = await upload(alice, 'private/p.txt', 'secret');
      const theirs = await storage(bob).getTempFileURL({ fileList: [fileID] });
      assert.equal(theirs.fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
      assert.match(last('storage.download').message, /PRIVATE \(read: resource\.openid == auth\.openid\)/);
      await assert.rejects(storage(bob).downloadFile({ fileID }), (e: { code?: string }) => e.code === 'STORAGE_EXCEED_AUTHORITY');
      const mine = await storage(alice).downloadFile({ fileID });
      assert.equal(Buffer.from(mine.fileContent).toString('utf8'), 'secret');
    });

    it('ADMINWRITE: all read, no client uploads or deletes', async function () {
      await t.env.storage.files.write('public/logo.txt', 'logo', { overwrite: true });
      await t.env.storageRule.set('ADMINWRITE');
      await assert.rejects(upload(alice, 'public/new.txt', 'x'), /STORAGE_EXCEED_AUTHORITY/);
      assert.match(last('storage.upload').message, /ADMINWRITE \(write: false\).*no client may do this/);
      assert.equal(await stored('public/new.txt'), undefined);
      const fileID = t.env.storage.fileId('public/logo.txt');
      assert.equal((await storage(bob).getTempFileURL({ fileList: [fileID] })).fileList[0].code, 'SUCCESS');
      assert.equal((await storage(alice).deleteFile({ fileList: [fileID] })).fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
    });

    it('ADMINONLY: no client access; a signed-out client is denied under every preset that asks for an owner', async function () {
      await t.env.storageRule.set('ADMINONLY');
      const fileID = t.env.storage.fileId('public/logo.txt');
      assert.equal((await storage(alice).getTempFileURL({ fileList: [fileID] })).fileList[0].code, 'STORAGE_EXCEED_AUTHORITY');
      assert.match(last('storage.download').rule!, /^ADMINONLY \(read: false\)/);
      await t.env.storageRule.set('READONLY');
      const nobody = clientApp(t.env, 'local-st-nobody');
      await assert.rejects(nobody.uploadFile({ cloudPath: 'anon.txt', fileContent: Buffer.from('x') }), /STORAGE_EXCEED_AUTHORITY/);
      assert.match(last('storage.upload').failed![0], /no user is signed in/);
      assert.equal(await stored('anon.txt'), undefined);
    });
  });

  describe('refused tokens, tickets and input', function () {
    const post = (name: string, body: unknown, token: string): Promise<Response> =>
      fetch(`${t.env.gatewayUrl}/storages/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

    it('refuses malformed and forged tokens with a coded error and writes nothing', async function () {
      for (const token of ['not-a-token', forged(alice.token)]) {
        const res = await post('get-objects-upload-info', [{ objectId: 'forged.txt' }], token);
        assert.equal(res.status, 401);
        const body = (await res.json()) as { code: string; message: string };
        assert.equal(body.code, 'INVALID_ACCESS_TOKEN');
        assert.match(body.message, /Nothing was read or written/);
        assert.equal(t.env.clientRequests.list().at(-1)!.decision, 'refused');
      }
      const del = await post('delete-objects', [{ cloudObjectId: t.env.storage.fileId('private/p.txt') }], forged(alice.token));
      assert.equal(del.status, 401);
      assert.equal(await stored('private/p.txt'), 'secret');
    });

    it('writes only with a ticket of this environment, for the path it names', async function () {
      const res = await post('get-objects-upload-info', [{ objectId: 'ticket/t.txt' }], alice.token);
      const [info] = (await res.json()) as { uploadUrl: string; authorization: string }[];
      const put = (authorization: string): Promise<Response> => fetch(info.uploadUrl, { method: 'PUT', headers: { authorization }, body: 'bytes' });
      const forgedTicket = await put(forged(info.authorization));
      assert.equal(forgedTicket.status, 401);
      assert.equal(((await forgedTicket.json()) as { code: string }).code, 'INVALID_UPLOAD_TICKET');
      assert.equal((await put(alice.token)).status, 401, 'an access token is not an upload ticket');
      assert.equal(await stored('ticket/t.txt'), undefined);
      assert.equal((await put(info.authorization)).status, 200);
      assert.equal(await stored('ticket/t.txt'), 'bytes');
    });

    it('answers missing fields with INVALID_PARAM', async function () {
      const notArray = await post('get-objects-download-info', { cloudObjectId: 'x' }, alice.token);
      assert.equal(notArray.status, 400);
      assert.equal(((await notArray.json()) as { code: string }).code, 'INVALID_PARAM');
      const items = (await (await post('get-objects-upload-info', [{}, { objectId: '../escape.txt' }], alice.token)).json()) as { code: string }[];
      assert.deepEqual(items.map((i) => i.code), ['INVALID_PARAM', 'INVALID_PARAM']);
      const copy = await post('copy-objects', [], alice.token);
      assert.equal(copy.status, 404);
    });
  });
});
