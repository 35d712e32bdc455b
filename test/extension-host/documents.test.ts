/**
 * Documents in a real VS Code: a document opens as an editable JSON file on `cloudbase:`, a save
 * writes it, a save over someone else's change is refused and keeps the edit until the user
 * chooses Overwrite or Reload, and the collection commands (insert, delete by query, import,
 * export, indexes, permission) work with scripted answers.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DatabaseApi } from '../../src/cloud/backend';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';

const COLLECTION = 'edit_tests';

suite('Documents: editing, conflicts and collection commands', () => {
  let api: CloudBaseStudioApi;
  let envKey: string;
  let db: DatabaseApi;
  let scratch: string;
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
    await db.createCollection(COLLECTION);
    scratch = mkdtempSync(join(tmpdir(), 'cbs-docs-'));
    // VS Code in the browser auto-saves by default: the tests that are not about auto-save save on purpose only.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  teardown(async () => {
    api.useUserInput(undefined);
    // Revert first: closing a dirty editor would ask whether to save.
    for (let i = 0; i < 10 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await db?.deleteCollection(COLLECTION).catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function insertAndOpen(): Promise<{ id: string; editor: vscode.TextEditor }> {
    const id = await vscode.commands.executeCommand<string>('cloudbase.insertDocument', target(), { title: 'milk', done: false });
    assert.ok(id, 'Insert Document returns the new id');
    const editor = await waitFor('the document editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'cloudbase' && active.document.uri.path.endsWith(`${id}.json`) ? active : undefined;
    });
    assert.match(editor.document.getText(), /"title": "milk"/);
    return { id, editor };
  }

  async function replaceText(editor: vscode.TextEditor, text: string): Promise<void> {
    const all = new vscode.Range(0, 0, editor.document.lineCount, 0);
    assert.ok(await editor.edit((b) => b.replace(all, text)));
  }

  test('Insert Document opens the new document as editable JSON; a save writes it', async () => {
    const { id, editor } = await insertAndOpen();
    assert.equal(editor.document.languageId, 'json');
    // Breadcrumbs and tab titles read the path: the environment's label, not its encoded key.
    const label = api.environments.get(envKey)?.info.label;
    assert.equal(editor.document.uri.path, `/${label}/${COLLECTION}/${id}.json`);
    assert.doesNotMatch(editor.document.uri.toString(), /%3A|local/);
    const edited = { ...(JSON.parse(editor.document.getText()) as object), title: 'oat milk', count: 2 };
    await replaceText(editor, JSON.stringify(edited, null, 2));
    assert.equal(await editor.document.save(), true);
    assert.equal(editor.document.isDirty, false);
    const stored = await db.getDocument(COLLECTION, id);
    assert.equal(stored?.title, 'oat milk');
    assert.equal(stored?.count, 2);
  });

  test('invalid JSON is not saved and the edit stays', async () => {
    const { id, editor } = await insertAndOpen();
    await replaceText(editor, '{ "title": ');
    assert.equal(await editor.document.save(), false);
    assert.equal(editor.document.isDirty, true);
    assert.equal(editor.document.getText(), '{ "title": ');
    assert.equal((await db.getDocument(COLLECTION, id))?.title, 'milk');
  });

  test('two writers: the editor\'s save after another write waits for a choice, writes nothing meanwhile, and Overwrite then writes it', async () => {
    const { id, editor } = await insertAndOpen();
    const input = new ScriptedInput({ pick: ['Overwrite'] });
    let release!: () => void;
    const chosen = new Promise<void>((r) => (release = r));
    let asked = false;
    const picker = input.pick.bind(input);
    input.pick = async (items, options) => {
      asked = true;
      await chosen;
      return picker(items, options);
    };
    api.useUserInput(input);
    await replaceText(editor, JSON.stringify({ _id: id, title: 'from the editor', done: false }, null, 2));
    await db.updateDocuments(COLLECTION, { _id: id }, { $set: { title: 'from another writer' } }, { multi: false });

    const saving = editor.document.save();
    await waitFor('the conflict picker', () => (asked ? true : undefined));
    assert.equal(editor.document.isDirty, true);
    assert.match(editor.document.getText(), /from the editor/);
    assert.equal((await db.getDocument(COLLECTION, id))?.title, 'from another writer', 'no lost update');

    release();
    assert.equal(await saving, true, 'Overwrite completes the same save, with no failed save beside the picker');
    assert.equal((await db.getDocument(COLLECTION, id))?.title, 'from the editor');
    assert.equal(editor.document.isDirty, false);
  });

  test('after Overwrite the compare\'s stored side shows the new stored document', async () => {
    const { id, editor } = await insertAndOpen();
    api.useUserInput(new ScriptedInput({ pick: ['Compare', 'Overwrite'] }));
    await replaceText(editor, JSON.stringify({ _id: id, title: 'mine' }, null, 2));
    await db.updateDocuments(COLLECTION, { _id: id }, { $set: { title: 'theirs' } }, { multi: false });
    assert.equal(await editor.document.save(), false, 'Compare leaves the edit unsaved');
    const stored = await waitFor('the stored side', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'cloudbase-readonly' && d.uri.path.endsWith(`${id}.json`)));
    assert.match(stored.getText(), /"title": "theirs"/);
    // The next save is checked against what the compare showed: another write there asks again.
    await db.updateDocuments(COLLECTION, { _id: id }, { $set: { title: 'theirs again' } }, { multi: false });
    assert.equal(await editor.document.save(), true);
    assert.equal((await db.getDocument(COLLECTION, id))?.title, 'mine');
    await waitFor('the refreshed stored side', () => (stored.getText().includes('"title": "mine"') ? true : undefined));
  });

  test('auto-save writes valid JSON only: an incomplete edit is marked, not written, and the tab does not stay dirty', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSaveDelay', 300, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      const { id, editor } = await insertAndOpen();
      await replaceText(editor, `{ "_id": "${id}", "title": "half`);
      const note = await waitFor('the unsaved mark', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'CloudBase'));
      assert.match(note.message, /Not saved to the database/);
      assert.equal(note.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal((await db.getDocument(COLLECTION, id))?.title, 'milk', 'nothing incomplete reaches the database');
      await waitFor('a clean tab', () => (editor.document.isDirty ? undefined : true));
      assert.match(editor.document.getText(), /"title": "half$/, 'the edit stays in the editor');

      await replaceText(editor, JSON.stringify({ _id: id, title: 'whole', done: true }, null, 2));
      await waitFor('the auto-save of valid JSON', async () => ((await db.getDocument(COLLECTION, id))?.title === 'whole' ? true : undefined));
      await waitFor('the mark cleared', () => (vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.source === 'CloudBase') ? undefined : true));
    } finally {
      await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('after an explicit save of incomplete JSON failed, auto-save resumes once the JSON is valid', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSaveDelay', 300, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      const { id, editor } = await insertAndOpen();
      await replaceText(editor, `{ "_id": "${id}", "title": `);
      // Auto-save keeps the incomplete edit unwritten; then the user saves on purpose, which fails.
      await waitFor('the unsaved mark', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'CloudBase'));
      await waitFor('the auto-save', () => (editor.document.isDirty ? undefined : true));
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await waitFor('the failed save', () => (editor.document.isDirty ? true : undefined));
      await replaceText(editor, JSON.stringify({ _id: id, title: 'resumed' }, null, 2));
      await waitFor('the resumed auto-save', async () => ((await db.getDocument(COLLECTION, id))?.title === 'resumed' ? true : undefined), 15_000);
      await waitFor('a clean tab', () => (editor.document.isDirty ? undefined : true));
    } finally {
      await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('with cloudbase.documents.autoSave "explicitOnly", auto-save writes nothing and File: Save writes', async () => {
    const files = vscode.workspace.getConfiguration('files');
    const cloudbase = vscode.workspace.getConfiguration('cloudbase');
    await cloudbase.update('documents.autoSave', 'explicitOnly', vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', 300, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    try {
      const { id, editor } = await insertAndOpen();
      await replaceText(editor, JSON.stringify({ _id: id, title: 'only on purpose' }, null, 2));
      await waitFor('the unsaved mark', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'CloudBase'));
      await new Promise((r) => setTimeout(r, 800));
      assert.equal((await db.getDocument(COLLECTION, id))?.title, 'milk');
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await waitFor('the explicit save', async () => ((await db.getDocument(COLLECTION, id))?.title === 'only on purpose' ? true : undefined));
    } finally {
      await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
      await cloudbase.update('documents.autoSave', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('an open editor shows that the stored document changed: a clean one rereads, an edited one is marked', async () => {
    const { id, editor } = await insertAndOpen();
    await db.updateDocuments(COLLECTION, { _id: id }, { $set: { title: 'changed elsewhere' } }, { multi: false });
    await waitFor('the clean editor rereading', () => (editor.document.getText().includes('changed elsewhere') ? true : undefined), 15_000);
    assert.equal(editor.document.isDirty, false);

    await replaceText(editor, JSON.stringify({ _id: id, title: 'my edit' }, null, 2));
    await db.updateDocuments(COLLECTION, { _id: id }, { $set: { title: 'changed again' } }, { multi: false });
    const note = await waitFor('the changed mark', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'CloudBase'), 15_000);
    assert.match(note.message, /changed in the database/);
    assert.match(editor.document.getText(), /my edit/, 'the edit is kept');
  });

  test('Reload after a conflict drops the edit and shows the stored document', async () => {
    const { id, editor } = await insertAndOpen();
    api.useUserInput(new ScriptedInput({ pick: ['Reload'] }));
    await replaceText(editor, JSON.stringify({ _id: id, title: 'mine' }, null, 2));
    await db.deleteDocuments(COLLECTION, { _id: id }, { multi: false });
    await db.insertDocuments(COLLECTION, [{ _id: id, title: 'theirs' }]);
    // The save ends without an error (the choice was made); nothing is written and the editor rereads.
    await editor.document.save();
    await waitFor('the reload', () => (editor.document.getText().includes('theirs') && !editor.document.isDirty ? true : undefined));
    assert.equal((await db.getDocument(COLLECTION, id))?.title, 'theirs');
  });

  test('import reports exactly what it wrote and which lines failed; export writes the collection', async () => {
    await db.deleteDocuments(COLLECTION, {}, { multi: true });
    const file = join(scratch, 'in.jsonl');
    writeFileSync(file, '{"_id": "i1", "n": 1}\nnot json\n{"_id": "i2", "n": 2}\n');
    api.useUserInput(new ScriptedInput({ file: vscode.Uri.file(file), pick: ['Insert'] }));
    const report = await vscode.commands.executeCommand<{ written: number; failures: { line: number }[] }>('cloudbase.importDocuments', target());
    assert.equal(report?.written, 2);
    assert.deepEqual(report?.failures.map((f) => f.line), [2]);
    assert.equal(await db.countDocuments(COLLECTION), 2);

    const out = join(scratch, 'out.json');
    api.useUserInput(new ScriptedInput({ saveFile: vscode.Uri.file(out) }));
    assert.equal(await vscode.commands.executeCommand('cloudbase.exportDocuments', target()), 2);
    assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as { _id: string }[]).map((d) => d._id), ['i1', 'i2']);
  });

  test('Delete by query shows the count in the confirmation and deletes exactly those', async () => {
    await db.deleteDocuments(COLLECTION, {}, { multi: true });
    await db.insertDocuments(COLLECTION, [{ done: true }, { done: true }, { done: false }]);
    const input = new ScriptedInput({ input: ['{"done": true}'], confirm: 1 });
    api.useUserInput(input);
    assert.equal(await vscode.commands.executeCommand('cloudbase.deleteDocumentsByQuery', target()), 2);
    assert.ok(input.asked.some((q) => q.includes('Delete 2 documents')), input.asked.join(' | '));
    assert.equal(await db.countDocuments(COLLECTION), 1);
  });

  test('Open Collection shows the grid: the page loads under the webview policy, asks for a page and gets it', async () => {
    await db.deleteDocuments(COLLECTION, {}, { multi: true });
    await db.insertDocuments(COLLECTION, Array.from({ length: 30 }, (_, i) => ({ _id: `g${String(i).padStart(2, '0')}`, n: i, nested: { i } })));
    const traffic: { direction: string; message: { type?: string; documents?: { _id: string }[]; total?: number } }[] = [];
    const observer = api.logPanels.observe((t) => {
      if (t.panel.startsWith('cloudbase.collection:')) traffic.push(t as never);
    });
    try {
      await vscode.commands.executeCommand('cloudbase.openCollection', target());
      const page = await waitFor('the first page', () => traffic.find((t) => t.direction === 'toPage' && t.message.type === 'page'));
      assert.deepEqual(page.message.documents?.map((d) => d._id).slice(0, 3), ['g00', 'g01', 'g02']);
      // The page comes at once; its count follows in a `total` message.
      const total = await waitFor('the total', () => traffic.find((t) => t.direction === 'toPage' && t.message.type === 'total'));
      assert.equal(total.message.total, 30);
      const fromPage = traffic.filter((t) => t.direction === 'fromPage').map((t) => t.message.type);
      assert.deepEqual(fromPage.slice(0, 2), ['ready', 'query']);
      assert.deepEqual(traffic.filter((t) => t.direction === 'rejected'), []);
    } finally {
      observer.dispose();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  test('indexes are created and dropped; the permission is set', async () => {
    api.useUserInput(new ScriptedInput({ pick: ['Create Index…', 'Unique'], input: ['title: 1, n: -1'] }));
    await vscode.commands.executeCommand('cloudbase.manageIndexes', target());
    const created = (await db.listIndexes(COLLECTION)).find((i) => i.name !== '_id_');
    assert.ok(created);
    assert.deepEqual(created.keys, [{ field: 'title', direction: 1 }, { field: 'n', direction: -1 }]);
    assert.equal(created.unique, true);
    api.useUserInput(new ScriptedInput({ pick: [created.name], confirm: 1 }));
    await vscode.commands.executeCommand('cloudbase.manageIndexes', target());
    assert.deepEqual((await db.listIndexes(COLLECTION)).map((i) => i.name), ['_id_']);

    api.useUserInput(new ScriptedInput({ pick: ['Custom security rule…'], input: ['{"read": true, "write": "doc._openid == auth.openid"}'] }));
    await vscode.commands.executeCommand('cloudbase.setPermission', target());
    assert.deepEqual(await db.getPermission?.(COLLECTION), { acl: 'CUSTOM', rule: { read: true, write: 'doc._openid == auth.openid' } });
    api.useUserInput(new ScriptedInput({ pick: ['Nobody reads or writes'] }));
    await vscode.commands.executeCommand('cloudbase.setPermission', target());
    assert.deepEqual(await db.getPermission?.(COLLECTION), { acl: 'ADMINONLY' });
  });
});
