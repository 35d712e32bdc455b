/**
 * The extension loads in a real VS Code: found, activated without error, its commands registered,
 * its view opens, in the seeded demo project the harness opened.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cloudbase-studio.cloudbase-studio';

interface Manifest {
  contributes?: { commands?: { command: string }[] };
}

suite('Smoke: the extension in the extension host', () => {
  let extension: vscode.Extension<unknown>;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded`);
    extension = found;
    await extension.activate();
  });

  test('runs in the demo project the harness opened', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.name, 'cloudbase-demo');
    assert.ok(existsSync(join(folder.uri.fsPath, 'project.config.json')), 'the demo project has no project.config.json');
  });

  test('activates', () => {
    assert.equal(extension.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const contributed = ((extension.packageJSON as Manifest).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  test('opens its view container and refreshes', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.cloudbase');
    await vscode.commands.executeCommand('cloudbase.refresh');
  });
});
