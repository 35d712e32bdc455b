/**
 * Timer triggers, HTTP access and TypeScript functions in a real VS Code, on a function written
 * into the demo project for this suite (and removed after it): the trigger node's schedule and next
 * fire, Run Trigger Now from the tree, the pause setting, an invalid cron marked on its function,
 * the HTTP Access node with Copy URL answering through the route, and a breakpoint in the .ts file
 * hit while debugging.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import type { InvokeResult } from '../../src/shared/model';
import { EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const TS_INDEX = `interface TimerEvent { Type: string; TriggerName: string; Time: string }

export const main = async (event: TimerEvent) => {
  const seen = { type: event.Type, trigger: event.TriggerName };
  return seen;
};
`;

suite('Triggers, HTTP access and TypeScript functions', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  const created: string[] = [];

  const { item, labelOf, children, child } = treeWalker(() => api);
  const envNode = async (): Promise<ExplorerNode> => child(undefined, environment.info.label);
  const functionNode = async (name: string): Promise<ExplorerNode> =>
    waitFor(`${name} in the tree`, async () => {
      const all = await children(await child(await envNode(), 'Functions'));
      return all.find((n) => labelOf(n) === name);
    });

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    await api.environments.start(environment.key);
    const write = (path: string, text: string): void => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('cloudfunctions/tsNightly/index.ts', TS_INDEX);
    write('cloudfunctions/tsNightly/config.json', JSON.stringify({ triggers: [{ name: 'nightly', type: 'timer', config: '0 0 3 * * * *' }] }));
    write('cloudfunctions/badCron/index.js', 'exports.main = async () => 1;\n');
    write('cloudfunctions/badCron/config.json', JSON.stringify({ triggers: [{ name: 'broken', type: 'timer', config: '0 0 3 * * 9 *' }] }));
    write('.cloudbase/http-access.json', JSON.stringify({ servicePaths: { tsNightly: '/nightly' } }));
    created.push('cloudfunctions/tsNightly', 'cloudfunctions/badCron', '.cloudbase/http-access.json');
    await vscode.commands.executeCommand('cloudbase.refresh');
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('cloudbase').update('local.timersPaused', undefined, vscode.ConfigurationTarget.Global);
    for (const path of created) rmSync(join(root, path), { recursive: true, force: true });
    await vscode.commands.executeCommand('cloudbase.refresh');
  });

  test('a timer trigger sits under its function with its schedule in words and its next fire; Run Trigger Now fires it', async () => {
    const fn = await functionNode('tsNightly');
    assert.equal(item(fn).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const [trigger] = await children(fn);
    assert.equal(labelOf(trigger), 'nightly');
    assert.match(String(item(trigger).description), /^At 03:00 · next \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.match(item(trigger).contextValue ?? '', /\bcloudbase\.timerTrigger\b/);
    const result = await vscode.commands.executeCommand<InvokeResult>('cloudbase.runTriggerNow', trigger);
    assert.ok(result && !result.error, result?.error?.message);
    assert.deepEqual(result.result, { type: 'Timer', trigger: 'nightly' });
  });

  test('the pause setting shows every trigger paused', async () => {
    await vscode.workspace.getConfiguration('cloudbase').update('local.timersPaused', true, vscode.ConfigurationTarget.Global);
    const [trigger] = await children(await functionNode('tsNightly'));
    assert.match(String(item(trigger).description), /· paused$/);
    await vscode.workspace.getConfiguration('cloudbase').update('local.timersPaused', undefined, vscode.ConfigurationTarget.Global);
  });

  test('an invalid cron is marked on its function with the column of the error', async () => {
    const fn = await functionNode('badCron');
    assert.match(String(item(fn).description), /trigger broken is invalid/);
    assert.match(String(item(fn).tooltip), /Column 11, day-of-week field: 9 is outside 0–6/);
    const [trigger] = await children(fn);
    assert.match(String(item(trigger).description), /error at column 11/);
  });

  test('HTTP Access lists the route; Copy URL gives an address that answers through the function', async () => {
    const access = await child(await envNode(), 'HTTP Access');
    const [route] = await children(access);
    assert.equal(labelOf(route), '/nightly');
    assert.equal(item(route).description, '→ tsNightly');
    await vscode.commands.executeCommand('cloudbase.copyHttpUrl', route);
    const url = await vscode.env.clipboard.readText();
    assert.equal(url, `${environment.url}/nightly`);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {}, 'an HTTP event has no Type or TriggerName');
  });

  test('a breakpoint in the TypeScript source is hit while the function is debugged', async () => {
    const file = vscode.Uri.file(join(root, 'cloudfunctions', 'tsNightly', 'index.ts'));
    let confirm!: () => void;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: Json) => {
          if (m.type === 'response' && m.command === 'setBreakpoints' && m.body?.breakpoints?.some((b: Json) => b.verified && /tsNightly[\\/]index\.ts$/.test(b.source?.path ?? ''))) confirm();
        },
      }),
    });
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(3, 0)));
    let session: vscode.DebugSession | undefined;
    try {
      const { port } = (await vscode.commands.executeCommand<{ port: number }>('cloudbase.debugFunction', await functionNode('tsNightly'))) ?? { port: 0 };
      assert.ok(port > 0);
      session = vscode.debug.activeDebugSession;
      vscode.debug.addBreakpoints([breakpoint]);
      const settle = (): Promise<true | undefined> => Promise.race([confirmed.then(() => true as const), new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
      await waitFor('the breakpoint in index.ts to be verified', settle);
      const [trigger] = await children(await functionNode('tsNightly'));
      const running = vscode.commands.executeCommand<InvokeResult>('cloudbase.runTriggerNow', trigger);
      const frame = await waitFor('the breakpoint in tsNightly/index.ts', () => {
        const active = vscode.debug.activeStackItem;
        return active instanceof vscode.DebugStackFrame ? active : undefined;
      });
      const frames = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId })) as { stackFrames: { line: number; source?: { path?: string } }[] };
      assert.equal(frames.stackFrames[0].line, 4);
      assert.match(frames.stackFrames[0].source?.path ?? '', /tsNightly[\\/]index\.ts$/);
      await frame.session.customRequest('continue', { threadId: frame.threadId });
      const result = await running;
      assert.ok(result && !result.error, result?.error?.message);
    } finally {
      tracker.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
      if (session) await vscode.debug.stopDebugging(session);
    }
  });
});
