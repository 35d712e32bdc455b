/**
 * cloud.openapi through the real wx-server-sdk in real function processes of the local
 * environment: every simulated API's answer and error shape, the inbox, the QR codes, and the
 * coded answers for bad input, which store nothing.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { listInboxes, readInbox, MEDIA_CHECKS_FILE } from '../../../../src/emulator/wechat/index';
import { makeProject, repoRoot, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls cloud.openapi.<event.api>(event.data) and returns the answer (buffers as base64) or the error. */
const OPENAPI_FUNCTION = (sdk: string) => `const cloud = require('${sdk}');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  const data = event.data || {};
  if (event.media) data.media = { contentType: 'image/png', value: Buffer.from(event.media, 'base64') };
  if (event.pad) data.data = { thing1: { value: 'x'.repeat(event.pad) } };
  const fn = event.api.split('.').reduce((o, k) => o[k], cloud.openapi);
  try {
    const r = await fn(data);
    if (r.buffer) r.buffer = Buffer.from(r.buffer).toString('base64');
    return { ok: r };
  } catch (e) {
    return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) };
  }
};
`;

/** A PNG holding `text` in a tEXt chunk: what a word list can catch in an image. */
function pngWithText(textValue: string): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(255);
  const plain = PNG.sync.write(png);
  // Insert a tEXt chunk before IEND (CRC is not checked by the checks).
  const iend = plain.length - 12;
  const body = Buffer.from(`Comment\u0000${textValue}`, 'latin1');
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  body.copy(chunk, 8);
  return Buffer.concat([plain.subarray(0, iend), chunk, plain.subarray(iend)]);
}

function decodeQr(base64: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
}

