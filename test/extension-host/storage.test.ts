/**
 * Storage in a real VS Code on the seeded demo project: the tree lists the seeded files, pages a
 * large folder with Load more, uploads by command and by drop (with Replace / Skip / Keep both),
 * downloads, deletes a multi-selection, and copies file IDs and temporary URLs that work. A
 * listing failure is the explorer's error node, with Retry and Show Logs.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import { offeredCommands } from './support/menus';
import { recordNotices } from './support/notices';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

suite('Storage: the demo project\'s files', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let storageRoot: string;
  let scratch: string;

  const { item, labelOf, children, child } = treeWalker(() => api);
  const storageNode = async (): Promise<ExplorerNode> => child(await child(undefined, environment.info.label), 'Storage');
  const folderNode = async (name: string): Promise<ExplorerNode> => child(await storageNode(), name);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const found = api.environments.list().find((e) => e.project?.root === folder.uri.fsPath);
    assert.ok(found, 'the demo project is not an environment');
    environment = found;
    await api.environments.start(environment.key);
    storageRoot = join(folder.uri.fsPath, '.cloudbase', 'local', 'storage');
    scratch = mkdtempSync(join(tmpdir(), 'cbs-storage-eh-'));
  });
  suiteTeardown(() => rmSync(scratch, { recursive: true, force: true }));

  /** The storage nodes (or `everything`) the tree redraws while `act` runs, one list per redraw. */
  async function storageRedraws(act: () => PromiseLike<unknown>): Promise<ExplorerNode[][]> {
    const prefix = `env/${environment.key}/storage`;
    const redraws: ExplorerNode[][] = [];
    const everything = { id: 'everything' } as ExplorerNode;
    const subscription = api.explorer.onDidChangeTreeData((e) => {
      const nodes = e === undefined ? [everything] : Array.isArray(e) ? e : [e];
      if (nodes.some((n) => n === everything || n.id.startsWith(prefix))) redraws.push(nodes);
    });
    try {
      await act();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      subscription.dispose();
    }
    return redraws;
  }
  const idsOf = (redraws: ExplorerNode[][]): string[][] => redraws.map((nodes) => nodes.map((n) => n.id));
  teardown(() => api.useUserInput(undefined));

  test('lists the seeded folders first, then files, with size and type in the tooltip', async () => {
    const labels = (await children(await storageNode())).map(labelOf);
    assert.deepEqual(labels.slice(0, 2), ['avatars', 'products']);
    assert.ok(labels.includes('welcome.txt'), labels.join(', '));
    const welcome = await child(await storageNode(), 'welcome.txt');
    const tooltip = String(item(welcome).tooltip);
    assert.match(tooltip, /Size: /);
    assert.match(tooltip, /Type: text\/plain/);
    assert.deepEqual((await children(await folderNode('avatars'))).map(labelOf), ['user-01.svg', 'user-02.svg', 'user-03.svg']);
  });

  test('pages a large folder 50 at a time with Load more', async () => {
    const backend = await api.environments.backend(environment.key);
    assert.ok(backend.storage);
    for (let i = 0; i < 60; i++) await backend.storage.upload(`bulk/f${String(i).padStart(3, '0')}.txt`, { data: Buffer.from(String(i)) }, { overwrite: true });
    await vscode.commands.executeCommand('cloudbase.refresh');
    const bulk = await folderNode('bulk');
    const first = await children(bulk);
    assert.equal(first.length, 51);
    const more = first[50];
    assert.equal(labelOf(more), 'Load more…');
    await vscode.commands.executeCommand(item(more).command?.command as string, more);
    const all = await children(bulk);
    assert.equal(all.length, 60);
    assert.equal(labelOf(all[59]), 'f059.txt');
  });

  test('a listing failure shows the explorer\'s error node with Retry and Show Logs, and Retry recovers', async () => {
    const storage = (await api.environments.backend(environment.key)).storage;
    assert.ok(storage);
    const list = storage.list;
    storage.list = async () => {
      throw new Error('the storage index is unreadable');
    };
    let error: ExplorerNode;
    try {
      await vscode.commands.executeCommand('cloudbase.refresh');
      const nodes = await children(await storageNode());
      assert.equal(nodes.length, 1, nodes.map(labelOf).join(', '));
      error = nodes[0]!;
      assert.match(item(error).contextValue ?? '', /\bcloudbase\.error\b/);
      assert.equal(item(error).command?.command, 'cloudbase.retry', 'a click retries');
      const offered = offeredCommands(item(error).contextValue);
      assert.ok(offered.includes('cloudbase.retry') && offered.includes('cloudbase.showLogs'), offered.join(', '));
      assert.equal((await children(await storageNode()))[0]?.id, error.id, 'the failure stays until Retry');
    } finally {
      storage.list = list;
    }
    await vscode.commands.executeCommand('cloudbase.retry', error);
    const labels = (await children(await storageNode())).map(labelOf);
    assert.ok(labels.includes('welcome.txt') && labels.includes('avatars'), labels.join(', '));
  });

  test('Upload Files… puts files into the folder, and Keep both keeps the old one', async () => {
    const a = join(scratch, 'user-01.svg');
    writeFileSync(a, '<svg>new</svg>');
    const before = readFileSync(join(storageRoot, 'avatars', 'user-01.svg'), 'utf8');
    const input = new ScriptedInput({ pick: ['Keep both'] });
    api.useUserInput(input);
    await vscode.commands.executeCommand('cloudbase.storage.uploadFiles', await folderNode('avatars'), [vscode.Uri.file(a)]);
    assert.deepEqual(input.asked, ['pick: "avatars/user-01.svg" already exists']);
    assert.equal(readFileSync(join(storageRoot, 'avatars', 'user-01.svg'), 'utf8'), before);
    assert.equal(readFileSync(join(storageRoot, 'avatars', 'user-01 (1).svg'), 'utf8'), '<svg>new</svg>');
    const labels = (await children(await folderNode('avatars'))).map(labelOf);
    assert.ok(labels.includes('user-01 (1).svg'), labels.join(', '));
  });

  test('a folder dropped from the Explorer uploads with its layout; Replace and Skip answer conflicts', async () => {
    const dropped = join(scratch, 'drop');
    mkdirSync(join(dropped, 'inner'), { recursive: true });
    writeFileSync(join(dropped, 'one.txt'), 'one v1');
    writeFileSync(join(dropped, 'inner', 'two.txt'), 'two v1');
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(vscode.Uri.file(dropped).toString()));
    const products = await folderNode('products');
    await api.storageDrop.handleDrop(products, transfer, new vscode.CancellationTokenSource().token);
    assert.equal(readFileSync(join(storageRoot, 'products', 'drop', 'one.txt'), 'utf8'), 'one v1');
    assert.equal(readFileSync(join(storageRoot, 'products', 'drop', 'inner', 'two.txt'), 'utf8'), 'two v1');

    writeFileSync(join(dropped, 'inner', 'two.txt'), 'two v2');
    writeFileSync(join(dropped, 'one.txt'), 'one v2');
    const input = new ScriptedInput({ pick: ['Replace', 'Skip'] });
    api.useUserInput(input);
    const again = new vscode.DataTransfer();
    again.set('text/uri-list', new vscode.DataTransferItem(`${vscode.Uri.file(join(dropped, 'inner')).toString()}\r\n${vscode.Uri.file(join(dropped, 'one.txt')).toString()}`));
    await api.storageDrop.handleDrop(await child(await folderNode('products'), 'drop'), again, new vscode.CancellationTokenSource().token);
    assert.equal(input.asked.length, 2, input.asked.join('; '));
    assert.equal(readFileSync(join(storageRoot, 'products', 'drop', 'inner', 'two.txt'), 'utf8'), 'two v2', 'replaced');
    assert.equal(readFileSync(join(storageRoot, 'products', 'drop', 'one.txt'), 'utf8'), 'one v1', 'skipped');
  });

  test('downloads a folder to a chosen place', async () => {
    const target = join(scratch, 'downloads');
    mkdirSync(target);
    api.useUserInput(new ScriptedInput({ folder: vscode.Uri.file(target) }));
    await vscode.commands.executeCommand('cloudbase.storage.download', await folderNode('avatars'));
    assert.equal(readFileSync(join(target, 'avatars', 'user-02.svg'), 'utf8'), readFileSync(join(storageRoot, 'avatars', 'user-02.svg'), 'utf8'));
    assert.ok(existsSync(join(target, 'avatars', 'user-01 (1).svg')));
  });

  test('copies a file ID and a temporary URL that downloads', async () => {
    const welcome = await child(await storageNode(), 'welcome.txt');
    await vscode.commands.executeCommand('cloudbase.storage.copyFileId', welcome);
    assert.equal(await vscode.env.clipboard.readText(), `cloud://${environment.info.envId}.7463-${environment.info.envId}/welcome.txt`);
    await vscode.commands.executeCommand('cloudbase.storage.copyTemporaryUrl', welcome);
    const url = await vscode.env.clipboard.readText();
    const body = await new Promise<string>((resolve, reject) => {
      get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(`${res.statusCode}:${text}`));
      }).on('error', reject);
    });
    assert.equal(body, `200:${readFileSync(join(storageRoot, 'welcome.txt'), 'utf8')}`);
  });

  test('opens a text file in an editor', async () => {
    await vscode.commands.executeCommand('cloudbase.storage.openFile', await child(await storageNode(), 'welcome.txt'));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    assert.equal(editor.document.getText(), readFileSync(join(storageRoot, 'welcome.txt'), 'utf8'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a storage file saved in its editor goes back to storage; a save over another write asks first', async () => {
    const file = join(storageRoot, 'welcome.txt');
    const original = readFileSync(file, 'utf8');
    // VS Code in the browser auto-saves by default; this test saves on purpose.
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('cloudbase.storage.openFile', await child(await storageNode(), 'welcome.txt'));
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor, 'no editor opened');
      assert.equal(editor.document.uri.scheme, 'cloudbase-storage');
      assert.doesNotMatch(editor.document.uri.path, /%|local:/, 'the path reads as the environment and the file');
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'edited in the editor\n')));
      assert.equal(await editor.document.save(), true);
      assert.equal(readFileSync(file, 'utf8'), `edited in the editor\n${original}`, 'the save reached storage');

      // Someone else replaces the file: the next save writes nothing until the user chooses.
      const storage = (await api.environments.backend(environment.key)).storage;
      assert.ok(storage);
      await storage.upload('welcome.txt', { data: Buffer.from('from another writer\n') }, { overwrite: true });
      const input = new ScriptedInput({ pick: ['Reload'] });
      api.useUserInput(input);
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'second edit\n')));
      await editor.document.save();
      assert.match(input.asked.join(' | '), /changed in storage/);
      assert.equal(readFileSync(file, 'utf8'), 'from another writer\n', 'no lost update');
      await waitFor('the reload', () => (editor.document.getText() === 'from another writer\n' && !editor.document.isDirty ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
      await (await api.environments.backend(environment.key)).storage?.upload('welcome.txt', { data: Buffer.from(original) }, { overwrite: true });
    }
  });

  test('deletes a multi-selection after a confirmation that counts the files', async () => {
    const avatars = await folderNode('avatars');
    const [one, two] = await children(avatars);
    const input = new ScriptedInput({ confirm: 1 });
    api.useUserInput(input);
    await vscode.commands.executeCommand('cloudbase.storage.delete', one, [one, two]);
    assert.equal(input.asked.length, 1);
    assert.match(input.asked[0], /2 items.*2 files will be deleted/);
    assert.equal(existsSync(join(storageRoot, 'avatars', labelOf(one))), false);
    assert.equal(existsSync(join(storageRoot, 'avatars', labelOf(two))), false);
    const left = (await children(await folderNode('avatars'))).map(labelOf);
    assert.ok(!left.includes(labelOf(one)) && !left.includes(labelOf(two)), left.join(', '));
  });

  test('deleting one file says so in the singular', async () => {
    const products = await folderNode('products');
    const one = (await children(products)).find((n) => /^prod-0[1-3]\.svg$/.test(labelOf(n)));
    assert.ok(one);
    const input = new ScriptedInput({ confirm: 1 });
    api.useUserInput(input);
    await vscode.commands.executeCommand('cloudbase.storage.delete', one, [one]);
    assert.equal(input.asked.length, 1);
    assert.match(input.asked[0], /1 file will be deleted\./);
    assert.doesNotMatch(input.asked[0], /1 files/);
    assert.equal(existsSync(join(storageRoot, 'products', labelOf(one))), false);
  });

  test('the Delete key without a storage selection asks nothing and deletes nothing', async () => {
    const input = new ScriptedInput({});
    api.useUserInput(input);
    await vscode.commands.executeCommand('cloudbase.storage.delete', { fromSelection: true });
    assert.deepEqual(input.asked, []);
    assert.ok(existsSync(join(storageRoot, 'products', 'prod-04.svg')));
  });

  test('New Folder… creates an empty folder the tree shows', async () => {
    api.useUserInput(new ScriptedInput({ input: ['fresh'] }));
    await vscode.commands.executeCommand('cloudbase.storage.createFolder', await storageNode());
    assert.ok(existsSync(join(storageRoot, 'fresh')));
    const fresh = await folderNode('fresh');
    assert.deepEqual((await children(fresh)).map(labelOf), ['No files']);
  });

  test('an upload by command redraws only its folder, which then lists the new file; the status bar counts in the singular', async () => {
    const products = await folderNode('products');
    await children(products);
    const one = join(scratch, 'upload-one.txt');
    writeFileSync(one, 'one');
    const notices = recordNotices();
    try {
      const redraws = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.storage.uploadFiles', products, [vscode.Uri.file(one)]));
      assert.deepEqual(idsOf(redraws), [[products.id]], 'one redraw, of the folder');
      assert.equal(redraws[0]![0], products, 'the node VS Code already shows');
      assert.equal(await folderNode('products'), products, 'the folder keeps its node');
      assert.ok((await children(products)).map(labelOf).includes('upload-one.txt'));
      assert.deepEqual(notices.statusBar, ['Uploaded 1 file']);
      assert.deepEqual(notices.progress.map((p) => [p.title, p.messages]), [['Uploading to storage', ['1 of 1: products/upload-one.txt']]]);

      const two = [join(scratch, 'upload-two-a.txt'), join(scratch, 'upload-two-b.txt')];
      for (const f of two) writeFileSync(f, 'two');
      await vscode.commands.executeCommand('cloudbase.storage.uploadFiles', products, two.map((f) => vscode.Uri.file(f)));
      assert.deepEqual(notices.statusBar, ['Uploaded 1 file', 'Uploaded 2 files']);
    } finally {
      notices.dispose();
    }
  });

  test('an upload into a folder the tree has not shown redraws the nearest folder it has', async () => {
    const products = await folderNode('products');
    await children(products);
    const file = join(scratch, 'deep.txt');
    writeFileSync(file, 'deep');
    // The environment is asked for only when there are others.
    const others = api.environments.list().length > 1;
    api.useUserInput(new ScriptedInput({ pick: [...(others ? [environment.info.label] : []), /Another folder/], input: ['products/deeper/'] }));
    const redraws = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.storage.uploadFiles', undefined, [vscode.Uri.file(file)]));
    assert.deepEqual(idsOf(redraws), [[products.id]]);
    const deeper = await child(products, 'deeper');
    assert.deepEqual((await children(deeper)).map(labelOf), ['deep.txt']);
  });

  test('New Folder… and Delete redraw only the folder they change', async () => {
    const products = await folderNode('products');
    await children(products);
    api.useUserInput(new ScriptedInput({ input: ['made'] }));
    const created = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.storage.createFolder', products));
    assert.deepEqual(idsOf(created), [[products.id]]);
    const made = await child(products, 'made');
    api.useUserInput(new ScriptedInput({ confirm: 1 }));
    const deleted = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.storage.delete', made, [made]));
    assert.deepEqual(idsOf(deleted), [[products.id]]);
    assert.ok(!(await children(products)).map(labelOf).includes('made'));
  });

  test('a download changes nothing the tree shows, so nothing is redrawn; the status bar counts its files', async () => {
    const products = await folderNode('products');
    const file = (await children(products)).find((n) => labelOf(n) === 'upload-one.txt');
    assert.ok(file);
    const target = join(scratch, 'download-one');
    mkdirSync(target);
    api.useUserInput(new ScriptedInput({ folder: vscode.Uri.file(target) }));
    const notices = recordNotices();
    try {
      const redraws = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.storage.download', file, [file]));
      assert.deepEqual(idsOf(redraws), []);
      assert.equal(readFileSync(join(target, 'upload-one.txt'), 'utf8'), 'one');
      assert.deepEqual(notices.statusBar, ['Downloaded 1 file']);
    } finally {
      notices.dispose();
    }
  });

  test('a storage file saved in its editor redraws its folder once', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    try {
      const products = await folderNode('products');
      const file = (await children(products)).find((n) => labelOf(n) === 'upload-one.txt');
      assert.ok(file);
      await vscode.commands.executeCommand('cloudbase.storage.openFile', file);
      const editor = await waitFor('the storage editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'cloudbase-storage' && e.document.uri.path.endsWith('upload-one.txt')));
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'saved ')));
      const redraws = await storageRedraws(() => editor.document.save());
      assert.equal(readFileSync(join(storageRoot, 'products', 'upload-one.txt'), 'utf8'), 'saved one');
      assert.deepEqual(idsOf(redraws), [[products.id]]);
      const size = (await children(products)).find((n) => labelOf(n) === 'upload-one.txt');
      assert.equal(item(size!).description, '9 bytes', 'the folder shows the new size');
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('the view title\'s Refresh reads everything again: a file written past the tree shows', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    assert.ok(
      manifest.contributes.menus['view/title']!.some((m) => m.command === 'cloudbase.refresh' && m.when === 'view == cloudbase.explorer'),
      'Refresh is on the explorer\'s title bar',
    );
    const products = await folderNode('products');
    await children(products);
    const storage = (await api.environments.backend(environment.key)).storage;
    assert.ok(storage);
    await storage.upload('products/past-the-tree.txt', { data: Buffer.from('x') }, { overwrite: true });
    assert.ok(!(await children(products)).map(labelOf).includes('past-the-tree.txt'), 'the tree still shows what it read');
    // The title bar's button passes no node.
    const redraws = await storageRedraws(() => vscode.commands.executeCommand('cloudbase.refresh'));
    assert.deepEqual(idsOf(redraws), [['everything']]);
    assert.ok((await children(await folderNode('products'))).map(labelOf).includes('past-the-tree.txt'));
  });
});
