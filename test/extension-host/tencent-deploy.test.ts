/**
 * Deploy Function to a Tencent CloudBase environment in a real VS Code, against the fake Tencent
 * Cloud API started here: a function folder of the workspace deployed the way the Explorer's
 * context menu calls the command (a Uri, or the Uri with the whole selection), from the function's
 * tree node and from the palette, to the environment cloudbaserc.json names, else to the one picked
 * and remembered; an unchanged redeploy uploads nothing; a settings change sends only the settings;
 * Compare with Deployed opens the diff with the deployed side read-only; code changed elsewhere is
 * not replaced unless confirmed; an injected failure ends with the request ID and a cancelled
 * deploy leaves the function as it was; a package over 20 MB is not sent unless confirmed. Every
 * check reads what the fake recorded.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { FunctionsApi } from '../../src/cloud/backend';
import { deployFunction, readFunctionSource, type DeployReport } from '../../src/cloud/deploy';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ShownError } from '../../src/extension/platform/errorReporter';
import { functionTimings } from '../fakes/tencent-cloud/actions/functions';
import type { FakeTencentCloud } from '../fakes/tencent-cloud/server';
import { filesUnder } from './support/files';
import { offeredCommands } from './support/menus';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { signInWithKeys, startFakeCloud, type FakeCloudSession } from './support/tencentFake';
import { treeWalker } from './support/tree';

const SECRET_ID = 'AKIDdeployTestId0123456789abcd';
const SECRET_KEY = 'deploySecretKey-7c2e9a4b1d6f3085';
const ACCOUNT_LABEL = 'AKID…abcd';
const ENV_ID = 'deploy-env-8a9b0c';
const NAME = 'tcbdeployprobe';
/** What the fake records for anything that changes a function. */
const WRITES = ['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'GetTempCosInfo', 'cos:PutObject'];
const REQUEST_ID = /request ID: ([0-9a-f-]{36})/;

suite('Deploy Function to a Tencent environment (fake Tencent Cloud)', () => {
  let api: CloudBaseStudioApi;
  let session: FakeCloudSession;
  let fake: FakeTencentCloud;
  let environment: EnvironmentEntry;
  let root: string;
  let folder: string;
  let uri: vscode.Uri;
  const shown: ShownError[] = [];
  let observer: { dispose(): void } | undefined;
  const { item, labelOf, children, child } = treeWalker(() => api);

  const write = (version: string): void => writeFileSync(join(folder, 'index.js'), `exports.main = async () => ({ version: '${version}' });\n`);
  const writeRc = (rc: Record<string, unknown>): void => writeFileSync(join(root, 'cloudbaserc.json'), JSON.stringify(rc, null, 2));
  const functions = async (): Promise<FunctionsApi> => (await api.environments.backend(environment.key)).functions!;
  const invoke = async (): Promise<unknown> => (await (await functions()).invoke(NAME, {})).result;
  const deploy = (arg?: unknown, selection?: unknown): Thenable<DeployReport[] | undefined> => vscode.commands.executeCommand('cloudbase.deployFunction', arg, selection);
  const writesSince = (mark: number): string[] => fake.requests.slice(mark).filter((r) => WRITES.includes(r.action) && !r.refused).map((r) => r.action);
  const script = (answers: ConstructorParameters<typeof ScriptedInput>[0]): ScriptedInput => {
    const input = new ScriptedInput(answers);
    api.useUserInput(input);
    return input;
  };

  suiteSetup(async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    folder = join(root, 'cloudfunctions', NAME);
    uri = vscode.Uri.file(folder);
    session = await startFakeCloud(api, { secretId: SECRET_ID, secretKey: SECRET_KEY, environments: [{ envId: ENV_ID, alias: 'orders', region: 'ap-guangzhou' }] });
    fake = session.fake;
    observer = api.observeErrors((e) => shown.push(e));
    const account = await signInWithKeys(api, SECRET_ID, SECRET_KEY);
    assert.equal(account?.label, ACCOUNT_LABEL);
    // The account's environments join the registry when the tree lists them.
    await children(await child(undefined, ACCOUNT_LABEL));
    environment = await waitFor('the Tencent environment', () => api.environments.list().find((e) => e.info.envId === ENV_ID));
    functionTimings.transitionMs = 50;
    mkdirSync(folder, { recursive: true });
    write('v1');
    writeRc({ envId: ENV_ID, functions: [{ name: NAME, timeout: 5 }] });
  });

  teardown(async () => {
    api.useUserInput(undefined);
    fake.clearFaults();
  });

  suiteTeardown(async () => {
    observer?.dispose();
    rmSync(folder, { recursive: true, force: true });
    rmSync(join(root, 'cloudbaserc.json'), { force: true });
    const account = (await children(undefined)).find((n) => labelOf(n) === ACCOUNT_LABEL);
    if (account) await vscode.commands.executeCommand('cloudbase.signOut', account);
    await session?.close();
  });

  test('an Explorer folder deploys to the environment cloudbaserc.json names: created, Active, running the new code', async function () {
    this.timeout(60_000);
    const input = script({});
    const mark = fake.requests.length;
    const reports = await deploy(uri, [uri]);
    assert.deepEqual(reports?.map((r) => [r.name, r.action, r.status, r.uploaded]), [[NAME, 'created', 'Active', true]], input.asked.join(' | '));
    assert.deepEqual(input.asked, [], 'no environment was asked for');
    const create = fake.requests.slice(mark).find((r) => r.action === 'CreateFunction');
    assert.ok(create, 'CreateFunction was sent');
    assert.equal(create.params.FunctionName, NAME);
    assert.equal(create.params.Namespace ?? create.params.EnvId, ENV_ID);
    assert.equal(create.params.Timeout, 5, 'with the settings of cloudbaserc.json');
    assert.equal((await (await functions()).getFunction!(NAME))?.status, 'Active');
    assert.deepEqual(await invoke(), { version: 'v1' });
    const functionsNode = await child(await child(await child(undefined, ACCOUNT_LABEL), environment.info.label), 'Functions');
    await waitFor(`${NAME} in the environment's Functions`, async () => ((await children(functionsNode)).some((n) => labelOf(n) === NAME) ? true : undefined));
  });

  test('an unchanged redeploy (the Explorer\'s single Uri) uploads nothing and ends saying unchanged, in under a second', async () => {
    script({});
    const mark = fake.requests.length;
    const reports = await deploy(uri);
    assert.deepEqual(reports?.map((r) => [r.action, r.uploaded]), [['unchanged', false]]);
    assert.deepEqual(writesSince(mark), [], 'nothing was uploaded or changed');
    assert.ok(reports![0]!.elapsedMs < 1000, `took ${reports![0]!.elapsedMs} ms`);
  });

  test('a Tencent function\'s context menu offers Compare with Deployed and Deploy, not Debug Function', async () => {
    const functionsNode = await child(await child(await child(undefined, ACCOUNT_LABEL), environment.info.label), 'Functions');
    const value = item(await child(functionsNode, NAME)).contextValue ?? '';
    assert.doesNotMatch(value, /\bcloudbase\.debuggable\b/);
    const offered = offeredCommands(value);
    assert.ok(offered.includes('cloudbase.compareWithDeployed') && offered.includes('cloudbase.deployFunction') && offered.includes('cloudbase.invokeFunction'), offered.join(', '));
    assert.ok(!offered.includes('cloudbase.debugFunction'), offered.join(', '));
  });

  test('the function\'s node under the Tencent environment, and the Command Palette, deploy the workspace\'s folder too', async function () {
    this.timeout(60_000);
    script({});
    const functionsNode = await child(await child(await child(undefined, ACCOUNT_LABEL), environment.info.label), 'Functions');
    const mark = fake.requests.length;
    const node = await child(functionsNode, NAME);
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.deployedCopy\b/, 'Compare with Deployed is offered on a cloud environment\'s function');
    const fromTree = await deploy(node);
    assert.deepEqual(fromTree?.map((r) => [r.name, r.action]), [[NAME, 'unchanged']]);

    const palette = script({ pick: [environment.info.label, NAME] });
    const fromPalette = await deploy();
    assert.deepEqual(palette.asked, ['pick: Choose an environment', 'pick: Choose a cloud function']);
    assert.deepEqual(fromPalette?.map((r) => [r.name, r.action]), [[NAME, 'unchanged']]);
    assert.deepEqual(writesSince(mark), []);
  });

  test('a changed setting in cloudbaserc.json sends only UpdateFunctionConfiguration', async function () {
    this.timeout(60_000);
    writeRc({ envId: ENV_ID, functions: [{ name: NAME, timeout: 8 }] });
    script({});
    const mark = fake.requests.length;
    const reports = await deploy(uri, [uri]);
    assert.deepEqual(reports?.map((r) => [r.action, r.uploaded, r.status]), [['configured', false, 'Active']]);
    assert.deepEqual(writesSince(mark), ['UpdateFunctionConfiguration']);
    assert.equal((await (await functions()).getFunction!(NAME))?.timeoutSeconds, 8);
    assert.deepEqual(await invoke(), { version: 'v1' });
  });

  test('without an envId the environment is picked, and the choice is offered first next time', async function () {
    this.timeout(60_000);
    writeRc({ functions: [{ name: NAME, timeout: 8 }] });
    try {
      write('v2');
      const first = script({ pick: [environment.info.label] });
      const mark = fake.requests.length;
      const reports = await deploy(uri, [uri]);
      assert.deepEqual(first.asked, ['pick: Deploy to which environment?']);
      assert.deepEqual(reports?.map((r) => [r.action, r.uploaded]), [['updated', true]]);
      assert.deepEqual(writesSince(mark), ['UpdateFunctionCode']);
      assert.deepEqual(await invoke(), { version: 'v2' });

      const second = script({ pick: [environment.info.label] });
      const again = await deploy(uri);
      const offered = second.offered[0] ?? [];
      assert.equal(offered[0]?.label, environment.info.label, `offered: ${offered.map((o) => o.label).join(', ')}`);
      assert.equal(offered[0]?.detail, 'Last used for this project');
      assert.deepEqual(again?.map((r) => r.action), ['unchanged']);
    } finally {
      writeRc({ envId: ENV_ID, functions: [{ name: NAME, timeout: 8 }] });
    }
  });

  test('Compare with Deployed opens a diff of the edited file against the deployed one, read-only', async function () {
    this.timeout(60_000);
    write('v3');
    script({});
    const comparison = await vscode.commands.executeCommand<{ changed: { path: string; kind: string }[]; deployedFolder: string } | undefined>('cloudbase.compareWithDeployed', uri);
    assert.deepEqual(comparison?.changed, [{ path: 'index.js', kind: 'modified' }]);
    assert.ok(fake.requests.some((r) => r.action === 'GetFunctionAddress'), 'the deployed code came from the cloud');
    const local = join(folder, 'index.js');
    const tab = await waitFor('the diff editor', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.fsPath === local),
    );
    try {
      const diff = tab.input as vscode.TabInputTextDiff;
      assert.ok(diff.original.fsPath.startsWith(comparison!.deployedFolder), diff.original.fsPath);
      assert.match((await vscode.workspace.openTextDocument(diff.original)).getText(), /version: 'v2'/);
      assert.match((await vscode.workspace.openTextDocument(diff.modified)).getText(), /version: 'v3'/);
      assert.equal(vscode.workspace.fs.isWritableFileSystem(diff.original.scheme), false, `the deployed side (${diff.original.scheme}:) opens read-only`);
      const stat = await vscode.workspace.fs.stat(diff.original);
      assert.equal((stat.permissions ?? 0) & vscode.FilePermission.Readonly, vscode.FilePermission.Readonly);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(diff.original, Buffer.from('typed over'))), 'the deployed copy cannot be written');
    } finally {
      await vscode.window.tabGroups.close(tab);
    }

    // Several files differ: one multi-file diff editor lists them.
    const extra = join(folder, 'lib.js');
    writeFileSync(extra, 'module.exports = 1;\n');
    try {
      const both = await vscode.commands.executeCommand<{ changed: { path: string; kind: string }[] } | undefined>('cloudbase.compareWithDeployed', uri);
      assert.deepEqual(both?.changed.map((c) => [c.path, c.kind]).sort(), [['index.js', 'modified'], ['lib.js', 'added']]);
      const title = `${NAME}: deployed on ${environment.info.label} ↔ folder`;
      const tabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      const multi = await waitFor('the multi-file diff editor', () => tabs().find((t) => t.label.startsWith(title)), 5000).catch((e: Error) => {
        throw new Error(`${e.message}; tabs: ${tabs().map((t) => `${t.label} [${t.input?.constructor.name}]`).join(', ')}`);
      });
      assert.match(multi.label, /\(2 files\)$/);
      await vscode.window.tabGroups.close(multi);
    } finally {
      rmSync(extra, { force: true });
    }
  });

  test('code deployed from elsewhere since: deploy asks first, and declining uploads nothing; accepting replaces it', async function () {
    this.timeout(90_000);
    // Another machine deploys its own copy of the function.
    const elsewhere = join(session.dataDir, 'elsewhere', 'cloudfunctions', NAME);
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'index.js'), "exports.main = async () => ({ version: 'elsewhere' });\n");
    await deployFunction(await functions(), await readFunctionSource(elsewhere));
    assert.deepEqual(await invoke(), { version: 'elsewhere' });

    const before = shown.length;
    const declined = script({ decline: 1 });
    const mark = fake.requests.length;
    assert.equal(await deploy(uri, [uri]), undefined);
    assert.equal(declined.asked.length, 1, declined.asked.join(' | '));
    assert.match(declined.asked[0]!, /^confirm: The deployed code of tcbdeployprobe on .* changed since this project last deployed it/);
    assert.deepEqual(writesSince(mark), [], 'declined: nothing was uploaded');
    assert.deepEqual(shown.slice(before), [], 'declining is not an error');
    assert.deepEqual(await invoke(), { version: 'elsewhere' });

    const accepted = script({ confirm: 1 });
    const reports = await deploy(uri, [uri]);
    assert.equal(accepted.asked.length, 1);
    assert.deepEqual(reports?.map((r) => r.action), ['updated']);
    assert.ok(reports![0]!.warnings.some((w) => w.code === 'DeployedCodeChanged'));
    assert.deepEqual(await invoke(), { version: 'v3' });
  });

  test('a code update throttled past the retries ends with the service\'s message and request ID; the function keeps its code', async function () {
    this.timeout(90_000);
    write('v4');
    fake.inject('UpdateFunctionCode', { kind: 'throttle' });
    script({});
    const before = shown.length;
    const mark = fake.requests.length;
    assert.equal(await deploy(uri, [uri]), undefined);
    const error = await waitFor('the error message', () => shown.slice(before).find((e) => e.what === 'cloudbase.deployFunction'));
    const attempts = fake.requests.slice(mark).filter((r) => r.action === 'UpdateFunctionCode');
    assert.equal(attempts.length, 4, 'one attempt and three retries');
    assert.match(error.message, /RequestLimitExceeded/);
    assert.equal(REQUEST_ID.exec(error.message)?.[1], attempts.at(-1)!.requestId, error.message);
    fake.clearFaults();
    assert.deepEqual(await invoke(), { version: 'v3' });

    // Nothing was recorded as deployed: the next deploy sends the code, with no warning about another writer.
    script({});
    const reports = await deploy(uri, [uri]);
    assert.deepEqual(reports?.map((r) => r.action), ['updated']);
    assert.deepEqual(await invoke(), { version: 'v4' });
  });

  test('an expired token ends with Sign In Again and the request ID; nothing is uploaded', async function () {
    this.timeout(60_000);
    write('v5');
    fake.inject('GetFunction', { kind: 'expiredToken' }, 1);
    script({});
    const before = shown.length;
    const mark = fake.requests.length;
    assert.equal(await deploy(uri, [uri]), undefined);
    const error = await waitFor('the error message', () => shown.slice(before).find((e) => e.what === 'cloudbase.deployFunction'));
    assert.match(error.message, /^Sign-in failed or expired: .*AuthFailure\.TokenFailure/);
    assert.match(error.message, REQUEST_ID);
    assert.deepEqual(error.actions, ['Sign In Again', 'Show Extension Log']);
    assert.deepEqual(writesSince(mark), []);
  });

  test('Cancel on the progress notification stops the deploy before anything is sent; the next deploy goes on as usual', async function () {
    this.timeout(60_000);
    const slowMs = 4000;
    await vscode.commands.executeCommand('notifications.clearAll');
    fake.inject('GetFunctionAddress', { kind: 'slow', delayMs: slowMs }, 1);
    script({});
    const before = shown.length;
    const mark = fake.requests.length;
    const started = Date.now();
    const pending = deploy(uri, [uri]);
    await waitFor('the deploy to ask for the deployed code', () => (fake.requests.slice(mark).some((r) => r.action === 'GetFunctionAddress') ? true : undefined));
    // The progress notification is the newest; its primary action is Cancel.
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < slowMs, 'the deploy stopped without waiting for the slow answer');
    await new Promise((r) => setTimeout(r, slowMs));
    assert.deepEqual(writesSince(mark), [], 'nothing was uploaded');
    assert.deepEqual(shown.slice(before), [], 'cancelling is not an error');
    assert.deepEqual(await invoke(), { version: 'v4' });

    script({});
    const reports = await deploy(uri, [uri]);
    assert.deepEqual(reports?.map((r) => r.action), ['updated']);
    assert.deepEqual(await invoke(), { version: 'v5' });
  });

  test('a function folder over 20 MB asks before deploying; declining uploads nothing', async function () {
    this.timeout(90_000);
    const big = join(folder, 'big.bin');
    writeFileSync(big, Buffer.alloc(21 * 1024 * 1024));
    try {
      const input = script({ decline: 1 });
      const mark = fake.requests.length;
      assert.equal(await deploy(uri, [uri]), undefined);
      assert.equal(input.asked.length, 1, input.asked.join(' | '));
      assert.match(input.asked[0]!, /^confirm: tcbdeployprobe: the package is 21\.0 MB, over the 20\.0 MB limit/);
      assert.deepEqual(writesSince(mark), [], 'nothing was uploaded');
      assert.deepEqual(await invoke(), { version: 'v5' });
    } finally {
      rmSync(big, { force: true });
    }
  });

  test('a Cancel after the code was sent says it may still go live, and it does', async function () {
    this.timeout(60_000);
    const slowMs = 3000;
    await vscode.commands.executeCommand('notifications.clearAll');
    write('v6');
    fake.inject('UpdateFunctionCode', { kind: 'slow', delayMs: slowMs }, 1);
    script({});
    const before = shown.length;
    const mark = fake.requests.length;
    const pending = deploy(uri, [uri]);
    await waitFor('the code to be sent', () => (fake.requests.slice(mark).some((r) => r.action === 'UpdateFunctionCode') ? true : undefined));
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    assert.equal(await pending, undefined);
    assert.deepEqual(shown.slice(before), [], 'cancelling is not an error');
    await waitFor('the warning in the log', () =>
      filesUnder(dirname(api.logFolder)).some((f) => f.text.includes(`Deploying ${NAME} to orders`) && f.text.includes('was cancelled after its code was sent')) ? true : undefined,
    );
    // The service got the code before the cancel: it goes live, as the warning says it may.
    const version = async (): Promise<string | undefined> => ((await invoke().catch(() => undefined)) as { version?: string } | undefined)?.version;
    await waitFor('the sent code to run (Invoke waits for Active)', async () => ((await version()) === 'v6' ? true : undefined), slowMs * 4);
  });
});
