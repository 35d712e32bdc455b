/**
 * Simulated WeChat users in real function processes on the real wx-server-sdk: the current user
 * is who `cloud.getWXContext()` and `event.userInfo` name from the next invocation on, and who a
 * function called with `cloud.callFunction` sees; an invocation's own caller still wins. The
 * users file survives a restart of the environment.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalBackend } from '../../../../src/cloud/local/local-backend';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { DEFAULT_IDENTITY } from '../../../../src/emulator/functions/index';
import { readInbox } from '../../../../src/emulator/wechat/index';
import { makeProject, repoRoot, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WHO = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  const { OPENID, APPID, UNIONID } = cloud.getWXContext();
  return { OPENID, APPID, UNIONID, userInfo: event.userInfo };
};
`;

const CALLER = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async () => {
  const called = await cloud.callFunction({ name: 'who', data: {} });
  return { own: cloud.getWXContext().OPENID, callee: called.result };
};
`;

const NOTIFY = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  await cloud.openapi.subscribeMessage.send({ touser: cloud.getWXContext().OPENID, templateId: 'tpl-order', data: { thing1: { value: event.item } } });
  return 'sent';
};
`;

/** Sends whatever open API the event names; WeChat's refusals come back as { errCode, errMsg }. */
const SEND = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  const [group, api] = event.api.split('.');
  try {
    return { ok: await cloud.openapi[group][api](event.data) };
  } catch (e) {
    return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) };
  }
};
`;

describe('simulated WeChat users', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  const start = async (): Promise<LocalEnvironment> =>
    (env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-users', functions: { nodePath: [join(repoRoot, 'node_modules')] } }));
  const run = async (name: string, event: Json = {}, options = {}): Promise<Json> => {
    const out = await env.functions.invoke(name, event, options);
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    return out.result;
  };

  before(async function () {
    project = makeProject('cbs-wxusers-');
    writeFileSync(join(project.root, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/', appid: 'wx1234567890abcdef' }));
    for (const [name, code] of [
      ['who', WHO],
      ['caller', CALLER],
      ['notify', NOTIFY],
      ['send', SEND],
    ]) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
      writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify({ timeout: 20 }));
    }
    mkdirSync(join(project.root, '.cloudbase', 'wechat'), { recursive: true });
    writeFileSync(join(project.root, '.cloudbase', 'wechat', 'templates.json'), JSON.stringify({ 'tpl-order': { title: 'Order shipped', content: 'Your {{thing1.DATA}} is on its way' } }));
    await start();
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  it('makes up WeChat-shaped ids, takes the project\'s appid and refuses bad input', async function () {
    const user = await env.wechatUsers.create({ nickname: 'Alice' });
    assert.match(user.openId, /^o[A-Za-z0-9_-]{27}$/);
    assert.match(user.unionId, /^o[A-Za-z0-9_-]{27}$/);
    assert.notEqual(user.openId, user.unionId);
    assert.equal(user.appId, 'wx1234567890abcdef');
    await assert.rejects(env.wechatUsers.create({ nickname: '  ' }), /nickname/);
    await assert.rejects(env.wechatUsers.create({ nickname: 'x', openId: '../escape' }), /openId/);
    await assert.rejects(env.wechatUsers.create({ nickname: 'x', openId: user.openId }), /already a user/);
    await assert.rejects(env.wechatUsers.setCurrent('oNobody'), /no simulated user/);
    await env.wechatUsers.delete(user.openId);
    assert.deepEqual((await env.wechatUsers.users()).users, []);
  });

  it('the current user is getWXContext() and event.userInfo of the next invocation, and a callFunction callee sees it', async function () {
    const before = await run('who');
    assert.equal(before.OPENID, DEFAULT_IDENTITY.openId, 'no current user: the default caller');

    const alice = await env.wechatUsers.create({ nickname: 'Alice' });
    const bob = await env.wechatUsers.create({ nickname: 'Bob', openId: 'oBob000000000000000000000001', appId: 'wxabcdefabcdefabcd' });
    await env.wechatUsers.setCurrent(alice.openId);
    const asAlice = await run('who');
    assert.deepEqual(
      { OPENID: asAlice.OPENID, APPID: asAlice.APPID, UNIONID: asAlice.UNIONID },
      { OPENID: alice.openId, APPID: alice.appId, UNIONID: alice.unionId },
    );
    assert.deepEqual(asAlice.userInfo, { appId: alice.appId, openId: alice.openId });
    const called = await run('caller');
    assert.equal(called.own, alice.openId);
    assert.equal(called.callee.OPENID, alice.openId, 'the function called with cloud.callFunction sees the same user');
    assert.equal(called.callee.UNIONID, alice.unionId);

    await env.wechatUsers.setCurrent(bob.openId);
    const asBob = await run('caller');
    assert.equal(asBob.own, 'oBob000000000000000000000001');
    assert.equal(asBob.callee.OPENID, 'oBob000000000000000000000001');
    assert.equal(asBob.callee.APPID, 'wxabcdefabcdefabcd');

    const explicit = await run('who', {}, { identity: { openId: 'oExplicit', appId: 'wx00000000000000ee' } });
    assert.equal(explicit.OPENID, 'oExplicit', 'an invocation\'s own caller wins over the current user');

    await env.wechatUsers.delete(bob.openId);
    assert.equal((await run('who')).OPENID, DEFAULT_IDENTITY.openId, 'deleting the current user brings the default caller back');
    assert.equal((await env.wechatUsers.users()).current, undefined);
  });

  it('keeps users and the current one in the data folder across a restart; the backend lists them and reads their inbox', async function () {
    const carol = await env.wechatUsers.create({ nickname: 'Carol' });
    await env.wechatUsers.setCurrent(carol.openId);
    const stored = JSON.parse(readFileSync(join(env.dataDir, 'wechat', 'users.json'), 'utf8')) as Json;
    assert.equal(stored.current, carol.openId);
    await env.close();
    await start();
    assert.equal((await run('who')).OPENID, carol.openId, 'the restarted environment runs functions as the saved current user');

    const backend = new LocalBackend({ envId: env.envId, projectRoot: project.root, database: env.database, functions: env.functions, wechat: { users: env.wechatUsers, dataDir: env.dataDir } });
    const list = await backend.wechat!.listUsers();
    assert.equal(list.current, carol.openId);
    assert.ok(list.users.some((u) => u.nickname === 'Carol'));
    await backend.wechat!.subscribeUser(carol.openId, 'tpl-order', 'oneTime');
    assert.equal(await run('notify', { item: 'teapot' }), 'sent');
    const [message] = await backend.wechat!.readInbox(carol.openId);
    assert.equal(message.title, 'Order shipped');
    assert.equal(message.text, 'Your teapot is on its way');
    await backend.wechat!.setCurrentUser(undefined);
    assert.equal((await run('who')).OPENID, DEFAULT_IDENTITY.openId);
    await backend.wechat!.deleteUser(carol.openId);
    assert.deepEqual(await readInbox(env.dataDir, carol.openId), [], 'the inbox goes with the user');
    const again = await backend.wechat!.createUser({ nickname: 'Carol again', openId: carol.openId });
    assert.deepEqual(await backend.wechat!.readInbox(again.openId), [], 'a user made later with the same openid starts with an empty inbox');
    await backend.wechat!.deleteUser(again.openId);
    backend.functions?.dispose();
  });

  /** Sent by a function running as someone else, so the send is no interaction of the recipient. */
  const OPERATOR = { identity: { openId: 'oOperator', appId: 'wx00000000000000ee' } };
  const send = (api: string, data: Json): Promise<Json> => run('send', { api, data }, OPERATOR);
  const subscribeTo = (touser: string, templateId: string, value = 'teapot'): Promise<Json> => send('subscribeMessage.send', { touser, templateId, data: { thing1: { value } } });
  const serviceTo = (touser: string): Promise<Json> => send('customerServiceMessage.send', { touser, msgtype: 'text', text: { content: 'Can we help?' } });
  const inboxOf = async (openId: string): Promise<Json[]> => readInbox(env.dataDir, openId);
  const stored = (openId: string): Json => (JSON.parse(readFileSync(join(env.dataDir, 'wechat', 'users.json'), 'utf8')) as Json).users.find((u: Json) => u.openId === openId);

  it('subscribeMessage.send reaches a simulated user once per one-time acceptance, always with a long-term one, else 43101', async function () {
    const dave = await env.wechatUsers.create({ nickname: 'Dave' });
    const refused = await subscribeTo(dave.openId, 'tpl-order');
    assert.equal(refused.errCode, 43101, JSON.stringify(refused));
    assert.match(refused.errMsg, /user refuse to accept the msg/);
    assert.deepEqual(await inboxOf(dave.openId), [], 'a refused message is not delivered');

    await env.wechatUsers.subscribe(dave.openId, 'tpl-order', 'oneTime');
    const after = await env.wechatUsers.subscribe(dave.openId, 'tpl-order', 'oneTime');
    assert.deepEqual(after.subscriptions, { 'tpl-order': { oneTime: 2 } }, 'one-time acceptances add up');
    assert.equal((await subscribeTo(dave.openId, 'tpl-order', 'x'.repeat(21))).errCode, 47003);
    assert.deepEqual(stored(dave.openId).subscriptions, { 'tpl-order': { oneTime: 2 } }, 'a request refused for its data uses up nothing');
    assert.equal((await subscribeTo(dave.openId, 'tpl-order')).ok.errCode, 0);
    assert.deepEqual(stored(dave.openId).subscriptions, { 'tpl-order': { oneTime: 1 } });
    assert.equal((await subscribeTo(dave.openId, 'tpl-order')).ok.errCode, 0);
    assert.equal((await subscribeTo(dave.openId, 'tpl-order')).errCode, 43101, 'both acceptances are used up');
    assert.equal((await subscribeTo(dave.openId, 'tpl-other')).errCode, 43101, 'an acceptance is for its template only');
    assert.equal((await inboxOf(dave.openId)).length, 2);

    await env.wechatUsers.subscribe(dave.openId, 'tpl-long', 'longTerm');
    for (let i = 0; i < 3; i++) assert.equal((await subscribeTo(dave.openId, 'tpl-long')).ok.errCode, 0);
    assert.deepEqual(stored(dave.openId).subscriptions, { 'tpl-long': { oneTime: 0, longTerm: true } });

    assert.equal((await subscribeTo('oNotSimulated0000000000000001', 'tpl-order')).ok.errCode, 0, 'an openid that is no simulated user is not checked');
    await assert.rejects(env.wechatUsers.subscribe('oNobody', 'tpl-order', 'oneTime'), /no simulated user/);
    await assert.rejects(env.wechatUsers.subscribe(dave.openId, '  ', 'oneTime'), /template id/);
    await assert.rejects(env.wechatUsers.subscribe(dave.openId, 'tpl-order', 'forever'), /oneTime or longTerm/);
    await env.wechatUsers.delete(dave.openId);
  });

  it('customerServiceMessage.send reaches a simulated user within 48 hours of an invocation as that user, else 45015', async function () {
    const erin = await env.wechatUsers.create({ nickname: 'Erin' });
    const refused = await serviceTo(erin.openId);
    assert.equal(refused.errCode, 45015, 'never interacted');
    assert.match(refused.errMsg, /response out of time limit/);
    assert.deepEqual(await inboxOf(erin.openId), []);

    const ran = Date.now();
    await run('who', {}, { identity: { openId: erin.openId, appId: erin.appId } });
    assert.ok(stored(erin.openId).lastInteractionAt >= ran, 'the invocation is recorded in the users file');
    assert.equal((await serviceTo(erin.openId)).ok.errCode, 0);
    assert.equal((await inboxOf(erin.openId)).length, 1);

    const frank = await env.wechatUsers.create({ nickname: 'Frank' });
    await env.wechatUsers.touch(frank.openId, Date.now() - 49 * 3600_000);
    assert.equal((await serviceTo(frank.openId)).errCode, 45015, 'the last interaction is over 48 hours ago');
    await env.wechatUsers.setCurrent(frank.openId);
    await run('who');
    assert.equal((await serviceTo(frank.openId)).ok.errCode, 0, 'an invocation as the current user counts');
    await env.wechatUsers.setCurrent(undefined);
    assert.equal((await serviceTo('oNotSimulated0000000000000001')).ok.errCode, 0, 'an openid that is no simulated user is not checked');
  });
});