describe('WeChat open APIs through wx-server-sdk in a local function', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  const wechatDir = () => join(project.root, '.cloudbase', 'wechat');

  async function call(api: string, data: Json = {}, extra: Json = {}, fn = 'openapi'): Promise<Json> {
    const out = await env.functions.invoke(fn, { api, data, ...extra });
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    return out.result as Json;
  }
  async function fails(api: string, data: Json, errCode: number, errMsg?: RegExp, extra: Json = {}): Promise<Json> {
    const r = await call(api, data, extra);
    assert.equal(r.ok, undefined, `expected ${errCode}, got ${JSON.stringify(r.ok)}`);
    assert.equal(r.errCode, errCode, r.errMsg);
    assert.match(r.errMsg, new RegExp(`^openapi\\.${api.replace('.', '\\.')}:fail `));
    if (errMsg) assert.match(r.errMsg, errMsg);
    return r;
  }
  const inboxCount = async () => Object.values(await listInboxes(env.dataDir)).reduce((n, m) => n + m.length, 0);

  before(async function () {
    project = makeProject('cbs-wechat-');
    writeFileSync(join(project.root, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/', appid: 'wx1234567890abcdef', miniprogramRoot: 'miniprogram/' }));
    mkdirSync(join(project.root, 'miniprogram'), { recursive: true });
    writeFileSync(join(project.root, 'miniprogram', 'app.json'), JSON.stringify({ pages: ['pages/home/home', 'pages/other/other'], subpackages: [{ root: 'shop/', pages: ['pages/cart/cart'] }] }));
    for (const [name, sdk] of [
      ['openapi', 'wx-server-sdk'],
      ['openapi1', 'wx-server-sdk-1'],
      ['openapi2', 'wx-server-sdk-2'],
    ]) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), OPENAPI_FUNCTION(sdk));
      writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify({ timeout: 30 }));
    }
    mkdirSync(join(project.root, 'cloudfunctions', 'opendata'), { recursive: true });
    writeFileSync(
      join(project.root, 'cloudfunctions', 'opendata', 'index.js'),
      `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async () => {
  try { return { ok: await cloud.getOpenData({ list: ['cloud-id-1'] }) }; }
  catch (e) { return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) }; }
};
`,
    );
    mkdirSync(wechatDir(), { recursive: true });
    writeFileSync(join(wechatDir(), 'sensitive-words.txt'), '# words the checks treat as risky\nForbiddenWord\n\n  badphrase here  \n');
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-wechat', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  describe('security', function () {
    it('msgSecCheck passes clean text with errCode 0', async function () {
      const r = await call('security.msgSecCheck', { content: 'hello there' });
      assert.deepEqual(r.ok, { errCode: 0, errMsg: 'openapi.security.msgSecCheck:ok' });
    });

    it('msgSecCheck answers 87014 "risky content" for a listed word, in any case', async function () {
      await fails('security.msgSecCheck', { content: 'this has a FORBIDDENword inside' }, 87014, /risky content/);
      await fails('security.msgSecCheck', { content: 'x badphrase here y' }, 87014);
    });

    it('msgSecCheck version 2 answers errcode 0 with result.suggest and a trace id', async function () {
      const pass = await call('security.msgSecCheck', { content: 'fine', version: 2, scene: 2, openid: 'oUser_1' });
      assert.equal(pass.ok.errCode, 0);
      assert.deepEqual(pass.ok.result, { suggest: 'pass', label: 100 });
      assert.match(pass.ok.traceId, /^[0-9a-f]{32}$/);
      const risky = await call('security.msgSecCheck', { content: 'forbiddenword', version: 2, scene: 2, openid: 'oUser_1' });
      assert.equal(risky.ok.result.suggest, 'risky');
      assert.equal(risky.ok.detail[0].keyword, 'forbiddenword');
      await fails('security.msgSecCheck', { content: 'fine', version: 2, scene: 2 }, 40003);
      await fails('security.msgSecCheck', { content: 'fine', version: 2, scene: 9, openid: 'oUser_1' }, 40129, /invalid scene/);
    });

    it('msgSecCheck without content is 44002 "empty post data", content that is not text 47001', async function () {
      await fails('security.msgSecCheck', {}, 44002, /empty post data/);
      await fails('security.msgSecCheck', { content: '', version: 2, scene: 2, openid: 'oUser_1' }, 44002);
      await fails('security.msgSecCheck', { content: 42 }, 47001, /data format error/);
    });

    it('msgSecCheck refuses text over its documented limit with 45002: version 1 over 500 KB, version 2 over 2500 characters', async function () {
      // 500 KB exactly passes; one byte more (a two-byte character counts as two) does not.
      const atLimit = 'a'.repeat(500 * 1024);
      assert.equal((await call('security.msgSecCheck', { content: atLimit })).ok.errCode, 0);
      await fails('security.msgSecCheck', { content: `${'a'.repeat(500 * 1024 - 1)}é` }, 45002, /content size out of limit.*over 500KB/);
      // Version 2 counts characters, so 2500 Chinese characters (7500 bytes) pass and 2501 do not.
      const v2 = { version: 2, scene: 2, openid: 'oUser_1' };
      assert.equal((await call('security.msgSecCheck', { ...v2, content: '字'.repeat(2500) })).ok.errCode, 0);
      await fails('security.msgSecCheck', { ...v2, content: '字'.repeat(2501) }, 45002, /2501 characters, over 2500/);
      // A risky word past the limit is never judged: the size answer comes first.
      await fails('security.msgSecCheck', { ...v2, content: `${'a'.repeat(2500)}forbiddenword` }, 45002);
    });

    it('imgSecCheck passes a clean image and catches a word inside one', async function () {
      const clean = await call('security.imgSecCheck', {}, { media: pngWithText('a sunset').toString('base64') });
      assert.equal(clean.ok.errCode, 0);
      await fails('security.imgSecCheck', {}, 87014, /risky content/, { media: pngWithText('ForbiddenWord').toString('base64') });
    });

    it('imgSecCheck refuses an image over 1 MB with 40006', async function () {
      const big = Buffer.concat([pngWithText('x'), Buffer.alloc(1024 * 1024 + 1)]);
      await fails('security.imgSecCheck', {}, 40006, /invalid media size/, { media: big.toString('base64') });
    });

    it('mediaCheckAsync answers a trace id and records the verdict it would push', async function () {
      const r = await call('security.mediaCheckAsync', { mediaUrl: 'https://example.com/forbiddenword.png', mediaType: 2, version: 2, scene: 1, openid: 'oUser_1' });
      assert.equal(r.ok.errCode, 0);
      const events = readFileSync(join(env.dataDir, MEDIA_CHECKS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
      const event = events.find((e) => e.trace_id === r.ok.traceId);
      assert.equal(event.Event, 'wxa_media_check');
      assert.equal(event.result.suggest, 'risky');
      assert.equal(event.appid, 'wx1234567890abcdef');
      await fails('security.mediaCheckAsync', { mediaUrl: 'not a url', mediaType: 2 }, 40097);
    });

    it('with rejectAllContent every check fails, and the next call sees the switch turned off again', async function () {
      writeFileSync(join(wechatDir(), 'settings.json'), JSON.stringify({ rejectAllContent: true }));
      try {
        await fails('security.msgSecCheck', { content: 'perfectly fine' }, 87014);
        await fails('security.imgSecCheck', {}, 87014, undefined, { media: pngWithText('a sunset').toString('base64') });
        const v2 = await call('security.msgSecCheck', { content: 'perfectly fine', version: 2, scene: 1, openid: 'oUser_1' });
        assert.equal(v2.ok.result.suggest, 'risky');
      } finally {
        writeFileSync(join(wechatDir(), 'settings.json'), JSON.stringify({ rejectAllContent: false }));
      }
      assert.equal((await call('security.msgSecCheck', { content: 'perfectly fine' })).ok.errCode, 0);
    });
  });

  describe('messages', function () {
    it('subscribeMessage.send answers ok and puts the rendered message in the user\'s inbox', async function () {
      writeFileSync(join(wechatDir(), 'templates.json'), JSON.stringify({ TPL_ORDER: { title: 'Order shipped', content: 'Item: {{thing1.DATA}}\nTotal: {{amount2.DATA}}' } }));
      const r = await call('subscribeMessage.send', { touser: 'oSubscriber', templateId: 'TPL_ORDER', page: 'pages/order/order?id=7', data: { thing1: { value: 'Tea' }, amount2: { value: '¥12.00' } }, miniprogramState: 'developer' });
      assert.deepEqual(r.ok, { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
      const inbox = await readInbox(env.dataDir, 'oSubscriber');
      assert.equal(inbox.length, 1);
      assert.equal(inbox[0].kind, 'subscribe');
      assert.equal(inbox[0].api, 'subscribeMessage.send');
      assert.equal(inbox[0].templateId, 'TPL_ORDER');
      assert.equal(inbox[0].title, 'Order shipped');
      assert.equal(inbox[0].text, 'Item: Tea\nTotal: ¥12.00');
      assert.equal(inbox[0].page, 'pages/order/order?id=7');
      assert.ok(!Number.isNaN(Date.parse(inbox[0].sentAt)));
    });

    it('a template the project did not describe is rendered as its data', async function () {
      await call('subscribeMessage.send', { touser: 'oPlain', templateId: 'TPL_UNKNOWN', data: { thing1: { value: 'A' }, time2: { value: '2026-01-01 10:00' } } });
      assert.equal((await readInbox(env.dataDir, 'oPlain'))[0].text, 'thing1: A\ntime2: 2026-01-01 10:00');
    });

    it('customerServiceMessage.send, uniformMessage.send and templateMessage.send each add one inbox entry', async function () {
      assert.equal((await call('customerServiceMessage.send', { touser: 'oMany', msgtype: 'text', text: { content: 'Hi, how can we help?' } })).ok.errCode, 0);
      assert.equal(
        (await call('uniformMessage.send', { touser: 'oMany', mpTemplateMsg: { appid: 'wxofficial', templateId: 'MP_TPL', url: 'https://example.com', miniprogram: { appid: 'wx1234567890abcdef', pagepath: 'pages/home/home' }, data: { first: { value: 'Hello' }, remark: { value: 'Bye' } } } })).ok.errCode,
        0,
      );
      assert.equal((await call('templateMessage.send', { touser: 'oMany', templateId: 'OLD_TPL', formId: 'form-1', page: 'pages/home/home', data: { keyword1: { value: 'K1' } } })).ok.errCode, 0);
      const inbox = await readInbox(env.dataDir, 'oMany');
      assert.deepEqual(inbox.map((m) => [m.kind, m.text]), [
        ['customerService', 'Hi, how can we help?'],
        ['uniform', 'first: Hello\nremark: Bye'],
        ['template', 'keyword1: K1'],
      ]);
      assert.equal(inbox[1].page, 'pages/home/home');
      assert.equal(inbox[1].templateId, 'MP_TPL');
      assert.ok((await listInboxes(env.dataDir)).oMany.length === 3);
    });

    it('refused messages answer WeChat\'s codes and store nothing', async function () {
      const before = await inboxCount();
      await fails('subscribeMessage.send', { templateId: 'T', data: { thing1: { value: 'a' } } }, 40003, /invalid openid/);
      await fails('subscribeMessage.send', { touser: 'oNobody', data: { thing1: { value: 'a' } } }, 40037, /invalid template_id/);
      await fails('subscribeMessage.send', { touser: 'oNobody', templateId: 'T' }, 47003, /data is empty/);
      await fails('subscribeMessage.send', { touser: 'oNobody', templateId: 'T', data: { thing1: {} } }, 47003, /data\.thing1\.value/);
      await fails('subscribeMessage.send', { touser: 'oNobody', templateId: 'T', data: { thing1: { value: 'x'.repeat(21) } } }, 47003, /exceeds limit/);
      await fails('subscribeMessage.send', { touser: '../../etc', templateId: 'T', data: { thing1: { value: 'a' } } }, 40003);
      await fails('customerServiceMessage.send', { touser: 'oNobody', msgtype: 'voice' }, 40008);
      await fails('customerServiceMessage.send', { touser: 'oNobody', msgtype: 'text', text: {} }, 44004);
      await fails('uniformMessage.send', { touser: 'oNobody', mpTemplateMsg: { data: { a: { value: 'b' } } } }, 40037);
      await fails('templateMessage.send', { touser: 'oNobody', templateId: 'T', data: { a: { value: 'b' } } }, 41028);
      await fails('templateMessage.send', { templateId: 'T', formId: 'f', data: { a: { value: 'b' } } }, 40003);
      assert.equal(await inboxCount(), before);
      assert.deepEqual(await readInbox(env.dataDir, 'oNobody'), []);
    });

    it('a payload over 10 MB answers 45002 and stores nothing', async function () {
      const before = await inboxCount();
      await fails('subscribeMessage.send', { touser: 'oHuge', templateId: 'T' }, 45002, /content size out of limit/, { pad: 10 * 1024 * 1024 + 1 });
      assert.equal(await inboxCount(), before);
      assert.deepEqual(await readInbox(env.dataDir, 'oHuge'), []);
    });
  });

  describe('mini program codes', function () {
    it('wxacode.get returns a PNG that decodes to the path', async function () {
      const r = await call('wxacode.get', { path: 'pages/home/home?from=poster', width: 300 });
      assert.equal(r.ok.errCode, 0);
      assert.equal(r.ok.contentType, 'image/png');
      assert.equal(decodeQr(r.ok.buffer), 'pages/home/home?from=poster');
      assert.equal(PNG.sync.read(Buffer.from(r.ok.buffer, 'base64')).width, 300);
    });

    it('wxacode.getUnlimited encodes page and scene; without a page it opens the home page', async function () {
      const r = await call('wxacode.getUnlimited', { scene: 'id=42&u=7', page: 'pages/other/other' });
      assert.equal(decodeQr(r.ok.buffer), `pages/other/other?scene=${encodeURIComponent('id=42&u=7')}`);
      const home = await call('wxacode.getUnlimited', { scene: 'a1' });
      assert.equal(decodeQr(home.ok.buffer), 'pages/home/home?scene=a1');
      await fails('wxacode.getUnlimited', { scene: 'x'.repeat(33) }, 40169);
      await fails('wxacode.getUnlimited', { page: 'pages/home/home' }, 40169);
      await fails('wxacode.getUnlimited', { scene: 'a', page: '/pages/home/home' }, 41030);
    });

    it('wxacode.getUnlimited checks the page against app.json (subpackages too) unless check_path is false', async function () {
      const sub = await call('wxacode.getUnlimited', { scene: 's', page: 'shop/pages/cart/cart' });
      assert.equal(decodeQr(sub.ok.buffer), 'shop/pages/cart/cart?scene=s');
      await fails('wxacode.getUnlimited', { scene: 's', page: 'pages/missing/missing' }, 41030, /not a page of app\.json/);
      const unchecked = await call('wxacode.getUnlimited', { scene: 's', page: 'pages/missing/missing', checkPath: false });
      assert.equal(decodeQr(unchecked.ok.buffer), 'pages/missing/missing?scene=s');
    });

    it('wxacode.createQRCode decodes to the path; a missing path is 40097', async function () {
      const r = await call('wxacode.createQRCode', { path: 'pages/other/other?x=1' });
      assert.equal(decodeQr(r.ok.buffer), 'pages/other/other?x=1');
      await fails('wxacode.createQRCode', {}, 40097, /path/);
      await fails('wxacode.get', {}, 40097, /path/);
    });
  });

  describe('links and user data', function () {
    it('urlscheme.generate and urllink.generate answer links shaped as WeChat\'s', async function () {
      const scheme = await call('urlscheme.generate', { jumpWxa: { path: 'pages/home/home', query: 'a=1', envVersion: 'release' }, isExpire: true, expireType: 1, expireInterval: 7 });
      assert.match(scheme.ok.openlink, /^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]{13}$/);
      const link = await call('urllink.generate', { path: 'pages/home/home', query: 'a=1' });
      assert.match(link.ok.urlLink, /^https:\/\/wxaurl\.cn\/[A-Za-z0-9]{12}$/);
      await fails('urllink.generate', { path: '/pages/home/home' }, 40165);
      await fails('urllink.generate', { path: 'pages/gone/gone' }, 40165, /not a page of app\.json/);
      await fails('urlscheme.generate', { jumpWxa: { path: 'pages/gone/gone' } }, 40165);
      assert.equal((await call('urllink.generate', { path: 'shop/pages/cart/cart' })).ok.errCode, 0);
      await fails('urllink.generate', { query: 'q'.repeat(1025) }, 40212);
      await fails('urlscheme.generate', { isExpire: true, expireType: 0, expireTime: 1 }, 40097, /expire_time/);
    });

    it('auth.getPaidUnionId answers a stable unionid; without an order it is 89300', async function () {
      const a = await call('auth.getPaidUnionId', { openid: 'oPayer', transactionId: '4200000001' });
      const b = await call('auth.getPaidUnionId', { openid: 'oPayer', mchId: '1900000109', outTradeNo: 'T1' });
      assert.match(a.ok.unionid, /^o[A-Za-z0-9_-]{27}$/);
      assert.equal(a.ok.unionid, b.ok.unionid);
      await fails('auth.getPaidUnionId', { openid: 'oPayer' }, 89300);
      await fails('auth.getPaidUnionId', { transactionId: '1' }, 40003);
    });

    it('phonenumber.getPhoneNumber answers a stable phone_info with the project\'s appid; without a code it is 40029', async function () {
      const r = await call('phonenumber.getPhoneNumber', { code: 'code-abc' });
      const info = r.ok.phoneInfo;
      assert.match(info.purePhoneNumber, /^1[3-9]\d{9}$/);
      assert.equal(info.phoneNumber, info.purePhoneNumber);
      assert.equal(info.countryCode, '86');
      assert.equal(info.watermark.appid, 'wx1234567890abcdef');
      assert.equal((await call('phonenumber.getPhoneNumber', { code: 'code-abc' })).ok.phoneInfo.purePhoneNumber, info.purePhoneNumber);
      await fails('phonenumber.getPhoneNumber', {}, 40029);
    });
  });

  describe('what is not simulated', function () {
    it('an API the local environment does not simulate answers -604100 naming it, and stores nothing', async function () {
      const before = await inboxCount();
      const r = await fails('wxa.getWxaCode', { path: 'x' }, -604100, /wxa\.getWxaCode is not simulated by the local environment/);
      assert.match(r.errMsg, /subscribeMessage\.send/);
      assert.equal(await inboxCount(), before);
    });

    it('getOpenData (an internal API sent the same way) answers "not available locally" naming it', async function () {
      const out = await env.functions.invoke('opendata', {});
      assert.equal(out.error, undefined, JSON.stringify(out.error));
      const r = out.result as Json;
      assert.equal(r.errCode, -501001, JSON.stringify(r));
      assert.match(r.errMsg, /^getOpenData:fail .*ApiGetOpenDataByCloudId is not available in the local environment/);
    });
  });

  describe('older SDKs', function () {
    for (const [fn, sdk] of [
      ['openapi1', 'wx-server-sdk 1.x'],
      ['openapi2', 'wx-server-sdk 2.x'],
    ]) {
      it(`${sdk}: the same calls are served`, async function () {
        const check = await call('security.msgSecCheck', { content: 'forbiddenword' }, {}, fn);
        assert.equal(check.errCode, 87014, JSON.stringify(check));
        const code = await call('wxacode.get', { path: `pages/home/home?sdk=${fn}` }, {}, fn);
        assert.equal(decodeQr(code.ok.buffer), `pages/home/home?sdk=${fn}`);
        await call('subscribeMessage.send', { touser: `o_${fn}`, templateId: 'T', data: { thing1: { value: 'old' } } }, {}, fn);
        assert.equal((await readInbox(env.dataDir, `o_${fn}`)).length, 1);
      });
    }
  });
});
