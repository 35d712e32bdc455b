/**
 * Copy to Environment in a real VS Code: documents of the demo project's local environment copied
 * to a Tencent environment of the fake cloud (through the real manager-node) with a filter,
 * indexes and the security rule, then anonymised by the project's rules file; a storage folder
 * copied the same way; documents the cloud refuses are reported one by one and written when copied again.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { CopyReport, StorageCopyReport } from '../../src/cloud/transfer';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { signInWithKeys, startFakeCloud, type FakeCloudSession } from './support/tencentFake';
import { treeWalker } from './support/tree';

const SECRET_ID = 'AKIDcopyTestId0123456789abcdqrst';
const SECRET_KEY = 'copySecretKey-7a6b5c4d3e2f1098';
const ENV_ID = 'copy-env-7h8i9j';
const SOURCE = 'copy_source';

suite('Copy to Environment: local → Tencent (fake cloud, real manager-node)', () => {
  let api: CloudBaseStudioApi;
  let session: FakeCloudSession | undefined;
  let local: EnvironmentEntry;
  let cloud: EnvironmentEntry;
  let root: string;
  const { children, child, labelOf } = treeWalker(() => api);
  const shown: string[] = [];
  let observer: { dispose(): void } | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    observer = api.observeErrors((e) => shown.push(JSON.stringify(e)));
    local = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    session = await startFakeCloud(api, { secretId: SECRET_ID, secretKey: SECRET_KEY, environments: [{ envId: ENV_ID, alias: 'copyshop', region: 'ap-shanghai' }] });
    assert.ok(await signInWithKeys(api, SECRET_ID, SECRET_KEY), 'signed in');
    // An account's environments are listed when its node is expanded.
    const account = await waitFor('the account node', async () => (await children(undefined)).find((n) => labelOf(n).startsWith('AKID')));
    await children(account);
    cloud = await waitFor('the Tencent environment', () => api.environments.list().find((e) => e.info.envId === ENV_ID));
    const db = (await api.environments.backend(local.key)).database;
    await db.createCollection(SOURCE).catch(() => undefined);
    await db.deleteDocuments(SOURCE, {}, { multi: true });
    await db.insertDocuments(SOURCE, Array.from({ length: 40 }, (_, i) => ({ _id: `c${String(i).padStart(3, '0')}`, n: i, name: `客户 ${i}`, phone: `1390000${String(i).padStart(4, '0')}` })));
    await db.createIndex(SOURCE, { name: 'by_n', keys: [{ field: 'n', direction: 1 }], unique: false });
    // Made through the backend, the collection reaches a tree that already listed Database by the
    // environment's write events, a moment later.
    await waitFor('the source collection in the tree', async () =>
      (await children(await child(await child(undefined, local.info.label), 'Database'))).find((n) => labelOf(n) === SOURCE),
    );
  });

  teardown(() => {
    api.useUserInput(undefined);
    session?.fake.clearFaults();
    rmSync(join(root, '.cloudbase', 'anonymise.json'), { force: true });
  });

  suiteTeardown(async () => {
    observer?.dispose();
    const account = (await children(undefined)).find((n) => labelOf(n).startsWith('AKID'));
    if (account) await vscode.commands.executeCommand('cloudbase.signOut', account);
    await session?.close();
  });

  /** Runs a copy command; a failure shown to the user fails the test with its message. */
  const run = async <T>(command: string, node: unknown): Promise<T> => {
    shown.length = 0;
    const result = await vscode.commands.executeCommand<T>(command, node);
    assert.ok(result !== undefined, `${command} returned nothing: ${shown.join(' ')}`);
    return result;
  };
  const collectionNode = async () => child(await child(await child(undefined, local.info.label), 'Database'), SOURCE);
  /** The nodes of the target environment (or `everything`) the tree redraws while `act` runs. */
  const targetRedraws = async (act: () => PromiseLike<unknown>): Promise<string[][]> => {
    const redraws: string[][] = [];
    const subscription = api.explorer.onDidChangeTreeData((e) => {
      const nodes = e === undefined ? [undefined] : Array.isArray(e) ? e : [e];
      if (nodes.some((n) => n === undefined || n.id.startsWith(`env/${cloud.key}`))) redraws.push(nodes.map((n) => n?.id ?? 'everything'));
    });
    try {
      await act();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      subscription.dispose();
    }
    return redraws;
  };
  const cloudArea = async (label: string) => {
    const account = (await children(undefined)).find((n) => labelOf(n).startsWith('AKID'));
    assert.ok(account);
    const environment = (await children(account)).find((n) => n.id === `env/${cloud.key}`);
    assert.ok(environment, 'the account shows the environment');
    return child(environment, label);
  };

  test('from the collection\'s menu: the filtered documents, their index and rule arrive, and the tree shows them', async () => {
    const input = new ScriptedInput({ pick: ['Insert', 'Documents, indexes and security rule'], input: ['copied', '{"n": {"$lt": 25}}', ''] });
    api.useUserInput(input);
    const reports = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    assert.equal(reports?.length, 1, `${input.asked.join(' | ')} ${shown.join(' ')}`);
    assert.deepEqual([reports[0].complete, reports[0].written, reports[0].skipped, reports[0].failures.length], [true, 25, 0, 0]);
    const target = (await api.environments.backend(cloud.key)).database;
    assert.equal(await target.countDocuments('copied'), 25);
    assert.ok((await target.listIndexes('copied')).some((i) => i.name === 'by_n'));
    assert.equal((await target.getDocument('copied', 'c003'))?.name, '客户 3');
    assert.ok(!input.asked.some((q) => q.startsWith('pick: Choose an environment')), 'the one other environment is taken without asking');

    // Again in insert mode: nothing is written twice.
    api.useUserInput(new ScriptedInput({ pick: ['Insert', 'Documents only'], input: ['copied', '', '30'] }));
    const again = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    assert.deepEqual([again[0].written, again[0].skipped], [5, 25]);
    assert.equal(await target.countDocuments('copied'), 30);
  });

  test('from the palette: every collection of the environment in one run, each reported', async () => {
    const names = (await (await api.environments.backend(local.key)).database.listCollections({ limit: 1000 })).items.map((c) => c.name);
    api.useUserInput(new ScriptedInput({ pick: [local.info.label, 'All collections', 'Insert', 'Documents only'], input: ['', ''] }));
    const reports = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', undefined);
    assert.deepEqual(reports.map((r) => r.collection).sort(), [...names].sort());
    assert.ok(reports.every((r) => r.complete && r.failures.length === 0));
    const target = (await api.environments.backend(cloud.key)).database;
    for (const r of reports) assert.equal(await target.countDocuments(r.targetCollection), r.written + r.skipped, r.collection);
  });

  test('the project\'s anonymisation rules apply on the way', async () => {
    mkdirSync(join(root, '.cloudbase'), { recursive: true });
    writeFileSync(join(root, '.cloudbase', 'anonymise.json'), JSON.stringify({ collections: { [SOURCE]: { name: 'name', phone: 'phone' } } }));
    api.useUserInput(new ScriptedInput({ pick: ['Replace', 'Documents only'], input: ['masked', '', '10'] }));
    const reports = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    assert.equal(reports[0].written, 10);
    const copy = await (await api.environments.backend(cloud.key)).database.getDocument('masked', 'c001');
    assert.ok(copy);
    assert.notEqual(copy.name, '客户 1');
    assert.notEqual(copy.phone, '13900000001');
    assert.equal(copy.n, 1, 'fields without a rule stay');
  });

  test('documents the cloud refuses are reported one by one, and running the copy again writes exactly those', async () => {
    session!.fake.inject('PutItem', { kind: 'error', code: 'InvalidParameter', message: 'MgoDocs refused' });
    api.useUserInput(new ScriptedInput({ pick: ['Insert', 'Documents only'], input: ['refused', '', ''] }));
    const [refused] = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    assert.deepEqual([refused.complete, refused.written, refused.failures.length], [true, 0, 40]);
    assert.match(refused.failures[0].message, /InvalidParameter/);
    session!.fake.clearFaults();
    api.useUserInput(new ScriptedInput({ pick: ['Insert', 'Documents only'], input: ['refused', '', ''] }));
    const [done] = await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    assert.deepEqual([done.written, done.skipped, done.failures.length], [40, 0, 0]);
    assert.equal(await (await api.environments.backend(cloud.key)).database.countDocuments('refused'), 40);
  });

  test('a storage folder copies file by file and skips what the target has', async () => {
    const storage = (await api.environments.backend(local.key)).storage!;
    await storage.upload('copydir/a.txt', { data: Buffer.from('alpha') }, { overwrite: true });
    await storage.upload('copydir/sub/b.txt', { data: Buffer.from('beta') }, { overwrite: true });
    // Written past the tree, so the tree is told to read the environment again.
    await vscode.commands.executeCommand('cloudbase.refresh', await child(undefined, local.info.label));
    const storageArea = await child(await child(undefined, local.info.label), 'Storage');
    const folder = await waitFor('the copydir folder', async () => (await children(storageArea)).find((n) => labelOf(n) === 'copydir'));
    api.useUserInput(new ScriptedInput({ pick: ['Skip files the target has'] }));
    const report = await run<StorageCopyReport>('cloudbase.storage.copyToEnvironment', folder);
    assert.deepEqual([report.complete, report.copied, report.skipped], [true, 2, 0]);
    const target = (await api.environments.backend(cloud.key)).storage!;
    assert.equal(Buffer.from(await target.readFile('copydir/sub/b.txt')).toString(), 'beta');
    api.useUserInput(new ScriptedInput({ pick: ['Skip files the target has'] }));
    const again = await run<StorageCopyReport>('cloudbase.storage.copyToEnvironment', folder);
    assert.deepEqual([again.copied, again.skipped], [0, 2]);
  });

  test('a function\'s saved test events copy to the same function in the other environment', async () => {
    const functions = await child(await child(undefined, local.info.label), 'Functions');
    const products = await child(functions, 'products');
    api.useUserInput(new ScriptedInput({ pick: ['Skip events the target has'] }));
    const report = await run<{ copied: string[]; skipped: string[] }>('cloudbase.copyEventsToEnvironment', products);
    assert.deepEqual(report, { copied: ['reserve', 'tea'], skipped: [] });
    assert.ok(cloud.functionRoot);
    assert.deepEqual(JSON.parse(readFileSync(join(cloud.functionRoot, 'products', '.events', 'tea.json'), 'utf8')), JSON.parse(readFileSync(join(root, 'cloudfunctions', 'products', '.events', 'tea.json'), 'utf8')));
    api.useUserInput(new ScriptedInput({ pick: ['Skip events the target has'] }));
    assert.deepEqual(await run('cloudbase.copyEventsToEnvironment', products), { copied: [], skipped: ['reserve', 'tea'] });
  });

  test('a target holding one document is counted in the singular before Replace', async () => {
    api.useUserInput(new ScriptedInput({ pick: ['Insert', 'Documents only'], input: ['single', '', '1'] }));
    await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    const input = new ScriptedInput({ pick: ['Replace', 'Documents only'], input: ['single', '', '1'], confirm: 1 });
    api.useUserInput(input);
    await run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', await collectionNode());
    const confirm = input.asked.find((q) => q.startsWith('confirm:'));
    assert.match(confirm ?? '', /Replace the 1 document of "single" in /, input.asked.join(' | '));
  });

  test('a copy redraws the target once: its Database list and the collection, or the storage folder it wrote into', async () => {
    const database = await cloudArea('Database');
    await children(database);
    api.useUserInput(new ScriptedInput({ pick: ['Insert', 'Documents only'], input: ['redrawn', '', '5'] }));
    const source = await collectionNode();
    const copied = await targetRedraws(() => run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', source));
    assert.equal(copied.length, 1, JSON.stringify(copied));
    assert.equal(copied[0]![0], database.id, 'the Database list, which shows the new collection');
    const collection = await child(database, 'redrawn');

    api.useUserInput(new ScriptedInput({ pick: ['Upsert', 'Documents only'], input: ['redrawn', '', '5'] }));
    const again = await targetRedraws(() => run<CopyReport[]>('cloudbase.copyCollectionToEnvironment', source));
    assert.deepEqual(again, [[database.id, collection.id]]);

    const storage = await cloudArea('Storage');
    await children(storage);
    const files = (await api.environments.backend(local.key)).storage!;
    await files.upload('redrawdir/c.txt', { data: Buffer.from('gamma') }, { overwrite: true });
    await vscode.commands.executeCommand('cloudbase.refresh', await child(undefined, local.info.label));
    const folder = await waitFor('the redrawdir folder', async () => (await children(await child(await child(undefined, local.info.label), 'Storage'))).find((n) => labelOf(n) === 'redrawdir'));
    api.useUserInput(new ScriptedInput({ pick: ['Skip files the target has'] }));
    const copiedFiles = await targetRedraws(() => run<StorageCopyReport>('cloudbase.storage.copyToEnvironment', folder));
    assert.deepEqual(copiedFiles, [[storage.id]], 'the nearest folder the tree shows: the Storage area');
    assert.ok((await children(storage)).map(labelOf).includes('redrawdir'));
  });
});
