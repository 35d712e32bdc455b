/**
 * Where file dialogs open, in a real VS Code on the demo project: with a function's saved event
 * in the active editor, Upload, Download and Import still open in the workspace folder (not the
 * event's `.events/` folder), then where the same kind of dialog was last used; Upload from the
 * palette asks which storage folder the files go to.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import { EXTENSION_ID, ScriptedInput } from './support/scripted';
import { treeWalker } from './support/tree';

suite('File dialogs: where Upload, Download and Import open', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  let scratch: string;
  const { child } = treeWalker(() => api);

  const openEvent = async (): Promise<void> => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(root, 'cloudfunctions', 'todos', '.events', 'list.json')));
    await vscode.window.showTextDocument(document);
  };

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    environment = api.environments.list().find((e) => e.project?.root === root)!;
    assert.ok(environment, 'the demo project is not an environment');
    await api.environments.start(environment.key);
    // Inside the workspace but outside the function root: the tree and the runtime ignore it.
    scratch = join(root, '.e2e-dialogs');
    mkdirSync(join(scratch, 'pictures'), { recursive: true });
    writeFileSync(join(scratch, 'pictures', 'dialog-probe.txt'), 'uploaded from a dialog');
  });
  suiteTeardown(() => rmSync(scratch, { recursive: true, force: true }));
  teardown(async () => {
    api.useUserInput(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Upload Files… from the palette asks the storage folder; its dialog opens in the workspace folder, then where the last upload came from', async () => {
    await openEvent();
    const probe = vscode.Uri.file(join(scratch, 'pictures', 'dialog-probe.txt'));
    const first = new ScriptedInput({ pick: ['avatars/'], files: [probe] });
    api.useUserInput(first);
    await vscode.commands.executeCommand('cloudbase.storage.uploadFiles');
    assert.deepEqual(first.asked, ['pick: Upload into which storage folder?']);
    assert.deepEqual(first.offered[0]!.map((i) => i.label).slice(0, 3), ['/', 'avatars/', 'products/']);
    assert.equal(first.dialogs[0]?.kind, 'files');
    assert.equal(first.dialogs[0]?.defaultUri?.fsPath, root, 'the workspace folder, not the active editor\'s .events folder');
    const backend = await api.environments.backend(environment.key);
    assert.equal(Buffer.from(await backend.storage!.readFile('avatars/dialog-probe.txt')).toString('utf8'), 'uploaded from a dialog');

    const second = new ScriptedInput({ pick: ['/'], files: [probe] });
    api.useUserInput(second);
    await vscode.commands.executeCommand('cloudbase.storage.uploadFiles');
    assert.equal(second.dialogs[0]?.defaultUri?.fsPath, join(scratch, 'pictures'), 'where the last upload came from');
    assert.ok(await backend.storage!.stat('dialog-probe.txt'), 'the root was chosen');
    await backend.storage!.delete(['dialog-probe.txt', 'avatars/dialog-probe.txt']);
  });

  test('Download and Import open in the workspace folder with an event in the editor, each then remembering its own folder', async () => {
    await openEvent();
    const welcome = await child(await child(await child(undefined, environment.info.label), 'Storage'), 'welcome.txt');
    const downloads = join(scratch, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const download = new ScriptedInput({ folder: vscode.Uri.file(downloads) });
    api.useUserInput(download);
    await vscode.commands.executeCommand('cloudbase.storage.download', welcome);
    assert.equal(download.dialogs[0]?.defaultUri?.fsPath, root);
    assert.ok(existsSync(join(downloads, 'welcome.txt')));

    const records = join(scratch, 'records.jsonl');
    writeFileSync(records, `${JSON.stringify({ title: 'imported from a dialog' })}\n`);
    const importing = new ScriptedInput({ file: vscode.Uri.file(records), pick: ['Insert'] });
    api.useUserInput(importing);
    const collection = await child(await child(await child(undefined, environment.info.label), 'Database'), 'products');
    await vscode.commands.executeCommand('cloudbase.importDocuments', collection);
    assert.equal(importing.dialogs[0]?.defaultUri?.fsPath, root, 'not the download folder: each kind of dialog has its own');

    const again = new ScriptedInput({ folder: vscode.Uri.file(downloads) });
    api.useUserInput(again);
    await vscode.commands.executeCommand('cloudbase.storage.download', welcome);
    assert.equal(again.dialogs[0]?.defaultUri?.fsPath, downloads);
    assert.equal(readFileSync(join(downloads, 'welcome.txt'), 'utf8').length > 0, true);
    const backend = await api.environments.backend(environment.key);
    await backend.database.deleteDocuments('products', { title: 'imported from a dialog' }, { multi: true });
  });
});
