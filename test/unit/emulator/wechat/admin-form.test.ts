/**
 * How /admin reads the multipart bodies of wx.* calls: the real node-sdk's form (token in a field
 * after the binary part), and forms no SDK sends (too large, too many parts, long fields, other
 * actions), each refused with a code.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import protobuf from 'protobufjs/light';
import { adminRoute, platformServices, startHttpServer, type HttpServerHandle } from '../../../../src/emulator/server/index';
import { wechatOpenApi } from '../../../../src/emulator/wechat/index';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'form-test-token';
const root = protobuf.Root.fromJSON({
  nested: {
    CommOpenApiResp: { fields: { respData: { type: 'bytes', id: 1 }, contentType: { type: 'string', id: 2 } } },
  },
});
const CommOpenApiResp = root.lookupType('CommOpenApiResp');

function form(parts: [string, string | Buffer][], boundary = 'xXbOuNdArYXx'): { body: Buffer; type: string } {
  const chunks: Buffer[] = [];
  for (const [name, value] of parts) {
    const binary = Buffer.isBuffer(value);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${binary ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`));
    chunks.push(Buffer.isBuffer(value) ? value : Buffer.from(value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

describe('/admin multipart bodies (wx.* calls)', function () {
  let dir: string;
  let server: HttpServerHandle;
  const adminUrl = () => `${server.url}/admin`;
  const post = async (parts: [string, string | Buffer][], headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> => {
    const { body, type } = form(parts);
    const res = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': type, 'x-cloudbase-studio-token': TOKEN, ...headers }, body });
    return { status: res.status, json: await res.json() };
  };

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'cbs-wechat-form-'));
    const services = platformServices({ 'wx.openApi': wechatOpenApi({ projectRoot: dir, dataDir: join(dir, 'data') }) });
    server = await startHttpServer({ port: 0, routes: [adminRoute({ envId: 'local-form', services, token: TOKEN, maxBodyBytes: 256 * 1024 })] });
  });
  after(async function () {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('node-sdk\'s callCompatibleWxOpenApi (token in the form, after the binary part) gets the protobuf answer', async function () {
    const app = tcb.init({ env: 'local-form', secretId: 'local', secretKey: TOKEN, sessionToken: TOKEN, serviceUrl: adminUrl() });
    // An empty CommApiData: msgSecCheck with no content.
    const raw = (await app.callCompatibleWxOpenApi({ apiName: 'security.msgSecCheck', requestData: Buffer.alloc(0) })) as unknown as Buffer;
    assert.ok(Buffer.isBuffer(raw), `not bytes: ${JSON.stringify(raw)}`);
    const answer = CommOpenApiResp.toObject(CommOpenApiResp.decode(raw)) as { respData: Uint8Array; contentType: string };
    assert.equal(answer.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(Buffer.from(answer.respData).toString('utf8')), { errcode: 44002, errmsg: 'empty post data content is empty' });
  });

  it('without the token a multipart call is refused like any other', async function () {
    const r = await post([['action', 'wx.openApi'], ['apiName', 'security.msgSecCheck'], ['requestData', Buffer.alloc(0)]], { 'x-cloudbase-studio-token': 'wrong' });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'PERMISSION_DENIED');
  });

  it('a form naming an action other than wx.* is INVALID_PARAM', async function () {
    const r = await post([['action', 'database.getDocument'], ['collectionName', 'x']]);
    assert.equal(r.json.code, 'INVALID_PARAM');
    assert.match(r.json.message, /Only wx\.\* calls/);
  });

  it('a text field over 64 KB, or more parts than an SDK sends, is INVALID_PARAM', async function () {
    const long = await post([['action', 'wx.openApi'], ['apiName', 'x'.repeat(65 * 1024)]]);
    assert.equal(long.json.code, 'INVALID_PARAM');
    assert.match(long.json.message, /longer than/);
    const many = await post([['action', 'wx.openApi'], ...Array.from({ length: 80 }, (_, i): [string, string] => [`f${i}`, 'v'])]);
    assert.equal(many.json.code, 'INVALID_PARAM');
    assert.match(many.json.message, /more parts/);
  });

  it('a body over the /admin limit is INVALID_PARAM and the connection is closed', async function () {
    const { body, type } = form([['action', 'wx.openApi'], ['apiName', 'security.imgSecCheck'], ['requestData', Buffer.alloc(300 * 1024)]]);
    const res = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': type, 'x-cloudbase-studio-token': TOKEN }, body });
    assert.equal(res.headers.get('connection'), 'close');
    const json = (await res.json()) as Json;
    assert.equal(json.code, 'INVALID_PARAM');
    assert.match(json.message, /exceeds/);
  });

  it('a cut-short form is INVALID_PARAM, not a crash', async function () {
    const { body, type } = form([['action', 'wx.openApi'], ['requestData', Buffer.alloc(100)]]);
    const res = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': type, 'x-cloudbase-studio-token': TOKEN }, body: body.subarray(0, body.length - 30) });
    const json = (await res.json()) as Json;
    assert.equal(json.code, 'INVALID_PARAM');
  });

  it('a form without a boundary, or with a body that is not a form, is INVALID_PARAM', async function () {
    for (const [type, body] of [
      ['multipart/form-data; charset=utf-8', 'action=wx.openApi'],
      ['multipart/form-data; boundary=zz', 'not a form at all'],
    ]) {
      const res = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': type, 'x-cloudbase-studio-token': TOKEN }, body });
      const json = (await res.json()) as Json;
      assert.equal(json.code, 'INVALID_PARAM', `${type}: ${JSON.stringify(json)}`);
    }
  });
});
