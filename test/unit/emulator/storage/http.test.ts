/**
 * Storage over the local server as SDKs use it: the real @cloudbase/node-sdk uploads, lists
 * temporary URLs, downloads and deletes; signed URLs are checked over plain HTTP.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import { startLocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, postJson, startTestEnvironment, type TestEnvironment } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function fetchRaw(url: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('storage over HTTP', function () {
  let t: TestEnvironment;
  let app: Json;

  before(async function () {
    t = await startTestEnvironment();
    app = tcb.init({ env: t.env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: t.env.adminUrl });
  });
  after(async function () {
    await t?.stop();
  });

  it('keeps files under <dataDir>/storage with cloud:// IDs', async function () {
    const res = await app.uploadFile({ cloudPath: 'avatars/头像.png', fileContent: Buffer.from('PNGDATA') });
    assert.equal(res.fileID, 'cloud://local-test.7463-local-test/avatars/头像.png');
    assert.equal(readFileSync(join(t.project.root, '.cloudbase', 'local', 'storage', 'avatars', '头像.png'), 'utf8'), 'PNGDATA');
  });

  it('uploads, hands out temporary URLs, downloads and deletes through node-sdk', async function () {
    const { fileID } = await app.uploadFile({ cloudPath: 'docs/hello.txt', fileContent: Buffer.from('hello storage') });
    const urls = await app.getTempFileURL({ fileList: [fileID, { fileID: 'cloud://local-test.7463-local-test/nope.txt', maxAge: 60 }] });
    assert.equal(urls.fileList[0].code, 'SUCCESS');
    assert.equal(urls.fileList[0].fileID, fileID);
    assert.match(urls.fileList[0].tempFileURL, /^http:\/\/127\.0\.0\.1:\d+\/storage\/download\?/);
    assert.equal(urls.fileList[1].code, 'STORAGE_FILE_NONEXIST');

    const got = await fetchRaw(urls.fileList[0].tempFileURL);
    assert.equal(got.status, 200);
    assert.equal(got.body.toString('utf8'), 'hello storage');
    assert.equal(got.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(got.headers['content-length'], String('hello storage'.length));

    const downloaded = await app.downloadFile({ fileID });
    assert.equal(Buffer.from(downloaded.fileContent).toString('utf8'), 'hello storage');

    const deleted = await app.deleteFile({ fileList: [fileID, 'cloud://local-test.7463-local-test/nope.txt'] });
    assert.equal(deleted.fileList[0].code, 'SUCCESS');
    assert.equal(deleted.fileList[1].code, 'STORAGE_FILE_NONEXIST');
    assert.equal((await fetchRaw(urls.fileList[0].tempFileURL)).status, 404);
  });

  it('uploads a 3 MB stream and serves it back byte for byte (HEAD tells the size)', async function () {
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    data.write('start', 0);
    const { fileID } = await app.uploadFile({ cloudPath: 'big/blob.bin', fileContent: data });
    const [{ tempFileURL }] = (await app.getTempFileURL({ fileList: [fileID] })).fileList;
    const head = await fetchRaw(tempFileURL, 'HEAD');
    assert.equal(head.headers['content-length'], String(data.length));
    assert.equal(head.headers['content-type'], 'application/octet-stream');
    const got = await fetchRaw(tempFileURL);
    assert.ok(got.body.equals(data));
  });

  it('refuses forged and expired URLs with 403 and a clear body', async function () {
    await app.uploadFile({ cloudPath: 'private.txt', fileContent: Buffer.from('secret') });
    const url = new URL(t.env.storage.temporaryUrl('private.txt', 60));

    const forged = new URL(url);
    forged.searchParams.set('key', Buffer.from('other.txt').toString('base64url'));
    const f = await fetchRaw(forged.toString());
    assert.equal(f.status, 403);
    assert.equal(JSON.parse(f.body.toString()).code, 'SIGNATURE_FORGED');

    const extended = new URL(url);
    extended.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    assert.equal((await fetchRaw(extended.toString())).status, 403);

    const expired = t.env.storage.temporaryUrl('private.txt', 60, Date.now() - 61_000);
    const e = await fetchRaw(expired);
    assert.equal(e.status, 403);
    const body = JSON.parse(e.body.toString());
    assert.equal(body.code, 'SIGNATURE_EXPIRED');
    assert.match(body.message, /expired/);

    const bare = await fetchRaw(`${t.env.url}/storage/download`);
    assert.equal(bare.status, 403);
    assert.equal((await fetchRaw(url.toString())).status, 200);
  });

  it('honours max_age and refuses upload URLs it did not sign', async function () {
    const res = (await postJson(t.env.adminUrl, {
      action: 'storage.batchGetDownloadUrl',
      file_list: [{ fileid: 'cloud://local-test.7463-local-test/private.txt', max_age: 120 }],
    })) as Json;
    const url = new URL(res.data.download_list[0].download_url);
    const left = Number(url.searchParams.get('expires')) - Date.now() / 1000;
    assert.ok(left > 100 && left <= 120, `expires in ${left}s`);

    const put = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.env.url}/storage/upload?key=${Buffer.from('x.txt').toString('base64url')}&expires=9999999999&sign=${'0'.repeat(64)}`, { method: 'PUT' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    assert.equal(put, 403);
    assert.equal(existsSync(join(t.project.root, '.cloudbase', 'local', 'storage', 'x.txt')), false);
  });

  it('accepts a COS-style form POST at the upload URL (web and mini-program clients)', async function () {
    const meta = (await postJson(t.env.adminUrl, { action: 'storage.getUploadMetadata', path: 'forms/photo.png' })) as Json;
    const { url, token, authorization, cosFileId } = meta.data;
    const form = new FormData();
    form.append('key', 'forms/photo.png');
    form.append('signature', authorization);
    form.append('x-cos-security-token', token);
    form.append('x-cos-meta-fileid', cosFileId);
    form.append('success_action_status', '201');
    form.append('file', new Blob([Buffer.from('\r\n--not-a-boundary\r\nPNG')]), 'photo.png');
    const res = await fetch(url, { method: 'POST', body: form });
    assert.equal(res.status, 201);
    assert.equal(readFileSync(join(t.project.root, '.cloudbase', 'local', 'storage', 'forms', 'photo.png'), 'utf8'), '\r\n--not-a-boundary\r\nPNG');

    const other = new FormData();
    other.append('key', 'forms/elsewhere.png');
    other.append('file', new Blob(['x']), 'x.png');
    const refused = await fetch(url, { method: 'POST', body: other });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /<Code>InvalidArgument<\/Code>/);
    assert.equal(existsSync(join(t.project.root, '.cloudbase', 'local', 'storage', 'forms', 'elsewhere.png')), false);
  });

  it('answers bad paths with INVALID_PARAM and writes nothing', async function () {
    for (const path of ['../x.txt', '/abs.txt', 'a//b.txt', 'a\\b.txt']) {
      const res = (await postJson(t.env.adminUrl, { action: 'storage.getUploadMetadata', path })) as Json;
      assert.equal(res.code, 'INVALID_PARAM', path);
    }
    await assert.rejects(app.uploadFile({ cloudPath: '../escape.txt', fileContent: Buffer.from('x') }));
    assert.equal(existsSync(join(t.project.root, '.cloudbase', 'local', 'escape.txt')), false);
  });

  it('moves storage with the data folder setting', async function () {
    const project = makeProject();
    const env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-moved', dataDir: 'elsewhere/data' });
    try {
      const moved = tcb.init({ env: env.envId, secretId: 'a', secretKey: 'b', serviceUrl: env.adminUrl }) as Json;
      await moved.uploadFile({ cloudPath: 'm.txt', fileContent: Buffer.from('m') });
      assert.equal(readFileSync(join(project.root, 'elsewhere', 'data', 'storage', 'm.txt'), 'utf8'), 'm');
      assert.ok(existsSync(join(project.root, 'elsewhere', 'data', 'storage-secret')));
    } finally {
      await env.close();
      project.remove();
    }
  });

  it('keeps URLs valid across restarts (the secret lives in the data folder)', async function () {
    const project = makeProject();
    const first = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-restart', port: 0 });
    await first.storage.files.write('a.txt', 'a', { overwrite: false });
    const url = new URL(first.storage.temporaryUrl('a.txt'));
    await first.close();
    const second = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-restart' });
    try {
      const got = await new Promise<number>((resolve, reject) => {
        get(`${second.url}${url.pathname}${url.search}`, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(got, 200);
    } finally {
      await second.close();
      project.remove();
    }
  });
});
