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
    assert.equal(await run('notify', { item: 'teapot' }), 'sent');
    const [message] = await backend.wechat!.readInbox(carol.openId);
    assert.equal(message.title, 'Order shipped');
    assert.equal(message.text, 'Your teapot is on its way');
    await backend.wechat!.setCurrentUser(undefined);
    assert.equal((await run('who')).OPENID, DEFAULT_IDENTITY.openId);
    backend.functions?.dispose();
  });
});
