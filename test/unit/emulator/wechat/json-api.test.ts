/**
 * The older JSON `wx.api` through the real clients that send it, in real function processes:
 * node-sdk 3.x's `callWxOpenApi` and wx-server-sdk 1.x's `cloud.callOpenAPI` (tcb-admin-node).
 * They reach the same simulated APIs as `cloud.openapi`, named either way.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { listInboxes, readInbox } from '../../../../src/emulator/wechat/index';
import { makeProject, repoRoot, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NODE_SDK_FUNCTION = `const tcb = require('@cloudbase/node-sdk');
const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
exports.main = async (event) => {
  if (event.media) event.data.media = { contentType: 'image/png', value: Buffer.from(event.media, 'base64') };
  try { return { ok: await app.callWxOpenApi({ apiName: event.api, requestData: event.data, apiOptions: event.apiOptions }) }; }
  catch (e) { return { thrown: { code: e.code, message: e.message } }; }
};
`;

const LEGACY_FUNCTION = `const cloud = require('wx-server-sdk-1');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  try { return { ok: await cloud.callOpenAPI({ api: event.api, data: event.data }) }; }
  catch (e) { return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) }; }
};
`;

describe('WeChat open APIs over the JSON wx.api (node-sdk callWxOpenApi, wx-server-sdk 1.x callOpenAPI)', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;

  async function viaNodeSdk(api: string, data: Json, extra: Json = {}): Promise<Json> {
    const out = await env.functions.invoke('nodesdk', { api, data, ...extra });
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    const r = out.result as Json;
    assert.equal(r.thrown, undefined, `callWxOpenApi threw ${JSON.stringify(r.thrown)}`);
    return r.ok;
  }
  async function thrownByNodeSdk(api: string, data: Json): Promise<{ code: string; message: string }> {
    const r = (await env.functions.invoke('nodesdk', { api, data })).result as Json;
    assert.equal(r.ok, undefined, `expected a failure, got ${JSON.stringify(r.ok)}`);
    return r.thrown;
  }
  const inboxCount = async () => Object.values(await listInboxes(env.dataDir)).reduce((n, m) => n + m.length, 0);

  before(async function () {
    project = makeProject('cbs-wxapi-');
    writeFileSync(join(project.root, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/', appid: 'wx1234567890abcdef' }));
    for (const [name, source] of [
      ['nodesdk', NODE_SDK_FUNCTION],
      ['legacy', LEGACY_FUNCTION],
    ]) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), source);
      writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify({ timeout: 30 }));
    }
    mkdirSync(join(project.root, '.cloudbase', 'wechat'), { recursive: true });
    writeFileSync(join(project.root, '.cloudbase', 'wechat', 'sensitive-words.txt'), 'ForbiddenWord\n');
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-wxapi', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  it('callWxOpenApi answers { result } with WeChat\'s JSON, by cloud.openapi name or by WeChat path', async function () {
    const clean = await viaNodeSdk('security.msgSecCheck', { content: 'hello' });
    assert.deepEqual(clean.result, { errcode: 0, errmsg: 'ok' });
    assert.equal(typeof clean.requestId, 'string');
    const risky = await viaNodeSdk('/wxa/msg_sec_check', { content: 'a forbiddenword here' });
    assert.deepEqual(risky.result, { errcode: 87014, errmsg: 'risky content' });
    const v2 = await viaNodeSdk('wxa/msg_sec_check', { content: 'fine', version: 2, openid: 'oUser1', scene: 2 });
    assert.equal(v2.result.errcode, 0);
    assert.equal(v2.result.result.suggest, 'pass');
    assert.match(v2.result.trace_id, /^[0-9a-f]{32}$/);
  });

  it('a message sent over wx.api lands in the inbox; a refused one (WeChat\'s code) stores nothing', async function () {
    const sent = await viaNodeSdk('/cgi-bin/message/subscribe/send', { touser: 'oJsonUser', template_id: 'T1', data: { thing1: { value: 'Tea' } } });
    assert.deepEqual(sent.result, { errcode: 0, errmsg: 'ok' });
    const inbox = await readInbox(env.dataDir, 'oJsonUser');
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0].api, 'subscribeMessage.send');
    assert.equal(inbox[0].text, 'thing1: Tea');
    const before = await inboxCount();
    const refused = await viaNodeSdk('subscribeMessage.send', { touser: 'oJsonUser', data: { thing1: { value: 'Tea' } } });
    assert.equal(refused.result.errcode, 40037);
    assert.equal(await inboxCount(), before);
  });

  it('media sent as a Buffer\'s JSON is checked as the image', async function () {
    const png = Buffer.from('\x89PNG fake bytes with ForbiddenWord inside', 'latin1').toString('base64');
    const r = await viaNodeSdk('security.imgSecCheck', {}, { media: png });
    assert.equal(r.result.errcode, 87014);
  });

  it('apiOptions.appid is the mini program the call is made for', async function () {
    const r = await viaNodeSdk('phonenumber.getPhoneNumber', { code: 'c1' }, { apiOptions: { appid: 'wxabcdefabcdefabcd' } });
    assert.equal(r.result.phone_info.watermark.appid, 'wxabcdefabcdefabcd');
    const own = await viaNodeSdk('phonenumber.getPhoneNumber', { code: 'c1' });
    assert.equal(own.result.phone_info.watermark.appid, 'wx1234567890abcdef');
  });

  it('an API that is not simulated answers -604100 naming it; an image API is NOT_AVAILABLE_LOCALLY pointing to cloud.openapi', async function () {
    const unknown = await viaNodeSdk('/cgi-bin/express/business/order/add', {});
    assert.equal(unknown.result.errcode, -604100);
    assert.match(unknown.result.errmsg, /\/cgi-bin\/express\/business\/order\/add is not simulated/);
    const image = await thrownByNodeSdk('wxacode.get', { path: 'pages/home/home' });
    assert.equal(image.code, 'NOT_AVAILABLE_LOCALLY');
    assert.match(image.message, /cloud\.openapi/);
  });

  it('wx-server-sdk 1.x cloud.callOpenAPI reaches the same APIs', async function () {
    const out = await env.functions.invoke('legacy', { api: 'security.msgSecCheck', data: { content: 'hello' } });
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    const r = out.result as Json;
    assert.deepEqual(r.ok?.result, { errcode: 0, errmsg: 'ok' }, JSON.stringify(r));
    const risky = (await env.functions.invoke('legacy', { api: 'security.msgSecCheck', data: { content: 'ForbiddenWord' } })).result as Json;
    assert.equal(risky.ok.result.errcode, 87014);
  });

  it('requestData that is not a JSON object is INVALID_PARAM and nothing runs', async function () {
    const before = await inboxCount();
    const thrown = await thrownByNodeSdk('subscribeMessage.send', ['not', 'an', 'object']);
    assert.equal(thrown.code, 'INVALID_PARAM');
    assert.match(thrown.message, /JSON object/);
    assert.equal(await inboxCount(), before);
  });
});
