/**
 * Compare Collection with… in a real VS Code: a collection of the demo project's local environment
 * against a Tencent environment of the fake cloud (through the real manager-node), and against
 * another collection of the same environment. The report document is read as users see it, and
 * its links open the diff editor on the two stored versions.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { CompareOutcome } from '../../src/extension/transfer/compareCommands';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { signInWithKeys, startFakeCloud, type FakeCloudSession } from './support/tencentFake';
import { treeWalker } from './support/tree';

const SECRET_ID = 'AKIDcompareTestId0123456789abcdqr';
const SECRET_KEY = 'compareSecretKey-1a2b3c4d5e6f7788';
const ENV_ID = 'compare-env-4k5l6m';
const SOURCE = 'compare_source';

const documents = (n: number) => Array.from({ length: n }, (_, i) => ({ _id: `c${String(i).padStart(3, '0')}`, n: i, name: `客户 ${i}` }));

suite('Compare Collection with…: local ↔ Tencent (fake cloud) and two local collections', () => {
  let api: CloudBaseStudioApi;
  let session: FakeCloudSession | undefined;
  let local: EnvironmentEntry;
  let cloud: EnvironmentEntry;
  const { children, child, labelOf } = treeWalker(() => api);
  const shown: string[] = [];
  let observer: { dispose(): void } | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    observer = api.observeErrors((e) => shown.push(JSON.stringify(e)));
    local = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    session = await startFakeCloud(api, { secretId: SECRET_ID, secretKey: SECRET_KEY, environments: [{ envId: ENV_ID, alias: 'comparehall', region: 'ap-guangzhou' }] });
    assert.ok(await signInWithKeys(api, SECRET_ID, SECRET_KEY), 'signed in');
    const account = await waitFor('the account node', async () => (await children(undefined)).find((n) => labelOf(n).startsWith('AKID')));
    await children(account);
    cloud = await waitFor('the Tencent environment', () => api.environments.list().find((e) => e.info.envId === ENV_ID));

    const db = (await api.environments.backend(local.key)).database;
    for (const name of [SOURCE, `${SOURCE}_same`]) {
      await db.createCollection(name).catch(() => undefined);
      await db.deleteDocuments(name, {}, { multi: true });
      await db.insertDocuments(name, documents(30));
    }
    // The cloud's copy: c028 and c029 missing, c005 renamed, one document of its own.
    const target = (await api.environments.backend(cloud.key)).database;
    await target.createCollection('compared').catch(() => undefined);
    await target.insertDocuments('compared', [...documents(28).map((d) => (d._id === 'c005' ? { ...d, name: '改名' } : d)), { _id: 'zz-cloud', n: -1 }]);
  });

  teardown(() => api.useUserInput(undefined));

  suiteTeardown(async () => {
    observer?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const account = (await children(undefined)).find((n) => labelOf(n).startsWith('AKID'));
    if (account) await vscode.commands.executeCommand('cloudbase.signOut', account);
    await session?.close();
  });

  const run = async (node: unknown, input: ScriptedInput): Promise<CompareOutcome> => {
    shown.length = 0;
    api.useUserInput(input);
    const outcome = await vscode.commands.executeCommand<CompareOutcome | undefined>('cloudbase.compareCollection', node);
    assert.ok(outcome, `the compare returned nothing: ${input.asked.join(' | ')} ${shown.join(' ')}`);
    return outcome;
  };
  const reportText = (outcome: CompareOutcome): string => {
    assert.ok(outcome.uri, 'a report was opened');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === outcome.uri);
    assert.ok(document, 'the report is open');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), outcome.uri, 'the report is the active editor');
    return document.getText();
  };

  test('from the collection\'s menu against the cloud: counts, one-sided and differing documents, and each link opens its document', async () => {
    const node = await child(await child(await child(undefined, local.info.label), 'Database'), SOURCE);
    const input = new ScriptedInput({ pick: [cloud.info.label], input: ['compared'] });
    const { report, uri } = await run(node, input);
    assert.deepEqual(
      [report.complete, report.leftCount, report.rightCount, report.same, report.different, report.onlyLeft, report.onlyRight],
      [true, 30, 29, 27, 1, 2, 1],
    );
    assert.deepEqual(input.asked, ['pick: Choose an environment', `input: Compare "${SOURCE}" with a collection in ${cloud.info.label}`]);

    const text = reportText({ report, uri });
    const leftName = `${local.info.label} · ${SOURCE}`;
    const rightName = `${cloud.info.label} · compared`;
    assert.ok(text.startsWith(`# Compare ${leftName} with ${rightName}\n`), text);
    assert.ok(text.includes('| Documents | 30 | 29 |'), text);
    assert.ok(text.includes('| Only on this side | 2 | 1 |'), text);
    assert.ok(text.includes('## Different (1)\n\n- c005 — name\n'), text);
    assert.ok(text.includes(`## Only in ${leftName} (2)\n\n- c028\n- c029\n`), text);
    assert.ok(text.includes(`## Only in ${rightName} (1)\n\n- zz-cloud\n`), text);

    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', vscode.Uri.parse(uri!));
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    const linkOf = (id: string) => {
      const link = links.find((l) => document.getText(l.range) === id);
      assert.ok(link?.target, `no link on ${id}: ${links.map((l) => document.getText(l.range)).join(', ')}`);
      assert.equal(link.target.scheme, 'command');
      return link.target;
    };
    assert.deepEqual(links.map((l) => document.getText(l.range)).sort(), ['c005', 'c028', 'c029', 'zz-cloud']);

    // Following a link runs its command URI, as a Ctrl+click does.
    const follow = async (target: vscode.Uri) => vscode.commands.executeCommand(target.path, ...JSON.parse(decodeURIComponent(target.query)));
    await follow(linkOf('c005'));
    const diff = await waitFor('the diff editor on c005', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input.original.path.endsWith('/c005.json') ? input : undefined;
    });
    assert.equal(diff.original.scheme, 'cloudbase-readonly');
    assert.equal(diff.modified.scheme, 'cloudbase-readonly');
    const [before, after] = await Promise.all([vscode.workspace.openTextDocument(diff.original), vscode.workspace.openTextDocument(diff.modified)]);
    assert.equal(JSON.parse(before.getText()).name, '客户 5');
    assert.equal(JSON.parse(after.getText()).name, '改名');

    await follow(linkOf('zz-cloud'));
    const single = await waitFor('the cloud-only document', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputText && input.uri.path.endsWith('/zz-cloud.json') ? input : undefined;
    });
    assert.equal(JSON.parse((await vscode.workspace.openTextDocument(single.uri)).getText()).n, -1);
    assert.deepEqual(shown, []);
  });

  test('from the palette, two collections of one environment: the report says they are the same', async () => {
    const input = new ScriptedInput({ pick: [local.info.label, SOURCE, local.info.label], input: [`${SOURCE}_same`] });
    const outcome = await run(undefined, input);
    assert.deepEqual([outcome.report.same, outcome.report.different, outcome.report.onlyLeft, outcome.report.onlyRight], [30, 0, 0, 0]);
    const text = reportText(outcome);
    assert.ok(text.includes('The collections hold the same 30 documents.'), text);
    assert.ok(!text.includes('## '), 'no lists when nothing differs');
  });

  test('a collection that is not there is compared as empty, and says so', async () => {
    const node = await child(await child(await child(undefined, local.info.label), 'Database'), SOURCE);
    const outcome = await run(node, new ScriptedInput({ pick: [cloud.info.label], input: ['nowhere'] }));
    assert.deepEqual([outcome.report.rightMissing, outcome.report.onlyLeft, outcome.report.rightCount], [true, 30, 0]);
    assert.ok(reportText(outcome).includes(`${cloud.info.label} · nowhere does not exist: compared as empty.`));
  });
});
