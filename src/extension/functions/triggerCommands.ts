/**
 * Timer triggers of local functions: Run Trigger Now (fires the function once with the event the
 * trigger sends), and the `cloudbase.local.timersPaused` setting applied to every running local
 * environment as it changes.
 */
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { FunctionInfo, InvokeResult } from '../../shared/model';
import { timerEvent, type TriggerInfo } from '../../shared/triggers';
import { CommandId } from '../commandIds';
import { can } from '../environments/capabilities';
import { TriggerNode } from '../explorer/nodes/triggerNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { pickFunction, listAllFunctions } from './functionTargets';

export interface TriggerTarget {
  envKey: string;
  functionName: string;
  triggerName: string;
}

const runnable = (t: TriggerInfo): boolean => t.type === 'timer' && !t.error;

function isTriggerTarget(arg: unknown): arg is TriggerTarget {
  const t = arg as Partial<TriggerTarget> | undefined;
  return typeof t === 'object' && t !== null && typeof t.envKey === 'string' && typeof t.functionName === 'string' && typeof t.triggerName === 'string';
}

async function pickTrigger(s: Services): Promise<TriggerTarget> {
  const fn = await pickFunction(s, (f: FunctionInfo) => (f.triggers ?? []).some(runnable));
  const info = (await listAllFunctions(s, fn.envKey)).find((f) => f.name === fn.name);
  const triggers = (info?.triggers ?? []).filter(runnable);
  if (triggers.length === 0) throw new StudioError('FunctionNotFound', `${fn.name} has no timer trigger that can run.`);
  const chosen =
    triggers.length === 1
      ? triggers[0]
      : (
          await s.prompts.ui.pick<vscode.QuickPickItem & { trigger: TriggerInfo }>(
            triggers.map((t) => ({ label: t.name, description: t.config, trigger: t })),
            { title: vscode.l10n.t('Choose a timer trigger'), placeHolder: vscode.l10n.t('Trigger') },
          )
        ).trigger;
  return { envKey: fn.envKey, functionName: fn.name, triggerName: chosen.name };
}

export function registerTriggerCommands(commands: CommandRegistry, s: Services, subscriptions: { dispose(): unknown }[]): void {
  commands.register(CommandId.runTriggerNow, async (arg?: unknown): Promise<InvokeResult | undefined> => {
    const target: TriggerTarget =
      arg instanceof TriggerNode
        ? { envKey: arg.envKey, functionName: arg.functionName, triggerName: arg.trigger.name }
        : isTriggerTarget(arg)
          ? arg
          : await pickTrigger(s);
    if (arg instanceof TriggerNode && !runnable(arg.trigger)) {
      throw new StudioError('InvalidArgument', arg.trigger.error?.message ?? `${arg.trigger.name} is not a timer trigger.`);
    }
    const functions = (await withViewProgress(() => s.registry.backend(target.envKey))).functions;
    if (!functions) throw new StudioError('NotSupported', 'This environment does not offer cloud functions.');
    s.log.info(`Running timer trigger ${target.triggerName} of ${target.functionName} in ${target.envKey} now`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Running trigger {0} of {1}…', target.triggerName, target.functionName) },
      () => functions.invoke(target.functionName, timerEvent(target.triggerName, Date.now()) as never),
    );
    s.log.info(`${target.functionName} ${result.error ? `failed (${result.error.code ?? 'error'})` : 'returned'} in ${result.durationMs} ms, request ${result.requestId}`);
    if (!result.error) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('Trigger {0} ran {1} in {2} ms.', target.triggerName, target.functionName, result.durationMs), 5000);
    } else {
      const tail = vscode.l10n.t('Tail Logs');
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', target.functionName, result.error.message), tail).then((choice) => {
        if (choice === tail) void vscode.commands.executeCommand(CommandId.tailLogs, { envKey: target.envKey, functionName: target.functionName });
      });
    }
    return result;
  });

  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('cloudbase.local.timersPaused')) return;
      const paused = vscode.workspace.getConfiguration('cloudbase').get<boolean>('local.timersPaused', false);
      s.log.info(paused ? 'Timer triggers paused in every local environment.' : 'Timer triggers resumed in every local environment.');
      s.registry.setTimersPaused(paused);
      for (const entry of s.registry.list()) if (can(entry.info.kind, 'runTriggers')) s.changes.changed({ envKey: entry.key, area: 'functions' });
    }),
  );
}
