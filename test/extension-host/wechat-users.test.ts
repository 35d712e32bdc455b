/**
 * Simulated WeChat users in a real VS Code, on the seeded demo project: the Users node under the
 * local environment, Create WeChat User… and Run Functions as This User from the tree and the
 * palette, a wx-server-sdk function (and the one it calls with cloud.callFunction) seeing the
 * chosen user in getWXContext(), and the subscribe message it sent listed in that user's Inbox,
 * rendered in the tooltip and in the read-only document a click opens.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import type { InvokeResult } from '../../src/shared/model';
import type { WeChatUser } from '../../src/shared/wechat';
import { offeredCommands } from './support/menus';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFAULT_OPENID = 'oLocal00000000000000000user1';

const NOTIFY = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  const { OPENID, APPID, UNIONID } = cloud.getWXContext();
  let sent = 0;
  try {
    await cloud.openapi.subscribeMessage.send({ touser: OPENID, templateId: 'tpl-shipped', page: 'pages/index/index', data: { thing1: { value: event.item } } });
  } catch (e) {
    sent = e.errCode;
  }
  const login = await cloud.callFunction({ name: 'login', data: {} });
  return { OPENID, APPID, UNIONID, userInfo: event.userInfo, callee: login.result, sent };
};
`;

suite('WeChat users: simulated identity and inbox', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  const created = ['cloudfunctions/notifyUser', '.cloudbase/wechat/templates.json'];

  const { item, labelOf, children, child } = treeWalker(() => api);
  const usersNode = async (): Promise<ExplorerNode> => child(await child(undefined, environment.info.label), 'Users');
  const userNode = async (nickname: string): Promise<ExplorerNode> => child(await usersNode(), nickname);
  const invoke = async (): Promise<Json> => {
    const result = await vscode.commands.executeCommand<InvokeResult | undefined>('cloudbase.invokeFunction', vscode.Uri.file(join(root, 'cloudfunctions', 'notifyUser', '.events', 'default.json')));
    assert.ok(result, 'the event ran');
    assert.equal(result.error, undefined, result.error?.message);
    return result.result;
  };

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    await api.environments.start(environment.key);
    const write = (path: string, text: string): void => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('cloudfunctions/notifyUser/index.js', NOTIFY);
    write('cloudfunctions/notifyUser/config.json', JSON.stringify({ timeout: 20 }));
    write('cloudfunctions/notifyUser/.events/default.json', JSON.stringify({ item: 'Blue teapot' }));
    write('.cloudbase/wechat/templates.json', JSON.stringify({ 'tpl-shipped': { title: 'Order shipped', content: 'Your {{thing1.DATA}} is on its way' } }));
  });

  teardown(async () => {
    api.useUserInput(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    // Other suites expect the demo's default caller.
    const wechat = (await api.environments.backend(environment.key)).wechat!;
    await wechat.setCurrentUser(undefined);
    for (const user of (await wechat.listUsers()).users) await wechat.deleteUser(user.openId);
    for (const path of created) rmSync(join(root, path), { recursive: true, force: true });
    await vscode.commands.executeCommand('cloudbase.refresh');
  });

  test('the Users node sits under the running local environment and offers Create WeChat User…', async () => {
    const users = await usersNode();
    assert.match(item(users).contextValue ?? '', /\bcloudbase\.wechatUsers\b/);
    assert.ok(offeredCommands(item(users).contextValue ?? '').includes('cloudbase.createWeChatUser'));
    assert.deepEqual((await children(users)).map(labelOf), ['Default caller', 'No users. Functions run as the default caller.']);
  });

  let alice: WeChatUser;

  test('Create WeChat User… from the tree asks a nickname and lists the user with its openid', async () => {
    const script = new ScriptedInput({ input: ['Alice'] });
    api.useUserInput(script);
    const made = await vscode.commands.executeCommand<WeChatUser | undefined>('cloudbase.createWeChatUser', await usersNode());
    assert.ok(made, 'no user was created');
    alice = made;
    assert.deepEqual(script.asked, ['input: Create WeChat User']);
    assert.match(alice.openId, /^o[A-Za-z0-9_-]{27}$/);
    const node = await userNode('Alice');
    assert.equal(item(node).description, alice.openId);
    assert.match(String(item(node).tooltip), new RegExp(`UnionID: ${alice.unionId}`));
    assert.ok(offeredCommands(item(node).contextValue ?? '').includes('cloudbase.runAsWeChatUser'));
    assert.equal((await invoke()).OPENID, DEFAULT_OPENID, 'created, not yet current: the default caller still runs');
  });

  test('Subscribe User to Template… from the tree offers the project\'s templates; the acceptance shows in the tooltip', async () => {
    const node = await userNode('Alice');
    assert.ok(offeredCommands(item(node).contextValue ?? '').includes('cloudbase.subscribeWeChatUser'));
    assert.match(String(item(node).tooltip), /Accepted no template/);
    const script = new ScriptedInput({ pick: ['tpl-shipped', 'Long-term'] });
    api.useUserInput(script);
    const updated = await vscode.commands.executeCommand<WeChatUser | undefined>('cloudbase.subscribeWeChatUser', node);
    assert.deepEqual(updated?.subscriptions, { 'tpl-shipped': { oneTime: 0, longTerm: true } });
    assert.deepEqual(script.offered[0]!.map((i) => i.label), ['tpl-shipped', 'Other template id…']);
    assert.deepEqual(script.asked, ['pick: Subscribe Alice to which template?', 'pick: How does Alice accept tpl-shipped?']);
    assert.match(String(item(await userNode('Alice')).tooltip), /Accepted tpl-shipped: long-term/);
  });

  test('Run Functions as This User: the next invocation and the function it calls see the user, shown checked', async () => {
    await vscode.commands.executeCommand('cloudbase.runAsWeChatUser', await userNode('Alice'));
    const node = await userNode('Alice');
    assert.match(String(item(node).description), /^✓/);
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.currentUser\b/);
    assert.ok(!offeredCommands(item(node).contextValue ?? '').includes('cloudbase.runAsWeChatUser'));
    const result = await invoke();
    assert.equal(result.OPENID, alice.openId);
    assert.equal(result.UNIONID, alice.unionId);
    assert.equal(result.APPID, alice.appId);
    assert.deepEqual(result.userInfo, { appId: alice.appId, openId: alice.openId });
    assert.equal(result.callee.openid, alice.openId, 'login, called with cloud.callFunction, sees the same user');
    assert.equal(result.sent, 0, 'Alice accepted the template');
  });

  test('the Inbox under the user lists the message the function sent, rendered in its tooltip and its document', async () => {
    const inbox = await child(await userNode('Alice'), 'Inbox');
    const messages = await children(inbox);
    assert.equal(messages.length, 1, 'one message: the invocation before Alice was current went to the default caller');
    const last = messages[0];
    assert.equal(labelOf(last), 'Order shipped');
    const tooltip = String(item(last).tooltip);
    assert.match(tooltip, /^Order shipped\n\nYour Blue teapot is on its way\n/);
    assert.match(tooltip, /Sent with subscribeMessage\.send at /);
    const command = item(last).command!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(command.command, ...(command.arguments ?? []));
    assert.equal(uri.scheme, 'cloudbase-inbox');
    const document = await waitFor('the message document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()));
    const text = document.getText();
    assert.match(text, /^# Order shipped/);
    assert.match(text, /Your Blue teapot is on its way/);
    assert.match(text, /tpl-shipped/);
    assert.match(text, /pages\/index\/index/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    const wechat = (await api.environments.backend(environment.key)).wechat!;
    assert.ok((await wechat.readInbox(DEFAULT_OPENID)).some((m) => m.text === 'Your Blue teapot is on its way'), 'the default caller got the message of the invocation it ran');
  });

  test('the Default caller node shows its openid and its Inbox, whose message opens like a user\'s', async () => {
    const caller = await child(await usersNode(), 'Default caller');
    assert.equal(item(caller).description, DEFAULT_OPENID, 'Alice is current, so the openid shows, not the check');
    assert.match(String(item(caller).tooltip), new RegExp(`OpenID: ${DEFAULT_OPENID}`));
    assert.ok(offeredCommands(item(caller).contextValue ?? '').includes('cloudbase.runAsDefaultCaller'));
    const messages = await children(await child(caller, 'Inbox'));
    assert.ok(messages.length >= 1);
    const command = item(messages[0]).command!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(command.command, ...(command.arguments ?? []));
    const document = await waitFor('the message document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()));
    assert.match(document.getText(), /^# Order shipped/);
    assert.match(document.getText(), new RegExp(`To: \`${DEFAULT_OPENID}\``));
    assert.match(uri.path, /\/the default caller\//);
  });

  test('from the palette: create Bob, run as Bob, delete Bob: functions run as the default caller again', async () => {
    const create = new ScriptedInput({ input: ['Bob'] });
    api.useUserInput(create);
    const bob = await vscode.commands.executeCommand<WeChatUser | undefined>('cloudbase.createWeChatUser');
    assert.ok(bob);
    assert.deepEqual(create.asked, ['input: Create WeChat User'], 'one local environment is taken without asking');

    const pick = new ScriptedInput({ pick: ['Bob'] });
    api.useUserInput(pick);
    await vscode.commands.executeCommand('cloudbase.runAsWeChatUser');
    assert.deepEqual(pick.offered[0]!.map((i) => i.label), ['Alice', 'Bob']);
    const asBob = await invoke();
    assert.equal(asBob.OPENID, bob.openId);
    assert.equal(asBob.sent, 43101, 'Bob accepted no template');
    assert.doesNotMatch(String(item(await userNode('Alice')).description), /^✓/);
    assert.match(String(item(await userNode('Bob')).description), /^✓/);

    const remove = new ScriptedInput({ pick: ['Bob'], confirm: 1 });
    api.useUserInput(remove);
    await vscode.commands.executeCommand('cloudbase.deleteWeChatUser');
    assert.deepEqual(remove.asked, ['pick: Delete which user?', 'confirm: Delete the simulated user "Bob"? Its inbox is deleted with it. If functions run as this user, they run as the default caller afterwards.']);
    assert.deepEqual((await children(await usersNode())).map(labelOf), ['Default caller', 'Alice']);
    assert.equal((await invoke()).OPENID, DEFAULT_OPENID);
    assert.match(String(item(await child(await usersNode(), 'Default caller')).description), /^✓/);
  });

  test('a switch made outside this window redraws the Users node', async () => {
    const users = await usersNode();
    const redrawn = new Promise<void>((resolve) => {
      const subscription = api.explorer.onDidChangeTreeData((changed) => {
        const nodes = Array.isArray(changed) ? changed : [changed];
        if (nodes.includes(users)) {
          subscription.dispose();
          resolve();
        }
      });
    });
    // Straight to the environment's process, as another window or a script would.
    await (await api.environments.backend(environment.key)).wechat!.setCurrentUser(alice.openId);
    await waitFor('the Users node to redraw', () => Promise.race([redrawn.then(() => true as const), new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]));
    assert.match(String(item(await userNode('Alice')).description), /^✓/);
  });

  test('Run Functions as the Default Caller on the current user', async () => {
    await vscode.commands.executeCommand('cloudbase.runAsWeChatUser', await userNode('Alice'));
    assert.equal((await invoke()).OPENID, alice.openId);
    const node = await userNode('Alice');
    assert.ok(offeredCommands(item(node).contextValue ?? '').includes('cloudbase.runAsDefaultCaller'));
    await vscode.commands.executeCommand('cloudbase.runAsDefaultCaller', node);
    assert.equal((await invoke()).OPENID, DEFAULT_OPENID);
    assert.doesNotMatch(String(item(await userNode('Alice')).description), /^✓/);
  });

  test('Run Functions as the Default Caller on the Default caller node, offered only while another user is current', async () => {
    await vscode.commands.executeCommand('cloudbase.runAsWeChatUser', await userNode('Alice'));
    const caller = await child(await usersNode(), 'Default caller');
    assert.ok(offeredCommands(item(caller).contextValue ?? '').includes('cloudbase.runAsDefaultCaller'));
    await vscode.commands.executeCommand('cloudbase.runAsDefaultCaller', caller);
    assert.equal((await invoke()).OPENID, DEFAULT_OPENID);
    const after = await child(await usersNode(), 'Default caller');
    assert.match(String(item(after).description), /^✓/);
    assert.ok(!offeredCommands(item(after).contextValue ?? '').includes('cloudbase.runAsDefaultCaller'));
  });
});
