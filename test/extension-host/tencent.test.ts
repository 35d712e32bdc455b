/**
 * Tencent CloudBase in a real VS Code, against the fake Tencent Cloud API started here in the
 * extension host: Sign In with scripted keys, the account's environments in the tree, a collection
 * created and browsed, a document edited through cloudbase: with conflict protection, a deployed
 * function listed and invoked from its saved event, Deploy Function to it from the workspace, a
 * file uploaded through COS and opened, a log tail through the log service, failures in the tree,
 * a wrong key refused with a plain message, the CloudBase CLI login (renewed through a local
 * stand-in of its refresh endpoint) and the TENCENTCLOUD_* variables, Sign Out. Then the test key
 * is searched for in the log files, the extension's stored state, the settings, the tree and the
 * panels' messages: it must be nowhere.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import type { ShownError } from '../../src/extension/platform/errorReporter';
import { deployFunction, readFunctionSource } from '../../src/cloud/deploy';
import type { InvokeResult } from '../../src/shared/model';
import { functionTimings } from '../fakes/tencent-cloud/actions/functions';
import type { FakeTencentCloud } from '../fakes/tencent-cloud/server';
import { startRefreshServer } from '../fakes/cliRefreshServer';
import { filesUnder } from './support/files';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { startFakeCloud, type FakeCloudSession } from './support/tencentFake';
import { treeWalker } from './support/tree';
import { assertLastPolledThenLogServiceOff, assertWaitingPanelReconnects } from './support/tencentLogs';

const SECRET_ID = 'AKIDexthostTestId0123456789wxyz';
const SECRET_KEY = 'exthostSecretKey-3f9a7c1e5b2d8046';
const ENV_ID = 'exthost-env-4d5e6f';
const ACCOUNT_LABEL = 'AKID…wxyz';
const COLLECTION = 'tencent_todos';

/** Every file under a folder, with its text (logs are small). */
suite('Tencent CloudBase: sign in and browse through the real manager-node', () => {
  let api: CloudBaseStudioApi;
  let session: FakeCloudSession | undefined;
  let fake: FakeTencentCloud;
  let dataDir: string;
  let environment: EnvironmentEntry;
  const shown: ShownError[] = [];
  const seenTexts: string[] = [];
  let observers: { dispose(): void }[] = [];

  const { item, labelOf, children, child } = treeWalker(() => api);
  /** Every line the tree shows for a node, kept for the secret search. */
  const seen = (node: ExplorerNode): ExplorerNode => {
    const i = item(node);
    seenTexts.push(labelOf(node), String(i.description ?? ''), typeof i.tooltip === 'string' ? i.tooltip : (i.tooltip?.value ?? ''));
    return node;
  };
  const accountNode = async (): Promise<ExplorerNode> => seen(await child(undefined, ACCOUNT_LABEL));
  const environmentNode = async (): Promise<ExplorerNode> => seen(await child(await accountNode(), environment.info.label));

  suiteSetup(async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    session = await startFakeCloud(api, { secretId: SECRET_ID, secretKey: SECRET_KEY, environments: [{ envId: ENV_ID, alias: 'shop', region: 'ap-shanghai' }] });
    ({ fake, dataDir } = session);
    observers = [
      api.observeErrors((e) => shown.push(e)),
      api.logPanels.observe((t) => seenTexts.push(JSON.stringify(t))),
    ];
  });

  teardown(async () => {
    api.useUserInput(undefined);
    for (let i = 0; i < 10 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  suiteTeardown(async () => {
    for (const o of observers) o.dispose();
    await session?.close();
  });

  test('Sign In with a SecretId and SecretKey lists the account\'s environments with their region', async () => {
    const input = new ScriptedInput({ pick: ['Enter SecretId and SecretKey…'], input: [SECRET_ID, SECRET_KEY, ''] });
    api.useUserInput(input);
    const account = await vscode.commands.executeCommand<{ id: string; label: string; source: string }>('cloudbase.signIn');
    assert.deepEqual(account && { label: account.label, source: account.source }, { label: ACCOUNT_LABEL, source: 'keys' }, input.asked.join(' | '));
    assert.ok(fake.requests.some((r) => r.action === 'CheckTcbService' && !r.refused), 'the keys were checked');

    const envNodes = await children(await accountNode());
    assert.deepEqual(envNodes.map(labelOf), [`shop (${ENV_ID})`]);
    assert.equal(item(envNodes[0]).description, 'ap-shanghai');
    environment = await waitFor('the environment entry', () => api.environments.list().find((e) => e.info.envId === ENV_ID));
    assert.equal(environment.info.kind, 'tencent');
    assert.equal(environment.account?.label, ACCOUNT_LABEL);
  });

  test('the environment shows the areas its backend offers; a collection is created and its documents browsed', async () => {
    const backend = await api.environments.backend(environment.key);
    const areas = (await children(await environmentNode())).map((n) => labelOf(seen(n)));
    assert.deepEqual(areas, ['Database', ...(backend.storage ? ['Storage'] : []), ...(backend.functions ? ['Functions'] : [])]);

    api.useUserInput(new ScriptedInput({ input: [COLLECTION] }));
    await vscode.commands.executeCommand('cloudbase.createCollection', await environmentNode());
    await backend.database.insertDocuments(COLLECTION, [{ _id: 'd1', title: 'milk' }, { _id: 'd2', title: 'bread' }]);
    await vscode.commands.executeCommand('cloudbase.refresh', await environmentNode());

    const database = seen(await child(await environmentNode(), 'Database'));
    const collection = seen(await child(database, COLLECTION));
    assert.equal(item(collection).description, '2');
    const documents = (await children(collection)).map(seen);
    assert.equal(documents.length, 2);
    assert.ok(fake.requests.some((r) => r.action === 'QueryRecords'), 'documents came through QueryRecords');
  });

  test('a document opens on cloudbase:, a save writes it, and a save over another writer\'s change writes nothing when Reload is chosen', async () => {
    const database = (await api.environments.backend(environment.key)).database;
    const collection = await child(await child(await environmentNode(), 'Database'), COLLECTION);
    const node = (await children(collection)).find((n) => (n as { document?: { _id?: string } }).document?._id === 'd1');
    assert.ok(node, 'd1 is in the tree');
    await vscode.commands.executeCommand('cloudbase.openDocument', node);
    const editor = await waitFor('the document editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'cloudbase' && active.document.uri.path.endsWith('d1.json') ? active : undefined;
    });
    const replace = async (text: string): Promise<void> => {
      assert.ok(await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text)));
    };
    await replace(JSON.stringify({ _id: 'd1', title: 'oat milk' }, null, 2));
    assert.equal(await editor.document.save(), true);
    assert.equal((await database.getDocument(COLLECTION, 'd1'))?.title, 'oat milk');
    assert.ok(fake.requests.some((r) => r.action === 'UpdateItem'), 'the save went through UpdateItem');

    api.useUserInput(new ScriptedInput({ pick: ['Reload'] }));
    await replace(JSON.stringify({ _id: 'd1', title: 'mine' }, null, 2));
    await database.updateDocuments(COLLECTION, { _id: 'd1' }, { $set: { title: 'theirs' } }, { multi: false });
    // The choice is made inside the save: Reload writes nothing and the editor rereads the stored document.
    await editor.document.save();
    assert.equal((await database.getDocument(COLLECTION, 'd1'))?.title, 'theirs', 'no lost update');
    await waitFor('the reload', () => (editor.document.getText().includes('theirs') && !editor.document.isDirty ? true : undefined));
  });

  test('the collection grid loads its page through the panel', async () => {
    const traffic: { direction: string; message: { type?: string; total?: number } }[] = [];
    const observer = api.logPanels.observe((t) => {
      if (t.panel.startsWith('cloudbase.collection:')) traffic.push(t as never);
    });
    try {
      await vscode.commands.executeCommand('cloudbase.openCollection', { envKey: environment.key, collection: COLLECTION });
      await waitFor('the first page', () => traffic.find((t) => t.direction === 'toPage' && t.message.type === 'page'));
      // The count follows the page in its own message.
      const total = await waitFor('the total', () => traffic.find((t) => t.direction === 'toPage' && t.message.type === 'total'));
      assert.equal(total.message.total, 2);
    } finally {
      observer.dispose();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  test('Functions: a function deployed to the environment is listed; invoking it from the tree runs its saved event in the cloud', async function () {
    this.timeout(90_000);
    const backend = await api.environments.backend(environment.key);
    if (!backend.functions?.deploy) this.skip();
    functionTimings.transitionMs = 50;
    const folder = join(dataDir, 'project', 'cloudfunctions', 'hello');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.js'), "exports.main = async (event) => { console.log('hello', event.name); return { greeting: 'hi ' + event.name }; };\n");
    await deployFunction(backend.functions, await readFunctionSource(folder));

    await vscode.commands.executeCommand('cloudbase.refresh', await environmentNode());
    const functions = seen(await child(await environmentNode(), 'Functions'));
    const hello = seen(await child(functions, 'hello'));
    // Without saved events yet, Invoke Function… runs the default one, created for it.
    api.useUserInput(new ScriptedInput({}));
    const first = await vscode.commands.executeCommand<InvokeResult>('cloudbase.invokeFunction', hello);
    assert.ok(first && !first.error, first?.error?.message ?? 'Invoke Function… ran nothing');
    assert.deepEqual(first.result, { greeting: 'hi undefined' });
    api.useUserInput(new ScriptedInput({ pick: ['default'] }));
    await vscode.commands.executeCommand('cloudbase.editFunctionEvents', hello);
    const editor = await waitFor('hello\'s saved event', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.fsPath.endsWith(join('hello', '.events', 'default.json')) ? active : undefined;
    });
    assert.ok(!editor.document.uri.fsPath.startsWith(dataDir), 'saved events of a cloud function live in the extension\'s storage');
    assert.ok(await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), '{ "name": "ann" }\n')));
    const result = await vscode.commands.executeCommand<InvokeResult>('cloudbase.invokeFunction', editor.document.uri);
    assert.ok(result && !result.error, result?.error?.message);
    assert.deepEqual(result.result, { greeting: 'hi ann' });
    assert.ok(result.logs.some((l) => l.message.includes('hello ann')), 'the invocation\'s log comes back with it');
    assert.ok(fake.requests.some((r) => r.action === 'Invoke' && r.params.FunctionName === 'hello'));
  });

  test('Deploy Function from a workspace folder asks for the environment and creates the function in the Tencent environment', async function () {
    this.timeout(90_000);
    const backend = await api.environments.backend(environment.key);
    if (!backend.functions?.deploy) this.skip();
    functionTimings.transitionMs = 50;
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const todos = vscode.Uri.file(join(root, 'cloudfunctions', 'todos'));
    const input = new ScriptedInput({ pick: [environment.info.label] });
    api.useUserInput(input);
    const reports = await vscode.commands.executeCommand<{ name: string; action: string; status: string }[] | undefined>('cloudbase.deployFunction', todos, [todos]);
    assert.deepEqual(reports?.map((r) => [r.name, r.action, r.status]), [['todos', 'created', 'Active']], input.asked.join(' | '));
    assert.ok(fake.requests.some((r) => r.action === 'CreateFunction' && r.params.FunctionName === 'todos'));
    const functions = await child(await environmentNode(), 'Functions');
    await waitFor('todos in the Tencent environment\'s Functions', async () => ((await children(functions)).some((n) => labelOf(n) === 'todos') ? true : undefined));
  });

  test('Storage: Upload Files… puts a file into the bucket through COS; the tree lists it, Open File shows it, a temporary URL is copied', async function () {
    this.timeout(60_000);
    const backend = await api.environments.backend(environment.key);
    if (!backend.storage) this.skip();
    const file = join(dataDir, 'notes.txt');
    writeFileSync(file, 'hello from the extension host\n');
    await vscode.commands.executeCommand('cloudbase.refresh', await environmentNode());
    const storage = seen(await child(await environmentNode(), 'Storage'));
    await vscode.commands.executeCommand('cloudbase.storage.uploadFiles', storage, [vscode.Uri.file(file)]);
    assert.equal(Buffer.from(await backend.storage.readFile('notes.txt')).toString('utf8'), 'hello from the extension host\n');
    const notes = seen(await waitFor('notes.txt in the tree', async () => (await children(storage)).find((n) => labelOf(n) === 'notes.txt')));

    await vscode.commands.executeCommand('cloudbase.storage.openFile', notes);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), 'hello from the extension host\n');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await vscode.commands.executeCommand('cloudbase.storage.copyTemporaryUrl', notes);
    const url = await vscode.env.clipboard.readText();
    seenTexts.push(url);
    const response = await fetch(url);
    assert.equal(`${response.status}:${await response.text()}`, '200:hello from the extension host\n', 'the temporary URL downloads the file');
  });

  test('Logs: Tail Logs on a Tencent function shows its invocations from the log service, when it last polled, and plainly that the service is off', async function () {
    this.timeout(120_000);
    const backend = await api.environments.backend(environment.key);
    if (!backend.logs || !backend.functions?.deploy) this.skip();
    const lines: string[] = [];
    const observer = api.logPanels.observe((t) => {
      const m = t.message as { type?: string; entries?: { message?: string }[] };
      if (t.direction === 'toPage' && (m.type === 'append' || m.type === 'history')) for (const e of m.entries ?? []) lines.push(e.message ?? '');
    });
    try {
      const hello = await child(await child(await environmentNode(), 'Functions'), 'hello');
      await vscode.commands.executeCommand('cloudbase.tailLogs', hello);
      await waitFor('the panel\'s page to be ready', () => api.logPanels.panels().find((p) => p.target.envKey === environment.key && p.target.functionName === 'hello' && p.ready));
      await backend.functions.invoke('hello', { name: 'bob' });
      await waitFor('the invocation\'s log line on the page', () => (lines.some((l) => l.includes('hello bob')) ? true : undefined), 30_000);
      assert.ok(fake.requests.some((r) => r.action === 'SearchClsLog'), 'the tail searched the log service');
      await assertLastPolledThenLogServiceOff(api, fake, ENV_ID, { envKey: environment.key, functionName: 'hello' });
      await assertWaitingPanelReconnects(api, { envKey: environment.key, functionName: 'hello' }, async () => {
        await vscode.commands.executeCommand('cloudbase.refresh', await accountNode());
        await children(await accountNode());
      });
    } finally {
      fake.setLogService(ENV_ID, true);
      observer.dispose();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  test('failures show in the tree with the request ID: throttling after retries, a missing permission, an isolated environment, expired keys; Retry recovers', async function () {
    this.timeout(90_000);
    const database = seen(await child(await environmentNode(), 'Database'));
    const errorUnder = async (): Promise<ExplorerNode> => {
      await vscode.commands.executeCommand('cloudbase.refresh', database);
      const nodes = (await children(database)).map(seen);
      const error = nodes.find((n) => item(n).contextValue?.includes('cloudbase.error'));
      assert.ok(error, `no error node: ${nodes.map(labelOf).join(', ')}`);
      return error;
    };
    const requestId = /\(request ID: [0-9a-f-]{36}\)$/;
    try {
      const before = fake.requests.filter((r) => r.action === 'ListTables').length;
      fake.inject('ListTables', { kind: 'throttle' });
      let error = await errorUnder();
      assert.match(labelOf(error), /^Too many requests; try again shortly: .*RequestLimitExceeded/);
      assert.match(labelOf(error), requestId);
      assert.equal(fake.requests.filter((r) => r.action === 'ListTables').length - before, 4, 'three retries with back-off, then the message');
      fake.clearFaults();
      await vscode.commands.executeCommand('cloudbase.retry', error);
      assert.ok((await children(database)).map(labelOf).includes(COLLECTION), 'Retry loads the collections');

      fake.inject('ListTables', { kind: 'error', code: 'UnauthorizedOperation.CamNoAuth', message: 'The CAM policy does not allow this action.' }, 1);
      error = await errorUnder();
      assert.match(labelOf(error), /^Permission missing: The key is not allowed to call tcb:ListTables/);
      assert.match(labelOf(error), requestId);
      assert.ok(!item(error).contextValue?.includes('cloudbase.signInNeeded'), 'another key, not another sign-in');

      fake.inject('ListTables', { kind: 'error', code: 'ResourceUnavailable.EnvIsolated', message: 'The environment is isolated: the account is in arrears.' }, 1);
      error = await errorUnder();
      assert.match(labelOf(error), /^The environment is isolated or in arrears; renew it in the Tencent Cloud console/);

      fake.inject('ListTables', { kind: 'expiredToken' }, 1);
      error = await errorUnder();
      assert.match(labelOf(error), /^Sign-in failed or expired: .*AuthFailure\.TokenFailure/);
      assert.ok(item(error).contextValue?.includes('cloudbase.signInNeeded'), 'Sign In Again is offered on the node');
    } finally {
      fake.clearFaults();
    }
    await vscode.commands.executeCommand('cloudbase.refresh', database);
    assert.ok((await children(database)).map(labelOf).includes(COLLECTION));
  });

  test('a wrong SecretKey is refused with a plain message, the request ID and Sign In Again; nothing is kept', async () => {
    const before = shown.length;
    const wrongKey = 'wrongSecretKey-exthost-000111222';
    api.useUserInput(new ScriptedInput({ pick: ['Enter SecretId and SecretKey…'], input: ['AKIDanotherKeyId00998877665544', wrongKey, ''] }));
    assert.equal(await vscode.commands.executeCommand('cloudbase.signIn'), undefined);
    const error = await waitFor('the error message', () => shown.slice(before).find((e) => e.what === 'cloudbase.signIn'));
    assert.match(error.message, /^Sign-in failed or expired: Tencent Cloud refused the credentials/);
    assert.match(error.message, /request ID: [0-9a-f-]{36}/);
    assert.deepEqual(error.actions, ['Sign In Again', 'Show Extension Log']);
    assert.ok(!error.message.includes(wrongKey));
    assert.deepEqual((await children(undefined)).map(labelOf).filter((l) => l.startsWith('AKID')), [ACCOUNT_LABEL], 'no account for the wrong key');
  });

  test('Sign In with the CloudBase CLI login renews its expired temporary keys and lists the same environments', async () => {
    const server = await startRefreshServer(() => Date.now());
    server.answer = () => ({
      body: JSON.stringify({ code: 0, data: { tmpSecretId: SECRET_ID, tmpSecretKey: SECRET_KEY, tmpToken: 'exthost-cli-token-5566', tmpExpired: Date.now() + 2 * 3600_000 } }),
    });
    const file = join(dataDir, 'auth.json');
    const stale = { tmpSecretId: 'AKIDstaleTmpId', tmpSecretKey: 'staleTmpKey', tmpToken: 'staleToken', tmpExpired: Date.now() - 1000 };
    writeFileSync(file, JSON.stringify({ credential: { ...stale, expired: Date.now() + 86400_000, refreshToken: 'refresh-1', hash: 'machine' } }));
    api.useCliLogin!({ file, refreshUrl: server.url });
    try {
      api.useUserInput(new ScriptedInput({ pick: ['Use the CloudBase CLI login'] }));
      const account = await vscode.commands.executeCommand<{ label: string; source: string }>('cloudbase.signIn');
      assert.deepEqual(account, { id: 'cli', label: `CloudBase CLI ${ACCOUNT_LABEL}`, source: 'cli' });
      assert.equal(server.requests.length, 1, 'the expired temporary keys were renewed');
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { credential: { tmpSecretKey: string } }).credential.tmpSecretKey, SECRET_KEY, 'and written back for the CLI');
      const node = seen(await child(undefined, account.label));
      assert.equal(item(node).description, 'CloudBase CLI login');
      assert.deepEqual((await children(node)).map(labelOf), [`shop (${ENV_ID})`]);
      const sent = fake.requests.filter((r) => r.action === 'DescribeEnvs').at(-1);
      assert.equal(sent?.headers['x-tc-token'], 'exthost-cli-token-5566');
      await vscode.commands.executeCommand('cloudbase.signOut', node);
      assert.ok(!(await children(undefined)).map(labelOf).includes(account.label));
    } finally {
      api.useCliLogin!(undefined);
      await server.close();
    }
  });

  test('Sign In with the TENCENTCLOUD_* variables reads them from the environment', async () => {
    process.env.TENCENTCLOUD_SECRETID = SECRET_ID;
    process.env.TENCENTCLOUD_SECRETKEY = SECRET_KEY;
    try {
      api.useUserInput(new ScriptedInput({ pick: ['Use the TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY variables'] }));
      const account = await vscode.commands.executeCommand<{ label: string; source: string }>('cloudbase.signIn');
      assert.deepEqual(account, { id: 'environment', label: ACCOUNT_LABEL, source: 'environment' });
      const node = (await children(undefined)).find((n) => labelOf(n) === ACCOUNT_LABEL && item(n).description === 'Environment variables');
      assert.ok(node);
      assert.deepEqual((await children(seen(node))).map(labelOf), [`shop (${ENV_ID})`]);
      await vscode.commands.executeCommand('cloudbase.signOut', node);
    } finally {
      delete process.env.TENCENTCLOUD_SECRETID;
      delete process.env.TENCENTCLOUD_SECRETKEY;
    }
  });

  test('the SecretKey is nowhere: logs, stored state, settings, the tree, panel messages', async () => {
    // The account's log lines are there, so the search reads the right files.
    const logRoot = dirname(api.logFolder);
    const logs = await waitFor('the sign-in in the log', () => {
      const files = filesUnder(logRoot);
      return files.some((f) => f.text.includes(`Signed in to Tencent CloudBase as ${ACCOUNT_LABEL}`)) ? files : undefined;
    });
    for (const f of logs) assert.ok(!f.text.includes(SECRET_KEY), `the SecretKey is in ${f.path}`);

    const state = JSON.stringify(api.storedState!());
    assert.ok(state.includes(ACCOUNT_LABEL), 'the account list is in the stored state');
    assert.ok(!state.includes(SECRET_KEY) && !state.includes(SECRET_ID), 'no key in globalState or workspaceState');

    const settings = JSON.stringify(vscode.workspace.getConfiguration());
    assert.ok(settings.includes('ap-shanghai'), 'the Tencent settings are read');
    assert.ok(!settings.includes(SECRET_KEY));

    assert.ok(seenTexts.length > 10);
    for (const text of seenTexts) assert.ok(!text.includes(SECRET_KEY) && !text.includes(SECRET_ID), `the tree or a panel shows a key: ${text}`);
  });

  test('Sign Out removes the account and its environments', async () => {
    await vscode.commands.executeCommand('cloudbase.signOut', await accountNode());
    assert.deepEqual((await children(undefined)).map(labelOf).filter((l) => l.startsWith('AKID')), []);
    assert.equal(api.environments.list().some((e) => e.info.envId === ENV_ID), false);
    assert.ok(!JSON.stringify(api.storedState!()).includes(ACCOUNT_LABEL));
  });
});
