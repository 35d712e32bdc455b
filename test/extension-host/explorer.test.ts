/**
 * The explorer in a real VS Code, on the seeded demo project the harness opened: the local
 * environment appears and starts, Database lists `todos` 50 documents at a time with Load more,
 * a document opens read-only as JSON, and a collection is created and deleted through the
 * commands with scripted answers.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';


suite('Explorer: the demo project\'s local environment', () => {
  let api: CloudBaseStudioApi;
  let folder: vscode.WorkspaceFolder;
  let environment: EnvironmentEntry;

  const { item, labelOf, children, child } = treeWalker(() => api);
  const isDocument = (n: ExplorerNode): boolean => item(n).contextValue?.includes('cloudbase.document') === true;
  const environmentNode = (): Promise<ExplorerNode> => child(undefined, environment.info.label);
  const databaseNode = async (): Promise<ExplorerNode> => child(await environmentNode(), 'Database');

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    const open = vscode.workspace.workspaceFolders?.[0];
    assert.ok(open, 'no workspace folder is open');
    folder = open;
    await api.ready;
  });

  teardown(() => api.useUserInput(undefined));

  test('the workspace folder shows as a local environment that starts', async () => {
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === folder.uri.fsPath));
    assert.equal(environment.info.label, folder.name);
    assert.equal(environment.info.kind, 'local');
    const node = await environmentNode();
    assert.equal(item(node).description, 'Local');
    await api.environments.start(environment.key);
    assert.equal(environment.state, 'running');
    assert.deepEqual((await children(node)).map(labelOf), ['Database', 'Storage', 'Functions', 'HTTP Access', 'Users', 'Payments', 'Snapshots']);
  });

  test('Database lists todos with its document count', async () => {
    const todos = await child(await databaseNode(), 'todos');
    const count = Number(item(todos).description);
    assert.ok(count > 100, `todos holds ${item(todos).description} documents; the paging test needs more than 100`);
  });

  test('todos shows 50 documents and Load more, which brings the next 50', async () => {
    const todos = await child(await databaseNode(), 'todos');
    const first = await children(todos);
    assert.equal(first.filter(isDocument).length, 50);
    const more = first[first.length - 1];
    assert.equal(labelOf(more), 'Load more…');
    assert.equal(item(more).command?.command, 'cloudbase.loadMore');

    await vscode.commands.executeCommand('cloudbase.loadMore', more);
    const second = await children(todos);
    const ids = second.filter(isDocument).map(labelOf);
    assert.equal(ids.length, 100);
    assert.equal(new Set(ids).size, 100, 'no document twice');
    assert.deepEqual(ids.slice(0, 50), first.filter(isDocument).map(labelOf), 'the first page stays in place');
    assert.equal(labelOf(second[second.length - 1]), 'Load more…');
  });

  test('a document opens as pretty-printed JSON', async () => {
    const todos = await child(await databaseNode(), 'todos');
    const doc = (await children(todos)).find(isDocument);
    assert.ok(doc);
    await vscode.commands.executeCommand('cloudbase.openDocument', doc);
    const editor = await waitFor('the document editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'cloudbase' ? active : undefined;
    });
    assert.equal(editor.document.languageId, 'json');
    const text = editor.document.getText();
    assert.equal((JSON.parse(text) as { _id: string })._id, labelOf(doc));
    assert.match(text, /^\{\n {2}"/, 'pretty-printed');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Open Document from the palette asks for the collection, then the document, paging with Load more', async () => {
    const script = new ScriptedInput({ pick: ['todos', /Load more/, 'todo-060'] });
    api.useUserInput(script);
    await vscode.commands.executeCommand('cloudbase.openDocument');
    assert.deepEqual(script.asked, ['pick: Choose a collection', 'pick: Choose a document in todos', 'pick: Choose a document in todos']);
    const editor = await waitFor('todo-060 in an editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.path.endsWith('/todo-060.json') ? active : undefined;
    });
    assert.equal((JSON.parse(editor.document.getText()) as { _id: string })._id, 'todo-060');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Create Collection from the palette, then Delete Collection from its node', async () => {
    const name = `e2e_${Date.now().toString(36)}`;
    const script = new ScriptedInput({ input: [name], confirm: 1 });
    api.useUserInput(script);

    // No node: with a single environment the command asks only for the name.
    await vscode.commands.executeCommand('cloudbase.createCollection');
    assert.deepEqual(script.asked, ['input: Create Collection']);
    const created = await child(await databaseNode(), name);
    assert.equal(item(created).description, '0');
    assert.deepEqual((await children(created)).map(labelOf), ['No documents']);

    await vscode.commands.executeCommand('cloudbase.deleteCollection', created);
    assert.equal(script.asked.length, 2);
    assert.match(script.asked[1], new RegExp(`confirm: .*${name}`));
    const names = (await children(await databaseNode())).map(labelOf);
    assert.ok(!names.includes(name), `${name} is still listed: ${names.join(', ')}`);
    const backend = await api.environments.backend(environment.key);
    const page = await backend.database.listCollections({ limit: 500 });
    assert.ok(!page.items.some((c) => c.name === name), 'the backend still has it');
  });

  test('Stop Local Environment stops it; the tree waits for Start, which brings Database back', async () => {
    const env = await environmentNode();
    await vscode.commands.executeCommand('cloudbase.stopLocalEnvironment', env);
    assert.equal(environment.state, 'stopped');
    assert.match(item(env).contextValue ?? '', /\bcloudbase\.startable\b/);
    assert.deepEqual((await children(env)).map(labelOf), ['Stopped. Click to start.', 'Snapshots']);

    await vscode.commands.executeCommand('cloudbase.startLocalEnvironment', env);
    assert.equal(environment.state, 'running');
    assert.match(item(env).contextValue ?? '', /\bcloudbase\.running\b/);
    assert.deepEqual((await children(env)).map(labelOf), ['Database', 'Storage', 'Functions', 'HTTP Access', 'Users', 'Payments', 'Snapshots']);
    assert.ok((await children(await databaseNode())).some((n) => labelOf(n) === 'todos'));
  });
});
