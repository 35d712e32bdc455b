/**
 * Snapshots of the demo project's local environment through the commands, with scripted answers:
 * Save Snapshot lists it under Snapshots in the tree, data written afterwards is gone after
 * Restore Snapshot (which asks first, naming what it replaces), and the environment serves again.
 * Export writes one zip that Import brings back after Delete; a restore that fails leaves the
 * environment's data as it was and says so.
 */
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import { ScriptedInput, EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

const NAME = 'before-test-write';

suite('Local environment snapshots', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let snapshots: string;
  let scratch: string;
  const shown: string[] = [];
  let observer: { dispose(): void } | undefined;
  const { item, child, children, labelOf } = treeWalker(() => api);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === folder.uri.fsPath));
    await api.environments.start(environment.key);
    snapshots = join(folder.uri.fsPath, '.cloudbase', 'snapshots');
    scratch = mkdtempSync(join(tmpdir(), 'cbs-e2e-snapshots-'));
    observer = api.observeErrors((e) => shown.push(e.message));
  });

  suiteTeardown(() => {
    observer?.dispose();
    api?.useUserInput(undefined);
    rmSync(snapshots, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  const snapshotNodes = async (): Promise<ExplorerNode[]> => children(await child(await child(undefined, environment.info.label), 'Snapshots'));
  const listedNames = async (): Promise<string[]> => (await snapshotNodes()).map((n) => labelOf(n));

  async function run(command: string, node: unknown, input: ScriptedInput): Promise<void> {
    api.useUserInput(input);
    try {
      await vscode.commands.executeCommand(command, node);
    } finally {
      api.useUserInput(undefined);
    }
  }

  test('Save Snapshot, a write, Restore Snapshot: the saved data is back and the tree lists the snapshot', async () => {
    const backend = await api.environments.backend(environment.key);
    const before = await backend.database.countDocuments('todos');
    assert.ok(before > 0);

    const envNode = await child(undefined, environment.info.label);
    await run('cloudbase.saveSnapshot', envNode, new ScriptedInput({ input: [NAME] }));
    const listed = await waitFor('the snapshot in the tree', async () => {
      const all = await children(await child(await child(undefined, environment.info.label), 'Snapshots'));
      return all.find((n) => labelOf(n) === NAME);
    });
    assert.match(item(listed).contextValue ?? '', /\bcloudbase\.snapshot\b/);
    assert.match(String(item(listed).tooltip), /\n\d+ documents in \d+ collections\n/);

    await backend.database.insertDocuments('todos', [{ title: 'written after the snapshot' }]);
    assert.equal(await backend.database.countDocuments('todos'), before + 1);

    const pidBefore = environment.pid;
    const input = new ScriptedInput({ confirm: 1 });
    await run('cloudbase.restoreSnapshot', listed, input);
    assert.equal(input.asked.length, 1);
    assert.match(input.asked[0], new RegExp(`^confirm: Restore snapshot "${NAME}" into ${environment.info.label}\\?`));
    assert.match(input.asked[0], /current database, storage files and client users/);

    assert.equal(environment.state, 'running');
    assert.notEqual(environment.pid, pidBefore, 'the environment restarted on the restored data');
    const restored = await api.environments.backend(environment.key);
    assert.equal(await restored.database.countDocuments('todos'), before);
    const todos = await child(await child(await child(undefined, environment.info.label), 'Database'), 'todos');
    assert.equal(item(todos).description, String(before));
  });

  test('Restore Snapshot from the Command Palette picks the snapshot, and declining changes nothing', async () => {
    const backend = await api.environments.backend(environment.key);
    await backend.database.insertDocuments('todos', [{ title: 'kept' }]);
    const count = await backend.database.countDocuments('todos');
    const pid = environment.pid;
    const input = new ScriptedInput({ pick: [NAME], decline: 1 });
    await run('cloudbase.restoreSnapshot', undefined, input);
    assert.deepEqual(input.asked.map((a) => a.split(':')[0]), ['pick', 'confirm']);
    assert.equal(environment.pid, pid);
    assert.equal(await backend.database.countDocuments('todos'), count);
  });

  test('Export Snapshot… writes one zip, Delete Snapshot… (asked first) removes it, Import Snapshot… lists it again', async () => {
    const node = await waitFor('the snapshot in the tree', async () => (await snapshotNodes()).find((n) => labelOf(n) === NAME));
    const zip = join(scratch, 'exported.zip');
    const exporting = new ScriptedInput({ saveFile: vscode.Uri.file(zip) });
    await run('cloudbase.exportSnapshot', node, exporting);
    assert.deepEqual(exporting.dialogs.map((d) => d.kind), ['save']);
    assert.equal(basename(exporting.dialogs[0]!.defaultUri!.fsPath), `${NAME}.zip`, 'the dialog suggests the snapshot\'s name');
    assert.ok(statSync(zip).size > 0, 'the zip is written');
    assert.equal(readFileSync(zip).subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(!existsSync(`${zip}.partial`));
    const exported = JSON.parse(readFileSync(join(snapshots, NAME, 'snapshot.json'), 'utf8')) as { counts: unknown };

    const declined = new ScriptedInput({ decline: 1 });
    await run('cloudbase.deleteSnapshot', node, declined);
    assert.match(declined.asked[0] ?? '', new RegExp(`^confirm: Delete snapshot "${NAME}"\\?`));
    assert.ok(existsSync(join(snapshots, NAME)), 'declining keeps the snapshot');

    await run('cloudbase.deleteSnapshot', node, new ScriptedInput({ confirm: 1 }));
    assert.ok(!existsSync(join(snapshots, NAME)));
    await waitFor('the snapshot gone from the tree', async () => (!(await listedNames()).includes(NAME) ? true : undefined));

    const snapshotsNode = await child(await child(undefined, environment.info.label), 'Snapshots');
    const importing = new ScriptedInput({ file: vscode.Uri.file(zip) });
    await run('cloudbase.importSnapshot', snapshotsNode, importing);
    assert.deepEqual(importing.dialogs.map((d) => d.kind), ['file']);
    const listed = await waitFor('the imported snapshot in the tree', async () => (await snapshotNodes()).find((n) => labelOf(n) === NAME));
    assert.match(item(listed).contextValue ?? '', /\bcloudbase\.snapshot\b/);
    const imported = JSON.parse(readFileSync(join(snapshots, NAME, 'snapshot.json'), 'utf8')) as { counts: unknown };
    assert.deepEqual(imported.counts, exported.counts);
    assert.deepEqual(readdirSync(snapshots).filter((n) => n.startsWith('.')), [], 'no import staging is left behind');

    // The same zip again would overwrite a snapshot of that name: refused, and said.
    const errorsBefore = shown.length;
    await run('cloudbase.importSnapshot', snapshotsNode, new ScriptedInput({ file: vscode.Uri.file(zip) }));
    assert.match(shown.slice(errorsBefore).join('\n'), new RegExp(`A snapshot named "${NAME}" exists already`));
  });

  test('A restore that fails leaves the current data in place, the environment serving, and says so', async () => {
    // A corrupt copy of the snapshot: a folder stands where the restore puts the kept process log.
    const corrupt = 'corrupt-copy';
    cpSync(join(snapshots, NAME), join(snapshots, corrupt), { recursive: true });
    const manifestFile = join(snapshots, corrupt, 'snapshot.json');
    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), name: corrupt }));
    mkdirSync(join(snapshots, corrupt, 'environment.log'));

    const backend = await api.environments.backend(environment.key);
    await backend.database.insertDocuments('todos', [{ title: 'must survive the failed restore' }]);
    const count = await backend.database.countDocuments('todos');
    const dataDir = api.environments.dataDirectory(environment.key);
    const beside = readdirSync(dirname(dataDir)).sort();
    const errorsBefore = shown.length;

    await run('cloudbase.restoreSnapshot', undefined, new ScriptedInput({ pick: [corrupt], confirm: 1 }));
    const said = shown.slice(errorsBefore);
    assert.equal(said.length, 1, `one error is shown: ${said.join(' | ')}`);
    assert.match(said[0]!, /The snapshot was not restored; the environment keeps its current data/);
    assert.match(said[0]!, new RegExp(`"${corrupt}"`));

    assert.equal(environment.state, 'running', 'the environment serves again');
    const after = await api.environments.backend(environment.key);
    assert.equal(await after.database.countDocuments('todos'), count, 'the current data is untouched');
    assert.equal(await after.database.countDocuments('todos', { title: 'must survive the failed restore' }), 1);
    assert.deepEqual(readdirSync(dirname(dataDir)).sort(), beside, 'no staging or set-aside folder is left beside the data folder');
  });
});
