import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageApi } from '../../../../src/cloud/backend';
import { TencentBackend } from '../../../../src/cloud/tencent';
import { cloudBucket } from '../../../fakes/tencent-cloud/actions/storage';
import { ENV_ID, SECRET_KEY, startHarness, transportTo, type Harness } from '../../../fakes/tencent-cloud/harness';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

/** Every message and cause message of an error, for looking for leaked secrets. */
function allText(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c instanceof Error; c = c.cause) parts.push(c.message, String((c as { requestId?: string }).requestId ?? ''));
  return parts.join('\n');
}

describe('TencentBackend storage through manager-node, /admin and COS on the fake', () => {
  let h: Harness;
  let storage: StorageApi;
  let dir: string;
  beforeEach(async () => {
    h = await startHarness();
    storage = h.backend.storage;
    dir = await mkdtemp(join(tmpdir(), 'tencent-storage-'));
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads from bytes, a stream and a file, refuses to overwrite unless asked, and stats', async () => {
    const a = await storage.upload('docs/a.txt', { data: Buffer.from('alpha') }, { overwrite: false });
    assert.equal(a.kind, 'file');
    assert.equal(a.path, 'docs/a.txt');
    assert.equal(a.size, 5);
    assert.equal(a.fileId, `cloud://${ENV_ID}.${cloudBucket(ENV_ID)}/docs/a.txt`);
    await storage.upload('docs/b.txt', { stream: chunks('be', 'ta') }, { overwrite: false });
    const local = join(dir, 'c.bin');
    await writeFile(local, Buffer.alloc(3000, 7));
    await storage.upload('c.bin', { localPath: local }, { overwrite: false });

    await assert.rejects(storage.upload('docs/a.txt', { data: Buffer.from('other') }, { overwrite: false }), { code: 'FileExists' });
    assert.equal(Buffer.from(await storage.readFile('docs/a.txt')).toString(), 'alpha');
    await storage.upload('docs/a.txt', { data: Buffer.from('alpha two') }, { overwrite: true });
    assert.equal(Buffer.from(await storage.readFile('docs/a.txt')).toString(), 'alpha two');

    const files = h.fake.environment(ENV_ID).local.storage.files;
    assert.equal((await files.stat('c.bin'))?.size, 3000);
    const stat = await storage.stat('docs/b.txt');
    assert.equal(stat?.size, 4);
    assert.equal(stat?.name, 'b.txt');
    assert.ok(stat?.modified && !Number.isNaN(Date.parse(stat.modified)));
    assert.equal(await storage.stat('docs/none.txt'), undefined);
    // The bytes went to COS with the cosFileId that getUploadMetadata issued.
    const put = h.fake.requests.find((r) => r.action === 'cos:PutObject' && r.protocol === 'cos')!;
    assert.ok(put.headers['x-cos-meta-fileid']);
    assert.ok(h.fake.requests.some((r) => r.protocol === 'admin' && r.action === 'storage.getUploadMetadata'));
  });

  it('uploads a large file in slices and reads it back whole', async () => {
    const local = join(dir, 'big.bin');
    const bytes = Buffer.alloc(6 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) % 251;
    await writeFile(local, bytes);
    const entry = await storage.upload('big/big.bin', { localPath: local }, { overwrite: false });
    assert.equal(entry.size, bytes.length);
    assert.ok(h.fake.requests.some((r) => r.action === 'cos:CompleteMultipartUpload'));
    assert.ok(h.fake.requests.filter((r) => r.action === 'cos:UploadPart').length >= 2);
    assert.ok(Buffer.from(await storage.readFile('big/big.bin')).equals(bytes));
    assert.equal((await storage.stat('big/big.bin'))?.size, bytes.length);
  });

  it('lists a folder folders first, by cursor pages, and every file under it', async () => {
    for (const p of ['top/z.txt', 'top/a.txt', 'top/m/1.txt', 'top/b/2.txt', 'top/b/deep/3.txt', 'other.txt']) {
      await storage.upload(p, { data: Buffer.from(p) }, { overwrite: false });
    }
    await storage.createFolder('top/empty/');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await storage.list('top/', { limit: 2, cursor });
      seen.push(...page.items.map((i) => `${i.kind}:${i.path}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    // The folder is read once for the three pages.
    assert.equal(h.fake.requests.filter((r) => r.action === 'cos:GetBucket' && r.params.prefix === 'top/' && r.params.delimiter === '/').length, 1);
    assert.deepEqual(seen, ['folder:top/b/', 'folder:top/empty/', 'folder:top/m/', 'file:top/a.txt', 'file:top/z.txt']);
    const root = await storage.list('', { limit: 10 });
    assert.deepEqual(root.items.map((i) => i.path), ['top/', 'other.txt']);
    assert.deepEqual((await storage.listFiles('top/')).sort(), ['top/a.txt', 'top/b/2.txt', 'top/b/deep/3.txt', 'top/m/1.txt', 'top/z.txt']);
    const listing = h.fake.requests.filter((r) => r.action === 'cos:GetBucket');
    assert.ok(listing.some((r) => r.params.delimiter === '/' && r.params.prefix === 'top/'));
    await assert.rejects(storage.list('top/', { limit: 2, cursor: 'not a cursor' }), { code: 'InvalidArgument' });
  });

  it('lists every file of a folder past COS\'s page of 100, following its markers', async () => {
    const files = h.fake.environment(ENV_ID).local.storage.files;
    const keys = Array.from({ length: 130 }, (_, i) => `many/${i % 3 === 0 ? 'sub/' : ''}f${String(i).padStart(3, '0')}.txt`);
    for (const k of keys) await files.write(k, Buffer.from(k), { overwrite: false });
    assert.deepEqual((await storage.listFiles('many/')).sort(), [...keys].sort());
    const walks = h.fake.requests.filter((r) => r.action === 'cos:GetBucket' && r.params.prefix === 'many/');
    assert.equal(walks.length, 2);
    assert.deepEqual(walks.map((r) => r.params['max-keys']), ['100', '100']);
    const page = await storage.list('many/', { limit: 1000 });
    assert.equal(page.items.length, 87);
    assert.deepEqual(page.items[0], { kind: 'folder', path: 'many/sub/', name: 'sub' });
  });

  it('downloads to a file, hands out temporary URLs and reads files', async () => {
    await storage.upload('pics/x.png', { data: Buffer.from('PNGDATA') }, { overwrite: false });
    const target = join(dir, 'out', 'x.png');
    const entry = await storage.download('pics/x.png', target);
    assert.equal(entry.size, 7);
    assert.equal(await readFile(target, 'utf8'), 'PNGDATA');
    const url = await storage.getTemporaryUrl('pics/x.png', 600);
    const res = await fetch(url);
    assert.equal(await res.text(), 'PNGDATA');
    const asked = h.fake.requests.filter((r) => r.action === 'storage.batchGetDownloadUrl').at(-1)!;
    assert.deepEqual(asked.params.file_list, [{ fileid: storage.fileId('pics/x.png'), max_age: 600 }]);
    await assert.rejects(storage.getTemporaryUrl('pics/none.png'), { code: 'FileNotFound' });
    await assert.rejects(storage.readFile('pics/none.png'), { code: 'FileNotFound' });
    await assert.rejects(storage.download('pics/none.png', join(dir, 'none.png')), { code: 'FileNotFound' });
  });

  it('deletes files and folders with everything in them, counting files', async () => {
    for (const p of ['d/1.txt', 'd/2.txt', 'd/sub/3.txt', 'keep.txt', 'solo.txt']) await storage.upload(p, { data: Buffer.from(p) }, { overwrite: false });
    await storage.createFolder('d/empty/');
    assert.equal(await storage.delete(['d/', 'solo.txt', 'never-there.txt']), 4);
    assert.deepEqual((await storage.list('', { limit: 10 })).items.map((i) => i.path), ['keep.txt']);
    assert.ok(h.fake.requests.some((r) => r.action === 'cos:DeleteMultipleObjects'));
    assert.ok(h.fake.requests.some((r) => r.action === 'storage.batchDeleteFile'));
  });

  it('refuses bad paths before anything changes', async () => {
    await storage.upload('safe.txt', { data: Buffer.from('x') }, { overwrite: false });
    const before = h.fake.requests.length;
    for (const bad of ['../x', '/abs', 'a//b', 'a\\b', 'bad\u0001name', '']) {
      await assert.rejects(storage.upload(bad, { data: Buffer.from('x') }, { overwrite: true }), { code: 'InvalidPath' }, bad);
      await assert.rejects(storage.stat(bad), { code: 'InvalidPath' });
    }
    await assert.rejects(storage.delete(['safe.txt', '../x']), { code: 'InvalidPath' });
    await assert.rejects(storage.delete(['']), { code: 'InvalidPath' });
    await assert.rejects(storage.list('../', { limit: 5 }), { code: 'InvalidPath' });
    assert.equal(h.fake.requests.length, before);
    assert.ok(await storage.stat('safe.txt'));
  });

  it('honours a cancelled signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(storage.list('', { limit: 5 }, controller.signal), { code: 'Cancelled' });
    await assert.rejects(storage.upload('x.txt', { data: Buffer.from('x') }, { overwrite: false }, controller.signal), { code: 'Cancelled' });
    h.fake.inject('cos:GetBucket', { kind: 'slow', delayMs: 2000 });
    const late = new AbortController();
    const listing = storage.list('', { limit: 5 }, late.signal);
    setTimeout(() => late.abort(), 100);
    await assert.rejects(listing, { code: 'Cancelled' });
    h.fake.inject('cos:PutObject', { kind: 'slow', delayMs: 2000 });
    const uploading = new AbortController();
    const upload = storage.upload('late.txt', { data: Buffer.from('late') }, { overwrite: false }, uploading.signal);
    setTimeout(() => uploading.abort(), 200);
    await assert.rejects(upload, { code: 'Cancelled', message: /may still complete/ });
  });

  describe('failures', () => {
    it('retries throttling on COS and /admin, then says so', async () => {
      await storage.upload('t.txt', { data: Buffer.from('t') }, { overwrite: false });
      h.fake.inject('cos:GetBucket', { kind: 'throttle' }, 2);
      assert.equal((await storage.list('', { limit: 5 })).items.length, 1);
      h.fake.inject('storage.getUploadMetadata', { kind: 'throttle' }, 2);
      await storage.upload('after-throttle.txt', { data: Buffer.from('a') }, { overwrite: false });
      h.fake.inject('storage.getUploadMetadata', { kind: 'throttle' });
      await assert.rejects(storage.upload('never.txt', { data: Buffer.from('n') }, { overwrite: false }), { code: 'Throttled' });
      h.fake.clearFaults();
      h.fake.inject('storage.batchGetDownloadUrl', { kind: 'throttle' }, 1);
      assert.match(await storage.getTemporaryUrl('t.txt'), /^http/);
      h.fake.inject('storage.batchDeleteFile', { kind: 'throttle' });
      await assert.rejects(storage.delete(['t.txt']), (e: { code?: string; requestId?: string }) => e.code === 'Throttled' && typeof e.requestId === 'string');
      assert.equal(h.fake.requests.filter((r) => r.action === 'storage.batchDeleteFile').length, 4);
      h.fake.inject('cos:GetBucket', { kind: 'throttle' });
      await assert.rejects(storage.list('', { limit: 5 }), { code: 'Throttled' });
    });

    it('reports server errors, malformed answers and expired tokens', async () => {
      await storage.upload('t.txt', { data: Buffer.from('t') }, { overwrite: false });
      h.fake.inject('storage.batchDeleteFile', { kind: 'serverError' });
      await assert.rejects(storage.delete(['t.txt']), (e: { code?: string; requestId?: string }) => e.code === 'ServiceError' && typeof e.requestId === 'string');
      h.fake.inject('storage.batchDeleteFile', { kind: 'malformed' });
      await assert.rejects(storage.delete(['t.txt']), { code: 'ServiceError', message: /not JSON/ });
      h.fake.inject('storage.batchDeleteFile', { kind: 'expiredToken' });
      await assert.rejects(storage.delete(['t.txt']), { code: 'Unauthorized' });
      h.fake.inject('cos:PutObject', { kind: 'serverError', status: 500 });
      await assert.rejects(storage.upload('p.txt', { data: Buffer.from('p') }, { overwrite: false }), { code: 'ServiceError' });
      assert.equal(await h.fake.environment(ENV_ID).local.storage.files.stat('p.txt'), undefined);
      h.fake.inject('storage.getUploadMetadata', { kind: 'error', code: 'STORAGE_REQUEST_FAIL', message: 'no metadata' });
      await assert.rejects(storage.upload('p.txt', { data: Buffer.from('p') }, { overwrite: false }), { code: 'ServiceError', message: /no metadata/ });
      h.fake.inject('cos:GetBucket', { kind: 'serverError', status: 500 });
      await assert.rejects(storage.list('', { limit: 5 }), { code: 'ServiceError' });
      h.fake.inject('cos:GetBucket', { kind: 'expiredToken' });
      await assert.rejects(storage.list('', { limit: 5 }), { code: 'Unauthorized' });
      h.fake.clearFaults();
      assert.equal(await storage.delete(['t.txt']), 1);
    });

    it('gives up on a slow answer after its own time limit', async () => {
      await h.close();
      h = await startHarness({ timeoutMs: 300 });
      storage = h.backend.storage;
      h.fake.inject('cos:GetBucket', { kind: 'slow', delayMs: 3000 });
      await assert.rejects(storage.list('', { limit: 5 }), { code: 'Timeout' });
      h.fake.inject('storage.batchDeleteFile', { kind: 'slow', delayMs: 3000 });
      await assert.rejects(storage.delete(['x.txt']), { code: 'Timeout' });
    });

    it('refuses a wrong key, and never shows the key', async () => {
      const wrong = 'wrongSecretKey-0123456789abcdef';
      await storage.upload('t.txt', { data: Buffer.from('t') }, { overwrite: false });
      const other = new TencentBackend(h.backend.environment, { secretId: h.credentials.secretId, secretKey: wrong }, { transport: transportTo(h.fake), retryDelayMs: 5, timeoutMs: 5000 });
      const failures: unknown[] = [];
      await other.storage!.list('', { limit: 5 }).catch((e: unknown) => failures.push(e));
      await other.storage!.delete(['t.txt']).catch((e: unknown) => failures.push(e));
      await other.storage!.upload('u.txt', { data: Buffer.from('u') }, { overwrite: true }).catch((e: unknown) => failures.push(e));
      assert.equal(failures.length, 3);
      for (const e of failures) {
        assert.equal((e as { code?: string }).code, 'Unauthorized');
        assert.ok(!allText(e).includes(wrong));
        assert.ok(!allText(e).includes(SECRET_KEY));
      }
      assert.ok(await h.fake.environment(ENV_ID).local.storage.files.stat('t.txt'));
      assert.equal(await h.fake.environment(ENV_ID).local.storage.files.stat('u.txt'), undefined);
    });

    it('sends temporary keys\' session token to the Cloud API, /admin and COS alike', async () => {
      await h.close();
      const token = 'sessionToken-0123456789abcdef0123456789';
      h = await startHarness({}, { token }, token);
      storage = h.backend.storage;
      await storage.upload('tok/a.txt', { data: Buffer.from('a') }, { overwrite: false });
      assert.equal((await storage.list('tok/', { limit: 5 })).items.length, 1);
      assert.equal(Buffer.from(await storage.readFile('tok/a.txt')).toString(), 'a');
      assert.equal(await storage.delete(['tok/a.txt']), 1);
      assert.ok(h.fake.requests.every((r) => r.refused === undefined));
      assert.deepEqual(new Set(h.fake.requests.map((r) => r.protocol)), new Set(['cloudapi', 'admin', 'cos']));

      const stale = new TencentBackend(h.backend.environment, { ...h.credentials, token: 'expiredSessionToken-abcdef' }, { transport: transportTo(h.fake), retryDelayMs: 5, timeoutMs: 5000 });
      const error = await stale.storage!.list('', { limit: 5 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal((error as { code?: string }).code, 'Unauthorized');
      assert.ok(!allText(error).includes('expiredSessionToken-abcdef'));
    });

    it('checks the signature of /admin and COS requests made with manager-node\'s signer and the COS SDK', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { getAuth } = require('@cloudbase/manager-node/lib/utils/auth') as { getAuth(o: Record<string, unknown>): string };
      const admin = async (secretId: string, secretKey: string): Promise<{ code?: string; data?: unknown }> => {
        const params = { action: 'storage.batchDeleteFile', fileid_list: [`cloud://${ENV_ID}.${cloudBucket(ENV_ID)}/none.txt`], envName: ENV_ID, timestamp: Date.now() };
        const headers = { 'content-type': 'application/json', 'user-agent': 'cloudbase-manager-node/0.1.0', 'x-tcb-source': 'cloudbase-manager-node, not-scf' };
        const authorization = getAuth({ secretId, secretKey, method: 'POST', pathname: '/admin', params, headers });
        const res = await fetch(`${h.fake.url}/admin`, { method: 'POST', headers, body: JSON.stringify({ ...params, authorization }) });
        return (await res.json()) as { code?: string; data?: unknown };
      };
      assert.equal((await admin(h.credentials.secretId, SECRET_KEY)).code, undefined);
      assert.equal((await admin(h.credentials.secretId, 'wrongSecretKey')).code, 'AuthFailure.SignatureFailure');
      assert.equal((await admin('AKIDsomeoneElse', SECRET_KEY)).code, 'AuthFailure.SecretIdNotFound');

      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const COS = require('cos-nodejs-sdk-v5') as new (o: Record<string, unknown>) => { getBucket(p: Record<string, unknown>, cb: (err: { code?: string; statusCode?: number } | null, data: unknown) => void): void };
      const list = (secretId: string, secretKey: string): Promise<{ code?: string; statusCode?: number } | null> =>
        new Promise((resolve) => {
          const cos = new COS({ SecretId: secretId, SecretKey: secretKey, Proxy: h.fake.url, Protocol: 'http:', Domain: '{Bucket}.cos.{Region}.tencentcos.cn' });
          cos.getBucket({ Bucket: cloudBucket(ENV_ID), Region: 'ap-shanghai', Prefix: '' }, (err) => resolve(err));
        });
      assert.equal(await list(h.credentials.secretId, SECRET_KEY), null);
      assert.equal((await list(h.credentials.secretId, 'wrongSecretKey'))?.code, 'SignatureDoesNotMatch');
      assert.equal((await list('AKIDsomeoneElse', SECRET_KEY))?.code, 'InvalidAccessKeyId');
    });
  });
});
