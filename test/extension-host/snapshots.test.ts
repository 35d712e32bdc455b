/**
 * Snapshots of the demo project's local environment through the commands, with scripted answers:
 * Save Snapshot lists it under Snapshots in the tree, data written afterwards is gone after
 * Restore Snapshot (which asks first, naming what it replaces), and the environment serves again.
 */
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import { ScriptedInput, EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

const NAME = 'before-test-write';

suite('Local environment snapshots', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let snapshots: string;
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
  });

  suiteTeardown(() => {
    api?.useUserInput(undefined);
    rmSync(snapshots, { recursive: true, force: true });
  });

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
});
