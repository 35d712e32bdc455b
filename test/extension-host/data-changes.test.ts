/**
 * Data changes in a real VS Code: a write made in one place (the tree, a document editor, the
 * collection grid, a script) shows everywhere else, and the tree redraws once per write.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DatabaseApi } from '../../src/cloud/backend';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { CollectionNode } from '../../src/extension/explorer/nodes/collectionNode';
import type { DocumentNode } from '../../src/extension/explorer/nodes/documentNode';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';

const COLLECTION = 'change_tests';
/** Longer than the write events' coalescing, so an echo of a write would have been counted. */
const SETTLE_MS = 1200;

interface Traffic {
  panel: string;
  direction: string;
  message: { type?: string; documents?: { _id: string }[] };
}

suite('Data changes: tree, grid and editors follow every write', () => {
  let api: CloudBaseStudioApi;
  let envKey: string;
  let db: DatabaseApi;
  const target = (): { envKey: string; collection: string } => ({ envKey, collection: COLLECTION });

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === folder.uri.fsPath));
    envKey = environment.key;
    await api.environments.start(envKey);
    db = (await api.environments.backend(envKey)).database;
    await db.createCollection(COLLECTION).catch(() => undefined);
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  setup(async () => {
    await db.deleteDocuments(COLLECTION, {}, { multi: true });
    await db.insertDocuments(COLLECTION, [
      { _id: 'c1', title: 'first' },
      { _id: 'c2', title: 'second' },
    ]);
    // The tree knows the collection and its documents, as after a user expanded them.
    await documentNodes();
    // The writes above are heard from the environment a moment later; they must not count below.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  });

  teardown(async () => {
    api.useUserInput(undefined);
    for (let i = 0; i < 10 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await db?.deleteCollection(COLLECTION).catch(() => undefined);
  });

  async function collectionNode(): Promise<CollectionNode> {
    // The roots make the environment nodes.
    await api.explorer.getChildren();
    const database = api.explorer.environmentNode(envKey)?.database;
    assert.ok(database, 'the environment has a Database node');
    await api.explorer.getChildren(database);
    const node = database.collectionNode(COLLECTION);
    assert.ok(node, `the tree lists ${COLLECTION}`);
    return node;
  }

  async function documentNodes(): Promise<DocumentNode[]> {
    // Not instanceof: the extension runs from its bundle, whose classes are not the ones this test loads.
    return (await api.explorer.getChildren(await collectionNode())).filter((n): n is DocumentNode => 'document' in n);
  }

  /** Tree redraws of this environment's Database area (or of everything) while `act` runs and settles. */
  async function treeRedraws(act: () => PromiseLike<unknown>): Promise<(ExplorerNode | undefined)[][]> {
    const prefix = `env/${envKey}/database`;
    const redraws: (ExplorerNode | undefined)[][] = [];
    const subscription = api.explorer.onDidChangeTreeData((e) => {
      const nodes = e === undefined ? [undefined] : Array.isArray(e) ? e : [e];
      if (nodes.some((n) => n === undefined || n.id.startsWith(prefix))) redraws.push(nodes);
    });
    try {
      await act();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    } finally {
      subscription.dispose();
    }
    return redraws;
  }

  /** Opens a document from its tree node, as a click does. */
  async function openEditor(id: string): Promise<vscode.TextEditor> {
    const nodes = await documentNodes();
    const node = nodes.find((n) => n.document._id === id);
    assert.ok(node, `the tree shows ${id}: ${nodes.map((n) => n.document._id).join(', ')}; stored: ${(await db.queryDocuments(COLLECTION, {}, { limit: 10 })).items.map((d) => d._id).join(', ')}`);
    await vscode.commands.executeCommand('cloudbase.openDocument', node);
    return waitFor('the document editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'cloudbase' && e.document.uri.path.endsWith(`${id}.json`)));
  }

  async function openPanel(): Promise<Traffic[]> {
    const traffic: Traffic[] = [];
    const observer = api.logPanels.observe((t) => {
      if (t.panel.startsWith('cloudbase.collection:')) traffic.push(t as never);
    });
    disposables.push(observer);
    await vscode.commands.executeCommand('cloudbase.openCollection', target());
    await waitFor('the first page', () => traffic.find((t) => t.direction === 'toPage' && t.message.type === 'page'));
    return traffic;
  }

  const disposables: { dispose(): void }[] = [];
  teardown(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });

  test('deleting a document in the tree: an open grid of its collection reloads without it', async () => {
    const traffic = await openPanel();
    const pagesBefore = traffic.filter((t) => t.message.type === 'page').length;
    const node = (await documentNodes()).find((n) => n.document._id === 'c1');
    assert.ok(node);
    api.useUserInput(new ScriptedInput({ confirm: 1 }));
    await vscode.commands.executeCommand('cloudbase.deleteDocument', node);
    assert.equal(await db.getDocument(COLLECTION, 'c1'), undefined);
    assert.ok(traffic.some((t) => t.direction === 'toPage' && t.message.type === 'changed'), 'the grid was told its collection changed');
    const page = await waitFor('a new page', () => traffic.filter((t) => t.direction === 'toPage' && t.message.type === 'page')[pagesBefore]);
    assert.deepEqual(page.message.documents?.map((d) => d._id), ['c2']);
    assert.deepEqual((await documentNodes()).map((n) => n.document._id), ['c2'], 'the tree dropped it too');
  });

  test('an editor save redraws the collection in the tree once, with the new label', async () => {
    const editor = await openEditor('c1');
    const collection = await collectionNode();
    const all = new vscode.Range(0, 0, editor.document.lineCount, 0);
    assert.ok(await editor.edit((b) => b.replace(all, JSON.stringify({ _id: 'c1', title: 'saved in the editor' }, null, 2))));
    const redraws = await treeRedraws(() => editor.document.save());
    assert.equal((await db.getDocument(COLLECTION, 'c1'))?.title, 'saved in the editor');
    assert.equal(redraws.length, 1, `one redraw, not ${redraws.length}`);
    assert.ok(redraws[0].includes(collection), 'the collection itself is redrawn');
    const label = api.explorer.getTreeItem((await documentNodes()).find((n) => n.document._id === 'c1')!).description;
    assert.match(String(label), /saved in the editor/);
  });

  test('an edit in the grid redraws the tree once and an open editor of the document rereads it', async () => {
    await openPanel();
    const editor = await openEditor('c2');
    const asRead = await db.getDocument(COLLECTION, 'c2');
    assert.ok(asRead);
    const collection = await collectionNode();
    const redraws = await treeRedraws(async () => {
      assert.ok(api.deliverToCollectionPanel, 'the harness hooks are on');
      await api.deliverToCollectionPanel(target(), { type: 'editField', requestId: 1, asRead, path: 'title', value: 'edited in the grid', force: false });
      await waitFor('the edit written', async () => ((await db.getDocument(COLLECTION, 'c2'))?.title === 'edited in the grid' ? true : undefined));
    });
    assert.equal(redraws.length, 1, `one redraw, not ${redraws.length}`);
    assert.ok(redraws[0].includes(collection), 'the collection itself is redrawn');
    // Sooner than the periodic look at stored documents would have noticed.
    await waitFor('the editor rereading', () => (editor.document.getText().includes('edited in the grid') ? true : undefined), 1500);
    assert.equal(editor.document.isDirty, false);
  });

  test('Insert from the grid redraws the tree once, not once for the command and again for the grid', async () => {
    const traffic = await openPanel();
    const redraws = await treeRedraws(async () => {
      assert.ok(api.deliverToCollectionPanel);
      await api.deliverToCollectionPanel(target(), { type: 'insert', template: { _id: 'c2', title: 'a copy from the grid' } });
      await waitFor('the new document', async () => ((await db.countDocuments(COLLECTION)) === 3 ? true : undefined));
    });
    assert.deepEqual(traffic.filter((t) => t.direction === 'rejected'), []);
    assert.equal(redraws.length, 1, `one redraw, not ${redraws.length}`);
    assert.equal(traffic.filter((t) => t.direction === 'toPage' && t.message.type === 'changed').length, 1, 'the grid reloads once');
  });

  test('a write made outside the extension (a script) reaches the tree and an open grid', async () => {
    const traffic = await openPanel();
    const pagesBefore = traffic.filter((t) => t.message.type === 'page').length;
    await db.insertDocuments(COLLECTION, [{ _id: 'c3', title: 'from a script' }]);
    const page = await waitFor('a new page', () => traffic.filter((t) => t.direction === 'toPage' && t.message.type === 'page')[pagesBefore], 10_000);
    assert.deepEqual(page.message.documents?.map((d) => d._id), ['c1', 'c2', 'c3']);
    assert.equal(api.explorer.getTreeItem(await collectionNode()).description, '3');
  });
});
