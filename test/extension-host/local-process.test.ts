/**
 * The demo project's local environment runs in a process of its own, never in the extension
 * host: started by the window, found again by another window (or a reload) through the data
 * folder on the same port, and a crash of it shows in the tree with Restart.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import { attachLocalEnvironment } from '../../src/cloud/local/attach';
import { readRunning } from '../../src/emulator/process/discovery';
import { EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

suite('Local environment process', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let dataDir: string;
  const { item, child } = treeWalker(() => api);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === folder.uri.fsPath));
    await api.environments.start(environment.key);
    dataDir = `${folder.uri.fsPath}/.cloudbase/local`;
  });

  test('runs in a process of its own, not in the extension host', async () => {
    assert.equal(environment.state, 'running');
    assert.ok(environment.pid !== undefined, 'the entry names its process');
    assert.notEqual(environment.pid, process.pid);
    const commandLine = readFileSync(`/proc/${environment.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(commandLine.some((a) => a.endsWith('emulator-cli.js')), commandLine.join(' '));
    const running = await readRunning(dataDir);
    assert.equal(running?.pid, environment.pid);
    assert.equal(running?.url, environment.url);
    const backend = await api.environments.backend(environment.key);
    assert.ok((await backend.database.listCollections({ limit: 50 })).items.some((c) => c.name === 'todos'));
  });

  test('another window attaches to the same process, and a restart keeps the port', async () => {
    const before = { pid: environment.pid, url: environment.url };
    const other = await attachLocalEnvironment({ projectRoot: environment.project!.root, dataDir, cliScript: '/nonexistent-so-it-must-attach.js' });
    try {
      assert.equal(other.started, false);
      assert.equal(other.pid, before.pid);
      assert.equal(other.url, before.url);
    } finally {
      await other.detach();
    }
    await vscode.commands.executeCommand('cloudbase.restartLocalEnvironment', await child(undefined, environment.info.label));
    assert.equal(environment.state, 'running');
    assert.notEqual(environment.pid, before.pid, 'a new process');
    assert.equal(environment.url, before.url, 'on the port it had');
  });

  test('a crash of the environment shows in the tree with Restart, and Restart brings it back', async () => {
    const pid = environment.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the crash to show', () => (environment.state === 'failed' && environment.crashed ? true : undefined), 15_000);
    const node = await child(undefined, environment.info.label);
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.crashed\b/);
    assert.equal(item(node).description, 'Local · stopped unexpectedly');
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension host lives on');
    await vscode.commands.executeCommand('cloudbase.restartLocalEnvironment', node);
    assert.equal(environment.state, 'running');
    assert.notEqual(environment.pid, pid);
    const backend = await api.environments.backend(environment.key);
    assert.ok((await backend.database.countDocuments('todos')) > 0);
  });

  test('tree counts follow writes that a script makes through /admin', async () => {
    const token = /TENCENTCLOUD_SESSIONTOKEN=(\S+)/.exec(environment.sdkSetup ?? '')?.[1];
    assert.ok(token, 'the SDK setup carries the token');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tcb = require('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk');
    const db = tcb.init({ env: environment.info.envId, secretId: 'local', secretKey: token, sessionToken: token, serviceUrl: `${environment.url}/admin` }).database();
    const countShown = async (): Promise<number> => Number(item(await child(await child(await child(undefined, environment.info.label), 'Database'), 'products')).description);
    const before = await countShown();
    const { id } = (await db.collection('products').add({ name: 'added by a script' })) as { id: string };
    try {
      await waitFor('the tree to count the new document', async () => ((await countShown()) === before + 1 ? true : undefined), 10_000);
    } finally {
      await db.collection('products').doc(id).remove();
    }
    await waitFor('the tree to count the removal', async () => ((await countShown()) === before ? true : undefined), 10_000);
  });

  test('the test hooks exist because the harness asked for them', () => {
    assert.equal(process.env.CLOUDBASE_STUDIO_TEST_HOOKS, '1');
    assert.equal(typeof api.useTencentTransport, 'function');
    assert.equal(typeof api.useCliLogin, 'function');
    assert.equal(typeof api.storedState, 'function');
  });
});
