/**
 * What VS Code users expect of an extension, in a real VS Code on the demo project: a Getting
 * Started walkthrough, a status bar item for the current environment (name, state and address;
 * a click offers its actions), and JSON schemas that check cloudbaserc.json and functions'
 * config.json as they are typed.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';

suite('Conventions: walkthrough, environment status bar item, JSON schemas', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  let scratch: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    environment = api.environments.list().find((e) => e.project?.root === root)!;
    assert.ok(environment, 'the demo project is not an environment');
    await api.environments.start(environment.key);
    // Below the workspace root, so the folder is not taken for a project of its own.
    scratch = join(root, '.e2e-schemas');
  });
  suiteTeardown(() => rmSync(scratch, { recursive: true, force: true }));
  teardown(async () => {
    api.useUserInput(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the status bar shows the current environment, its state and its SDK address, and follows a stop and a start', async () => {
    const running = api.environments.get(environment.key)!;
    const admin = `${running.url!.replace(/\/+$/, '')}/admin`;
    const shown = await waitFor('the running state', () => {
      const view = api.environmentStatus();
      return view.visible && /running/.test(view.text) ? view : undefined;
    });
    assert.equal(shown.envKey, environment.key);
    assert.match(shown.text, new RegExp(environment.info.label));
    assert.ok(shown.tooltip.includes(admin), shown.tooltip);
    assert.ok(shown.tooltip.includes(environment.info.envId), shown.tooltip);

    await api.environments.stop(environment.key);
    await waitFor('the stopped state', () => (/stopped/.test(api.environmentStatus().text) ? true : undefined));
    assert.ok(!api.environmentStatus().tooltip.includes('/admin'), 'a stopped environment has no address');
    await api.environments.start(environment.key);
    await waitFor('running again', () => (/running/.test(api.environmentStatus().text) ? true : undefined));
  });

  test('a click on the status bar item offers the environment\'s actions; Copy SDK Address copies it', async () => {
    const script = new ScriptedInput({ pick: ['Copy SDK Address'] });
    api.useUserInput(script);
    const done = await vscode.commands.executeCommand<string>('cloudbase.environmentActions');
    assert.equal(done, 'Copy SDK Address');
    const labels = script.offered[0]!.map((i) => i.label.replace(/^\$\([^)]+\)\s*/, ''));
    for (const action of ['Copy SDK Address', 'Tail Function Logs', 'Show in CloudBase Explorer', 'Stop Local Environment', 'Show Extension Log']) {
      assert.ok(labels.includes(action), `${action} is not among ${labels.join(', ')}`);
    }
    assert.ok(!labels.includes('Start Local Environment'), 'it runs already');
    const url = api.environments.get(environment.key)!.url!;
    assert.equal(await vscode.env.clipboard.readText(), `${url.replace(/\/+$/, '')}/admin`);
  });

  test('Get Started opens the walkthrough', async () => {
    await vscode.commands.executeCommand('cloudbase.openWalkthrough');
    const tab = await waitFor('the Welcome page', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Welcome|Get Started|CloudBase Studio/.test(t.label)),
    );
    assert.ok(tab.label);
  });

  test('cloudbaserc.json and a function\'s config.json are checked against their schemas: triggers, memory, timeout, variables', async () => {
    const folder = join(scratch, 'cloudfunctions', 'probe');
    mkdirSync(folder, { recursive: true });
    const rc = join(scratch, 'cloudbaserc.json');
    writeFileSync(
      rc,
      `${JSON.stringify({ envId: 5, functions: [{ name: 'probe', memorySize: 'big', envVariables: { A: {} }, triggers: [{ name: 'nightly', type: 'timer', config: '0 0 2' }] }] }, null, 2)}\n`,
    );
    const config = join(folder, 'config.json');
    writeFileSync(config, `${JSON.stringify({ timeout: 1000, triggers: [{ name: 'daily', type: 'timer', config: '0 0 2 * * * *' }] }, null, 2)}\n`);
    const problems = async (file: string, atLeast: number): Promise<vscode.Diagnostic[]> => {
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      return waitFor(`${atLeast} schema problems in ${file}`, () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length >= atLeast ? found : undefined;
      });
    };
    const rcProblems = await problems(rc, 4);
    const messages = rcProblems.map((d) => d.message).join(' | ');
    assert.match(messages, /Seven fields/, messages);
    assert.equal(rcProblems.length, 4, messages);
    const configProblems = await problems(config, 1);
    assert.equal(configProblems.length, 1, configProblems.map((d) => d.message).join(' | '));
    assert.equal(configProblems[0]!.range.start.line, 1, 'the timeout over 900');
  });
});
