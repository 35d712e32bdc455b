/**
 * In a real VS Code: the commands package.json declares and the commands the extension registers
 * are the same set.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'cloudbase-studio.cloudbase-studio';

interface Manifest {
  contributes: { commands: { command: string }[] };
}

suite('Manifest: declared and registered commands', () => {
  let declared: string[];
  let registered: string[];

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    declared = (extension.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('cloudbase.'));
  });

  test('every declared command is registered', () => {
    assert.ok(declared.length >= 12, `only ${declared.length} commands declared`);
    const missing = declared.filter((c) => !registered.includes(c));
    assert.deepEqual(missing, []);
  });

  test('every registered cloudbase.* command is declared', () => {
    // VS Code registers `<viewId>.focus`, `.resetViewLocation`, `.open` … for every contributed view and container.
    const generated = /^cloudbase(\.explorer)?\.(focus|resetViewLocation|open|toggleVisibility|removeView)$/;
    const undeclared = registered.filter((c) => !declared.includes(c) && !generated.test(c));
    assert.deepEqual(undeclared, []);
  });
});
