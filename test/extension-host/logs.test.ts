/**
 * Tail Logs in a real VS Code on the demo project: the panel opens for a function, its page (the
 * real webview, under the real CSP) says ready and gets the session, an invocation's entries
 * reach the page, asking again reuses the panel, and the Functions area tails every function.
 * What panels post and receive is seen through the extension's test API.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import type { PanelTraffic } from '../../src/extension/panels/webviewPanelHost';
import type { UserInput } from '../../src/extension/platform/userInput';
import type { InvokeResult } from '../../src/shared/model';
import type { LogHostMessage, PanelLogEntry } from '../../src/shared/protocol/logPanel';
import { EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';


suite('Log panel: tailing the demo project\'s functions', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  const traffic: (PanelTraffic & { at: number })[] = [];
  let observer: { dispose(): void } | undefined;

  const { child } = treeWalker(() => api);
  const functionsNode = async (): Promise<ExplorerNode> => child(await child(undefined, environment.info.label), 'Functions');
  const toPage = (panelTitle: string): LogHostMessage[] =>
    traffic.filter((t) => t.direction === 'toPage' && t.panel.endsWith(`:${panelTitle}`)).map((t) => t.message as LogHostMessage);
  const entriesSent = (panelTitle: string): PanelLogEntry[] =>
    toPage(panelTitle).flatMap((m) => (m.type === 'append' || m.type === 'history' ? m.entries : []));
  async function invoke(name: string, event = 'default'): Promise<InvokeResult> {
    const file = vscode.Uri.file(join(environment.project?.functionRoot ?? '', name, '.events', `${event}.json`));
    const result = await vscode.commands.executeCommand<InvokeResult | undefined>('cloudbase.invokeFunction', file);
    assert.ok(result, `invoking ${name} returned nothing`);
    assert.equal(result.error, undefined, `${name} failed: ${result.error?.message}`);
    return result;
  }

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === folder.uri.fsPath));
    await api.environments.start(environment.key);
    observer = api.logPanels.observe((t) => traffic.push({ ...t, at: Date.now() }));
  });

  suiteTeardown(async () => {
    api.useUserInput(undefined);
    observer?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Tail Logs on a function opens its panel, and the page says ready and gets the session', async () => {
    const login = await child(await functionsNode(), 'login');
    await vscode.commands.executeCommand('cloudbase.tailLogs', login);
    const panel = await waitFor('the login panel\'s page to be ready', () => api.logPanels.panels().find((p) => p.target.functionName === 'login' && p.ready));
    assert.equal(panel.target.envKey, environment.key);
    assert.equal(panel.status, 'live');
    assert.ok(traffic.some((t) => t.direction === 'fromPage' && (t.message as { type: string }).type === 'ready'));
    const init = await waitFor('init', () => toPage('Logs: login').find((m) => m.type === 'init'));
    assert.ok(init.type === 'init' && init.target.functionName === 'login' && init.maxEntries === 100_000);
    assert.ok(toPage('Logs: login').some((m) => m.type === 'status' && m.status === 'live'));
    assert.ok(!traffic.some((t) => t.direction === 'rejected'), 'the page sent nothing the guard refused');
  });

  test('an invocation\'s start and end lines reach the page as they happen', async () => {
    const before = entriesSent('Logs: login').length;
    const started = Date.now();
    const result = await invoke('login');
    const entries = await waitFor('the invocation\'s END entry on the page', () => {
      const mine = entriesSent('Logs: login').slice(before).filter((e) => e.requestId === result.requestId);
      return mine.some((e) => e.kind === 'end') ? mine : undefined;
    }, 10_000);
    assert.deepEqual(entries.map((e) => e.kind).filter((k) => k !== 'log').slice(0, 1), ['start']);
    const end = entries.find((e) => e.kind === 'end');
    assert.ok(end && typeof end.durationMs === 'number', 'the end line carries the duration');
    assert.ok(entries.every((e) => e.functionName === 'login'));
    const arrived = traffic.find((t) => t.direction === 'toPage' && (t.message as LogHostMessage).type === 'append' && (t.message as { entries: PanelLogEntry[] }).entries.some((e) => e.requestId === result.requestId && e.kind === 'end'));
    assert.ok(arrived);
    console.log(`      (END line posted to the page ${arrived.at - started} ms after the invoke command was called)`);
  });

  test('asking again reveals the same panel instead of opening another', async () => {
    const count = api.logPanels.panels().length;
    await vscode.commands.executeCommand('cloudbase.tailLogs', { envKey: environment.key, functionName: 'login' });
    assert.equal(api.logPanels.panels().length, count);
    assert.equal(api.logPanels.panels().filter((p) => p.target.functionName === 'login').length, 1);
  });

  test('Tail Logs on the Functions area follows every function of the environment', async () => {
    await vscode.commands.executeCommand('cloudbase.tailLogs', await functionsNode());
    const title = `Logs: ${environment.info.label}`;
    await waitFor('the all-functions panel\'s page to be ready', () => api.logPanels.panels().find((p) => p.target.functionName === undefined && p.ready));
    const login = await invoke('login');
    const products = await invoke('products', 'tea');
    await waitFor('both invocations on the all-functions page', () => {
      const ends = entriesSent(title).filter((e) => e.kind === 'end').map((e) => e.requestId);
      return ends.includes(login.requestId) && ends.includes(products.requestId);
    }, 10_000);
    // Each panel keeps what its target logs: the login panel, hidden now, still collected only login's.
    const panels = api.logPanels.panels();
    assert.deepEqual(panels.find((p) => p.target.functionName === 'login')?.functionNames, ['login']);
    const all = panels.find((p) => p.target.functionName === undefined)?.functionNames ?? [];
    assert.ok(all.includes('login') && all.includes('products'), `the all-functions panel holds ${all.join(', ')}`);
  });

  test('Export writes the entries the page sends, in the format the file name asks for; the guard refuses a bad message', async () => {
    const file = join(tmpdir(), `cbs-log-export-${process.pid}-${Date.now()}.jsonl`);
    const refuse = (what: string) => async (): Promise<never> => {
      throw new Error(`unexpected ${what}`);
    };
    const saveDialog: UserInput = {
      pick: refuse('pick'),
      input: refuse('input'),
      confirm: refuse('confirm'),
      pickFolder: refuse('folder dialog'),
      pickSaveFile: async () => vscode.Uri.file(file),
    };
    api.useUserInput(saveDialog);
    const target = { envKey: environment.key, functionName: 'login' };
    const entries = [
      { time: Date.UTC(2026, 10, 23, 10, 0, 0), level: 'info', functionName: 'login', requestId: 'r-1', kind: 'start', message: 'START RequestId: r-1' },
      { time: Date.UTC(2026, 10, 23, 10, 0, 1), level: 'info', functionName: 'login', requestId: 'r-1', kind: 'end', message: 'END RequestId: r-1', durationMs: 5, result: '{"ok":true}' },
    ];
    try {
      assert.equal(await api.logPanels.deliver(target, { type: 'export', entries }), true);
      assert.ok(existsSync(file), 'the export was written');
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => [l.time, l.kind, l.durationMs, l.result]), [
        ['2026-11-23T10:00:00.000Z', 'start', undefined, undefined],
        ['2026-11-23T10:00:01.000Z', 'end', 5, '{"ok":true}'],
      ]);
      const before = traffic.filter((t) => t.direction === 'rejected').length;
      assert.equal(await api.logPanels.deliver(target, { type: 'export', entries: 'everything' }), false);
      assert.equal(await api.logPanels.deliver(target, { type: 'runCommand', command: 'workbench.action.quit' }), false);
      assert.equal(traffic.filter((t) => t.direction === 'rejected').length, before + 2);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
