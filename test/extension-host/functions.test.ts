/**
 * Cloud functions in a real VS Code, on the seeded demo project: the Functions node lists the
 * project's functions and follows the folder; wx-server-sdk functions run unchanged from their saved
 * events, from the palette and from the tree (`profile` writes to the database, calls `login` with
 * cloud.callFunction and returns getWXContext()); a payload that is not JSON is refused; New Cloud
 * Function… and Install Dependencies work; Debug Function attaches the Node debugger.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import type { InvokeResult } from '../../src/shared/model';
import { offeredCommands } from './support/menus';
import { EXTENSION_ID, ScriptedInput, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any


function inspectorAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/json/list', timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    }).on('error', () => resolve(false));
  });
}

suite('Functions: the demo project\'s cloud functions', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;

  const { item, labelOf, children, child } = treeWalker(() => api);
  const functionsNode = async (): Promise<ExplorerNode> => child(await child(undefined, environment.info.label), 'Functions');
  const functionNames = async (): Promise<string[]> => (await children(await functionsNode())).map(labelOf);
  const eventUri = (fn: string, event: string): vscode.Uri => vscode.Uri.file(join(root, 'cloudfunctions', fn, '.events', `${event}.json`));
  const invoke = (arg?: unknown): Thenable<InvokeResult | undefined> => vscode.commands.executeCommand<InvokeResult | undefined>('cloudbase.invokeFunction', arg);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    root = folder.uri.fsPath;
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    await api.environments.start(environment.key);
  });

  teardown(async () => {
    api.useUserInput(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the Functions node lists the project\'s functions with runtime, timeout and memory', async () => {
    const node = await functionsNode();
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.functions\b/);
    const nodes = await children(node);
    assert.deepEqual(nodes.map(labelOf), ['login', 'products', 'profile', 'todos']);
    const login = item(nodes[0]);
    assert.equal(login.description, 'Nodejs20.19');
    assert.match(String(login.tooltip), /Timeout: 3 s/);
    assert.match(String(login.tooltip), /Memory: 256 MB/);
    assert.match(login.contextValue ?? '', /\bcloudbase\.function\b/);
    assert.equal(login.command?.command, 'vscode.open', 'a click opens index.js');
  });

  test('a local function\'s context menu offers Debug Function and Deploy, not Compare with Deployed', async () => {
    const login = await child(await functionsNode(), 'login');
    const value = item(login).contextValue ?? '';
    assert.match(value, /\bcloudbase\.debuggable\b/);
    assert.doesNotMatch(value, /\bcloudbase\.deployedCopy\b/);
    const offered = offeredCommands(value);
    assert.ok(offered.includes('cloudbase.debugFunction') && offered.includes('cloudbase.deployFunction') && offered.includes('cloudbase.invokeFunction'), offered.join(', '));
    assert.ok(!offered.includes('cloudbase.compareWithDeployed'), offered.join(', '));
  });

  test('a wx-server-sdk function writes to the database, calls another and returns getWXContext(), from its saved event', async () => {
    const result = await invoke(eventUri('profile', 'default'));
    assert.ok(result, 'the event ran');
    assert.equal(result.error, undefined, result.error?.message);
    const { profile, caller, wxContext } = result.result as Json;
    assert.equal(profile.nickName, 'Demo visitor');
    assert.equal(caller.openid, wxContext.OPENID, 'login, called with cloud.callFunction, saw the same user');
    assert.equal(wxContext.ENV, environment.info.envId);
    assert.equal(wxContext.SOURCE, 'wx_client');
    const backend = await api.environments.backend(environment.key);
    const stored = await backend.database.getDocument('users', profile._id);
    assert.equal(stored?._openid, wxContext.OPENID, 'the write is in the local database');
    assert.deepEqual(result.logs.map((l) => l.kind).filter((k) => k !== 'log'), ['start', 'end']);
    const calledLogs = await backend.logs!.query({ functionName: 'login' });
    assert.ok(calledLogs.some((e) => e.kind === 'end'), 'the called function has its own logs');
  });

  test('from the palette: choose a function and a saved event and it runs; the demo\'s list event shows the default caller\'s to-dos; then Invoke Again', async () => {
    const script = new ScriptedInput({ pick: ['todos', 'list'] });
    api.useUserInput(script);
    const first = await invoke();
    assert.deepEqual(script.asked, ['pick: Choose a cloud function', 'pick: Invoke todos with which event?']);
    assert.ok(first && !first.error, first?.error?.message ?? 'Invoke Function… ran nothing');
    const { items, total } = first.result as Json;
    assert.ok(total >= 15, `the seeded to-dos of the default caller: ${String(total)}`);
    assert.equal(items.length, 10, 'the list event asks for a page of 10');
    assert.ok(items.every((t: Json) => t._openid === 'oLocal00000000000000000user1'));
    const again = await vscode.commands.executeCommand<InvokeResult | undefined>('cloudbase.invokeFunctionAgain');
    assert.ok(again && !again.error);
    assert.notEqual(again.requestId, first.requestId);
    assert.deepEqual(again.result, first.result);

    // The last event run comes first the next time.
    const next = new ScriptedInput({ pick: ['todos', /./] });
    api.useUserInput(next);
    await invoke();
    assert.deepEqual(next.offered[1]!.map((i) => i.label), ['list', 'add']);
  });

  test('from the tree: Invoke Function… on a function runs the picked event; Edit Test Events… opens it, and edited text runs and is saved', async () => {
    const login = await child(await functionsNode(), 'login');
    api.useUserInput(new ScriptedInput({ pick: ['default'] }));
    const ran = await invoke(login);
    assert.ok(ran && !ran.error, ran?.error?.message ?? 'Invoke Function… ran nothing');
    assert.equal((ran.result as Json).env, environment.info.envId);

    const script = new ScriptedInput({ pick: ['default'] });
    api.useUserInput(script);
    const opened = await vscode.commands.executeCommand<vscode.Uri>('cloudbase.editFunctionEvents', login);
    assert.equal(opened?.fsPath, eventUri('login', 'default').fsPath);
    assert.deepEqual(script.asked, ['pick: Choose an event for login']);
    const editor = await waitFor('login\'s event', () => (vscode.window.activeTextEditor?.document.uri.fsPath === eventUri('login', 'default').fsPath ? vscode.window.activeTextEditor : undefined));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.ok(
      lenses.some((l) => l.command?.command === 'cloudbase.invokeFunction' && /Invoke login/.test(l.command.title)),
      `CodeLenses: ${lenses.map((l) => l.command?.title).join(', ')}`,
    );
    assert.ok(lenses.some((l) => l.command?.command === 'cloudbase.debugFunction'));
    const original = editor.document.getText();
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), '{ "from": "the tree" }\n'));
    const result = await invoke(editor.document.uri);
    assert.ok(result && !result.error, result?.error?.message);
    assert.equal(editor.document.isDirty, false, 'the event that ran is saved');
    writeFileSync(editor.document.uri.fsPath, original);
    assert.equal((result.result as Json).env, environment.info.envId);
  });

  test('Rename Event… renames the saved event; Invoke Again follows it', async () => {
    // A copy of the demo's event: the demo's own stay as they are for the other suites.
    writeFileSync(eventUri('products', 'e2e-rename').fsPath, '{ "category": "tea" }\n');
    await invoke(eventUri('products', 'e2e-rename'));
    const script = new ScriptedInput({ input: ['e2e renamed'] });
    api.useUserInput(script);
    const renamed = await vscode.commands.executeCommand<vscode.Uri>('cloudbase.renameFunctionEvent', eventUri('products', 'e2e-rename'));
    assert.equal(renamed?.fsPath, eventUri('products', 'e2e renamed').fsPath);
    assert.deepEqual(script.asked, ['input: Event of products']);
    const again = await vscode.commands.executeCommand<InvokeResult>('cloudbase.invokeFunctionAgain');
    assert.ok(again && !again.error, again?.error?.message);
    assert.ok((again.result as Json).items.every((p: Json) => typeof p.price === 'number'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(renamed.fsPath);
  });

  test('a payload that is not JSON gets a diagnostic and does not run', async () => {
    const uri = eventUri('todos', 'broken');
    writeFileSync(uri.fsPath, '{\n  "action": "list",\n}\n');
    const backend = await api.environments.backend(environment.key);
    const before = (await backend.logs!.query({ functionName: 'todos' })).length;
    assert.equal(await invoke(uri), undefined);
    const diagnostics = vscode.languages.getDiagnostics(uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].source, 'CloudBase');
    assert.equal(diagnostics[0].range.start.line, 2);
    assert.equal((await backend.logs!.query({ functionName: 'todos' })).length, before, 'nothing ran');
    rmSync(uri.fsPath);
  });

  test('a function added, edited and removed on disk shows in the tree without a reload', async () => {
    const folder = join(root, 'cloudfunctions', 'e2eAdded');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.js'), 'exports.main = async () => "added";\n');
    await waitFor('e2eAdded in the tree', async () => ((await functionNames()).includes('e2eAdded') ? true : undefined));
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ timeout: 7 }));
    await waitFor('the new timeout in the tooltip', async () => {
      const node = (await children(await functionsNode())).find((n) => labelOf(n) === 'e2eAdded');
      return node && /Timeout: 7 s/.test(String(item(node).tooltip)) ? true : undefined;
    });
    rmSync(folder, { recursive: true, force: true });
    await waitFor('e2eAdded gone', async () => (!(await functionNames()).includes('e2eAdded') ? true : undefined));
  });

  test('New Cloud Function… creates it from a template, opens index.js, shows it in the tree, and it runs', async () => {
    const script = new ScriptedInput({ pick: ['Database CRUD'], input: ['e2eCrud'] });
    api.useUserInput(script);
    const folder = await vscode.commands.executeCommand<string>('cloudbase.newFunction', await functionsNode());
    assert.deepEqual(script.asked, ['pick: New Cloud Function', 'input: New Cloud Function']);
    assert.equal(folder, join(root, 'cloudfunctions', 'e2eCrud'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(folder, 'index.js'));
    await waitFor('e2eCrud in the tree', async () => ((await functionNames()).includes('e2eCrud') ? true : undefined));

    // It comes with saved events: the first one runs as it is, and add writes into its own collection.
    api.useUserInput(new ScriptedInput({ pick: ['list'] }));
    const listed = await invoke({ envKey: environment.key, name: 'e2eCrud', folder });
    assert.ok(listed && !listed.error, listed?.error?.message ?? 'Invoke Function… ran nothing');
    assert.deepEqual(listed.result, []);
    writeFileSync(eventUri('e2eCrud', 'empty').fsPath, '{}\n');
    const empty = await invoke(eventUri('e2eCrud', 'empty'));
    assert.ok(empty && !empty.error, empty?.error?.message);
    assert.deepEqual(empty.result, [], 'an event without an action lists');

    const backend = await api.environments.backend(environment.key);
    const todosBefore = (await backend.database.listCollections({ limit: 100 })).items.find((c) => c.name === 'todos')?.count;
    const added = await invoke(eventUri('e2eCrud', 'add'));
    assert.ok(added && !added.error, added?.error?.message);
    const stored = await backend.database.getDocument('e2eCrud', (added.result as Json)._id);
    assert.equal(stored?.title, 'My first document');
    assert.equal((await backend.database.listCollections({ limit: 100 })).items.find((c) => c.name === 'todos')?.count, todosBefore, 'nothing went into todos');
    const again = await invoke(eventUri('e2eCrud', 'list'));
    assert.equal((again?.result as Json[]).length, 1);
  });

  test('missing dependencies: a coded error, then Install Dependencies runs npm install and the invocation again', async () => {
    const folder = join(root, 'cloudfunctions', 'e2eDeps');
    const vendor = join(folder, 'vendor', 'helper');
    mkdirSync(vendor, { recursive: true });
    writeFileSync(join(vendor, 'package.json'), JSON.stringify({ name: 'e2e-helper', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(vendor, 'index.js'), 'exports.shout = (s) => String(s).toUpperCase();\n');
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'e2e-deps', version: '1.0.0', dependencies: { 'e2e-helper': 'file:./vendor/helper' } }));
    writeFileSync(join(folder, 'index.js'), "const { shout } = require('e2e-helper');\nexports.main = async (event) => shout(event.text);\n");
    mkdirSync(join(folder, '.events'));
    const uri = eventUri('e2eDeps', 'default');
    writeFileSync(uri.fsPath, '{ "text": "installed" }\n');

    const failed = await invoke(uri);
    assert.equal(failed?.error?.code, 'DependenciesMissing');
    assert.match(failed.error.message, /e2e-helper/);
    const node = await waitFor('e2eDeps marked', async () => {
      const found = (await children(await functionsNode())).find((n) => labelOf(n) === 'e2eDeps');
      return found && /\bcloudbase\.dependenciesMissing\b/.test(item(found).contextValue ?? '') ? found : undefined;
    });
    assert.ok(node);

    const rerun = await vscode.commands.executeCommand<InvokeResult>('cloudbase.installFunctionDependencies', { envKey: environment.key, name: 'e2eDeps', folder, then: uri });
    assert.ok(rerun && !rerun.error, rerun?.error?.message);
    assert.equal(rerun.result, 'INSTALLED');
  });

  test('Debug Function attaches the Node debugger to the reported port, a breakpoint is hit, and stopping returns to normal', async function () {
    const started: vscode.DebugSession[] = [];
    const listener = vscode.debug.onDidStartDebugSession((s) => started.push(s));
    // Setting a breakpoint is asynchronous: the invocation waits until the debugger confirms it.
    let confirm!: () => void;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: Json) => {
          if (m.type === 'response' && m.command === 'setBreakpoints' && m.body?.breakpoints?.some((b: Json) => b.verified && /login[\\/]index\.js$/.test(b.source?.path ?? ''))) confirm();
        },
      }),
    });
    const file = vscode.Uri.file(join(root, 'cloudfunctions', 'login', 'index.js'));
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(6, 0)));
    try {
      const login = await child(await functionsNode(), 'login');
      const { port } = (await vscode.commands.executeCommand<{ port: number; sessionId: string }>('cloudbase.debugFunction', login)) ?? { port: 0 };
      assert.ok(port > 0, 'the runtime reported the inspector port');
      const session = started.find((s) => s.configuration.port === port);
      assert.ok(session, `a debug session attached to port ${port}: ${started.map((s) => `${s.type}:${String(s.configuration.port)}`).join(', ')}`);
      assert.equal(session.configuration.request, 'attach');
      assert.ok(await inspectorAnswers(port));

      vscode.debug.addBreakpoints([breakpoint]);
      const settle = (): Promise<true | undefined> => Promise.race([confirmed.then(() => true as const), new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
      await waitFor('the breakpoint to be set', settle);
      const running = invoke(eventUri('login', 'default'));
      const frame = await waitFor('the breakpoint in login/index.js', () => {
        const active = vscode.debug.activeStackItem;
        return active instanceof vscode.DebugStackFrame ? active : undefined;
      });
      const frames = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId })) as { stackFrames: { line: number; source?: { path?: string } }[] };
      assert.equal(frames.stackFrames[0].line, 7);
      assert.match(frames.stackFrames[0].source?.path ?? '', /login[\\/]index\.js$/);
      await frame.session.customRequest('continue', { threadId: frame.threadId });
      const result = await running;
      assert.ok(result && !result.error, result?.error?.message);

      vscode.debug.removeBreakpoints([breakpoint]);
      await vscode.debug.stopDebugging(session);
      await waitFor('the debug process to end', async () => ((await inspectorAnswers(port)) ? undefined : true));
      const normal = await invoke(eventUri('login', 'default'));
      assert.ok(normal && !normal.error, 'runs normally again');
    } finally {
      listener.dispose();
      tracker.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  test('New Cloud Function… redraws the Functions node once: the folder watch tells the tree', async () => {
    const functions = await functionsNode();
    await children(functions);
    const redraws: string[][] = [];
    const subscription = api.explorer.onDidChangeTreeData((e) => {
      const nodes = e === undefined ? [undefined] : Array.isArray(e) ? e : [e];
      if (nodes.some((n) => n === undefined || n.id.startsWith(functions.id))) redraws.push(nodes.map((n) => n?.id ?? 'everything'));
    });
    const folder = join(root, 'cloudfunctions', 'e2eOnce');
    try {
      api.useUserInput(new ScriptedInput({ pick: ['Database CRUD'], input: ['e2eOnce'] }));
      await vscode.commands.executeCommand('cloudbase.newFunction', functions);
      await waitFor('e2eOnce in the tree', async () => ((await functionNames()).includes('e2eOnce') ? true : undefined));
      // Longer than the folder watch takes to report anything more.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.deepEqual(redraws, [[functions.id]]);
    } finally {
      subscription.dispose();
      rmSync(folder, { recursive: true, force: true });
      await waitFor('e2eOnce gone', async () => (!(await functionNames()).includes('e2eOnce') ? true : undefined));
    }
  });

  test('a function folder deleted while the environment is stopped is gone from the tree once it starts', async () => {
    const folder = join(root, 'cloudfunctions', 'e2eWhileStopped');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.js'), 'exports.main = async () => "here";\n');
    await waitFor('e2eWhileStopped in the tree', async () => ((await functionNames()).includes('e2eWhileStopped') ? true : undefined));
    const env = await child(undefined, environment.info.label);
    try {
      await vscode.commands.executeCommand('cloudbase.stopLocalEnvironment', env);
      assert.equal(api.environments.get(environment.key)?.state, 'stopped');
      rmSync(folder, { recursive: true, force: true });
    } finally {
      await vscode.commands.executeCommand('cloudbase.startLocalEnvironment', env);
    }
    assert.equal(api.environments.get(environment.key)?.state, 'running');
    const names = await functionNames();
    assert.ok(!names.includes('e2eWhileStopped'), names.join(', '));
    assert.ok(names.includes('login'), 'the others are listed');
    assert.equal(api.explorer.environmentNode(environment.key)?.functions.functionNode('e2eWhileStopped'), undefined);
  });
});
