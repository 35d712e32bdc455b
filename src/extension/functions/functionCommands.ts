import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { InvokeResult } from '../../shared/model';
import { CommandId } from '../commandIds';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { Services } from '../services';
import { EventDocuments } from './eventDocuments';
import { installDependencies } from './functionDependencies';
import { FunctionDebugger } from './functionDebugger';
import { FunctionResults } from './functionResults';
import { FunctionRunner } from './functionRunner';
import { activeEventTarget, eventTarget, givenTarget, pickFunction, type EventTarget, type FunctionTarget } from './functionTargets';
import { FunctionsWatcher } from './functionsWatcher';
import { newFunction } from './newFunction';

/** `resourcePath in cloudbase.functionRoots` shows New Cloud Function… on those folders in the Explorer. */
const FUNCTION_ROOTS_KEY = 'cloudbase.functionRoots';

function notAnEvent(uri: vscode.Uri): StudioError {
  return new StudioError('InvalidArgument', `${uri.fsPath} is not a saved event of a cloud function (<function root>/<function>/.events/<event>.json).`);
}

/** The Functions area: tree updates, invoke with saved events, debug, new function, npm install. */
export function registerFunctionCommands(commands: CommandRegistry, s: Services, subscriptions: { dispose(): unknown }[]): void {
  const events = new EventDocuments(s);
  const results = new FunctionResults();
  const runner = new FunctionRunner(s, events, results);
  const debug = new FunctionDebugger(s, runner);
  const refreshFunctions = (envKey: string): void => s.changes.changed({ envKey, area: 'functions' });
  const watcher = new FunctionsWatcher(s.registry, (envKey) => refreshFunctions(envKey), s.log);
  const updateRoots = (): void => {
    // Both forms: `resourcePath` is the file system path, but older hosts compared the URI path.
    const roots = s.registry.list().flatMap((e) => (e.project ? [resolve(e.project.functionRoot), vscode.Uri.file(resolve(e.project.functionRoot)).path] : []));
    void vscode.commands.executeCommand('setContext', FUNCTION_ROOTS_KEY, [...new Set(roots)]);
  };
  updateRoots();
  const rootsSubscription = s.registry.onDidChange(updateRoots);
  subscriptions.push(events, results, debug, { dispose: () => watcher.dispose() }, { dispose: () => rootsSubscription.dispose() });

  const eventOf = (uri: vscode.Uri): EventTarget => {
    const target = eventTarget(s, uri);
    if (!target) throw notAnEvent(uri);
    return target;
  };

  // From an event file (CodeLens, editor title, or the palette with one open) it runs that event;
  // from a function (tree, inline button, palette) it runs the saved event the user picks.
  commands.register(CommandId.invokeFunction, async (arg?: unknown): Promise<InvokeResult | undefined> => {
    if (arg instanceof vscode.Uri) return runner.run(eventOf(arg));
    const given = givenTarget(s, arg);
    const active = given ? undefined : activeEventTarget(s);
    if (active) return runner.run(active);
    const target = given ?? (await pickFunction(s));
    const last = runner.lastRun;
    const lastName = last && last.envKey === target.envKey && last.name === target.name ? last.eventName : undefined;
    return runner.run(await events.chooseToRun(target, lastName));
  });

  // Opens a saved event (or a new one) to edit; the CodeLens on it runs it.
  commands.register(CommandId.editFunctionEvents, async (arg?: unknown): Promise<vscode.Uri> => {
    const target = givenTarget(s, arg) ?? (await pickFunction(s));
    return (await events.choose(target)).uri;
  });

  commands.register(CommandId.invokeFunctionAgain, async (): Promise<InvokeResult | undefined> => {
    const last = runner.lastRun;
    if (!last) return vscode.commands.executeCommand<InvokeResult | undefined>(CommandId.invokeFunction);
    return runner.run(last);
  });

  commands.register(CommandId.debugFunction, async (arg?: unknown) => {
    const event = arg instanceof vscode.Uri ? eventOf(arg) : givenTarget(s, arg) ? undefined : activeEventTarget(s);
    const target: FunctionTarget = event ?? givenTarget(s, arg) ?? (await pickFunction(s));
    const started = await debug.start(target);
    if (event) {
      // Not awaited: a breakpoint holds the invocation for as long as the user looks around.
      void s.errors.guard(`invoke ${event.name} under the debugger`, () => runner.run(event));
    } else {
      const invoke = vscode.l10n.t('Invoke…');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Debugging {0}: breakpoints in its files are hit on the next invocation.', target.name), invoke)
        .then((choice) => (choice === invoke ? vscode.commands.executeCommand(CommandId.invokeFunction, target) : undefined));
    }
    return { port: started.port, sessionId: started.session.id };
  });

  commands.register(CommandId.newFunction, (arg?: unknown) => newFunction(s, arg, (envKey) => watcher.watched.includes(envKey)));

  commands.register(CommandId.installFunctionDependencies, async (arg?: unknown) => {
    const target = givenTarget(s, arg) ?? (await pickFunction(s));
    const exitCode = await installDependencies(s, target);
    refreshFunctions(target.envKey);
    if (exitCode !== 0) throw new StudioError('ServiceError', `npm install in ${target.folder} ended with exit code ${String(exitCode)}; the terminal shows why.`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Dependencies of {0} are installed.', target.name), 5000);
    // After "Run npm install" on a failed invocation, that invocation runs again.
    const then = (arg as { then?: unknown } | undefined)?.then;
    if (then instanceof vscode.Uri) return runner.run(eventOf(then));
    return exitCode;
  });

  commands.register(CommandId.renameFunctionEvent, async (arg?: unknown) => {
    const target = arg instanceof vscode.Uri ? eventOf(arg) : activeEventTarget(s);
    if (!target) throw new StudioError('InvalidArgument', 'Open a saved event (<function>/.events/<event>.json) to rename it.');
    const renamed = await events.rename(target);
    runner.renamed(target.uri, renamed);
    return renamed;
  });
}
