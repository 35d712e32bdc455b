/**
 * Deploy Function in a real VS Code, to the demo project's local environment: deploying is a hot
 * reload, so an edit the runtime could not otherwise notice (same size, same modification time) runs
 * after the deploy; several Explorer folders deploy together; a tree node deploys too; Compare with
 * Deployed says the local environment has no separate copy.
 *
 * Against the fake Tencent cloud this suite needs a signed-in Tencent environment in the registry:
 * the same commands then pick it from cloudbaserc.json's envId (see deployTargets.ts).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { DeployReport } from '../../src/cloud/deploy';
import { recordNotices } from './support/notices';
import { EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

const PROBES = ['deployprobea', 'deployprobeb'];
const FIXED = new Date(Date.UTC(2020, 0, 1));

suite('Deploy Function to the local environment', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  /** A local function node's context value (Compare with Deployed must not match it). */
  let localContextValue: string | undefined;
  const { labelOf, children, child } = treeWalker(() => api);
  const folder = (name: string): string => join(root, 'cloudfunctions', name);
  const write = (name: string, version: string): void => {
    const file = join(folder(name), 'index.js');
    writeFileSync(file, `exports.main = async () => "${name}-${version}";\n`);
    utimesSync(file, FIXED, FIXED);
  };
  const invoke = async (name: string): Promise<unknown> => (await (await api.environments.backend(environment.key)).functions!.invoke(name, {})).result;
  const deploy = (arg?: unknown, selection?: unknown): Thenable<DeployReport[] | undefined> => vscode.commands.executeCommand('cloudbase.deployFunction', arg, selection);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    await api.environments.start(environment.key);
    for (const name of PROBES) {
      mkdirSync(folder(name), { recursive: true });
      write(name, 'v1');
    }
  });

  suiteTeardown(async () => {
    for (const name of PROBES) rmSync(folder(name), { recursive: true, force: true });
    // The next suites count the demo's functions: wait until the tree has dropped the probes.
    const functionsNode = async () => child(await child(undefined, environment.info.label), 'Functions');
    await waitFor('the probes to leave the tree', async () => {
      const names = (await children(await functionsNode())).map(labelOf);
      return names.some((n) => PROBES.includes(n)) ? undefined : true;
    });
  });

  test('an Explorer folder deploys as a hot reload: the next invocation runs the edited code', async () => {
    const [a] = PROBES as [string, string];
    assert.equal(await invoke(a), `${a}-v1`);
    write(a, 'v2');
    assert.equal(await invoke(a), `${a}-v1`, 'the warm process still runs the old code before the deploy');
    const reports = await deploy(vscode.Uri.file(folder(a)), [vscode.Uri.file(folder(a))]);
    assert.ok(reports, 'the deploy ran');
    assert.deepEqual(reports.map((r) => [r.name, r.action, r.status]), [[a, 'reloaded', 'Active']]);
    assert.equal(await invoke(a), `${a}-v2`);
  });

  test('several selected folders deploy together', async () => {
    for (const name of PROBES) {
      await invoke(name);
      write(name, 'v3');
    }
    const uris = PROBES.map((n) => vscode.Uri.file(folder(n)));
    const reports = await deploy(uris[0], uris);
    assert.deepEqual(reports?.map((r) => r.name).sort(), [...PROBES].sort());
    for (const name of PROBES) assert.equal(await invoke(name), `${name}-v3`);
  });

  test('a function node in the tree deploys', async () => {
    const [, b] = PROBES as [string, string];
    const functionsNode = await child(await child(undefined, environment.info.label), 'Functions');
    const node = await waitFor('the probe in the tree', async () => (await children(functionsNode)).find((n) => labelOf(n) === b));
    localContextValue = api.explorer.getTreeItem(node).contextValue ?? '';
    write(b, 'v4');
    const reports = await deploy(node);
    assert.deepEqual(reports?.map((r) => r.action), ['reloaded']);
    assert.equal(await invoke(b), `${b}-v4`);
  });

  test('an unchanged redeploy to the local environment says it is unchanged, not reloaded', async () => {
    const [a] = PROBES as [string, string];
    write(a, 'v5');
    const first = await deploy(vscode.Uri.file(folder(a)));
    assert.deepEqual(first?.map((r) => r.action), ['reloaded']);
    const second = await deploy(vscode.Uri.file(folder(a)));
    assert.deepEqual(second?.map((r) => r.action), ['unchanged']);
    assert.equal(await invoke(a), `${a}-v5`);
  });

  test('Compare with Deployed is not offered on the local environment\'s functions, and refuses its folders', async () => {
    // The node's context value was taken in the test above; here the menus it has to miss.
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const compareMenus = manifest.contributes.menus['view/item/context']!.filter((m) => m.command === 'cloudbase.compareWithDeployed');
    assert.ok(compareMenus.length > 0 && localContextValue !== undefined);
    for (const menu of compareMenus) {
      const patterns = [...(menu.when ?? '').matchAll(/viewItem =~ \/((?:\\\/|[^/])+)\//g)].map((m) => new RegExp(m[1]!));
      assert.ok(!patterns.every((p) => p.test(localContextValue!)), `Compare with Deployed is offered on ${localContextValue!}`);
    }
    const result = await vscode.commands.executeCommand('cloudbase.compareWithDeployed', vscode.Uri.file(folder(PROBES[0]!)));
    assert.equal(result, undefined, 'the command wrapper reported the refusal');
  });

  test('one deploy names its function in the title and redraws the Functions node once; two are counted', async () => {
    const [a, b] = PROBES as [string, string];
    const functions = await child(await child(undefined, environment.info.label), 'Functions');
    await children(functions);
    write(a, 'v6');
    // What the folder watch reports of the edit is not the deploy's to count.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const redraws: string[][] = [];
    const subscription = api.explorer.onDidChangeTreeData((e) => {
      const nodes = e === undefined ? [undefined] : Array.isArray(e) ? e : [e];
      if (nodes.some((n) => n === undefined || n.id.startsWith(functions.id))) redraws.push(nodes.map((n) => n?.id ?? 'everything'));
    });
    const notices = recordNotices();
    try {
      await deploy(vscode.Uri.file(folder(a)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(redraws, [[functions.id]], 'one redraw, of the Functions node');
      assert.deepEqual(notices.progress.map((p) => [p.title, p.messages]), [[`Deploying ${a} to ${environment.info.label}`, ['packing', 'updating the code']]]);

      for (const name of PROBES) write(name, 'v7');
      await deploy(vscode.Uri.file(folder(a)), PROBES.map((n) => vscode.Uri.file(folder(n))));
      const [, several] = notices.progress;
      assert.equal(several?.title, 'Deploying 2 functions');
      assert.deepEqual([...(several?.messages ?? [])].sort(), [`${a}: packing`, `${a}: updating the code`, `${b}: packing`, `${b}: updating the code`]);
    } finally {
      notices.dispose();
      subscription.dispose();
    }
  });
});
