/**
 * Tail Logs: on a function (that function), on the Functions area (every function of the
 * environment), or from the Command Palette (environment, then a function or all of them).
 */
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { LogPanelTarget } from '../../shared/protocol/logPanel';
import { pickEnvironment } from '../commands/pickers';
import { CommandId } from '../commandIds';
import { FunctionsNode } from '../explorer/nodes/functionsNode';
import { givenTarget, listAllFunctions } from '../functions/functionTargets';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { LogPanels } from '../panels/logPanels';
import type { Services } from '../services';

/** What a caller (a test, another command) may pass instead of a tree node. */
interface TargetArgument {
  envKey: string;
  functionName?: string;
}

function isTargetArgument(arg: unknown): arg is TargetArgument {
  const a = arg as Partial<TargetArgument> | undefined;
  return typeof a === 'object' && a !== null && typeof a.envKey === 'string' && (a.functionName === undefined || typeof a.functionName === 'string');
}

export function registerLogCommands(commands: CommandRegistry, s: Services, panels: LogPanels): void {
  commands.register(CommandId.tailLogs, async (arg?: unknown) => {
    const target = await tailTarget(s, arg);
    await panels.open(target);
  });
}

async function tailTarget(s: Services, arg: unknown): Promise<LogPanelTarget> {
  const label = (envKey: string): string => {
    const entry = s.registry.get(envKey);
    if (!entry) throw new StudioError('EnvironmentNotFound', `No environment ${envKey} is known.`);
    return entry.info.label;
  };
  if (arg instanceof FunctionsNode) return { envKey: arg.envKey, envLabel: label(arg.envKey) };
  const fn = givenTarget(s, arg);
  if (fn) return { envKey: fn.envKey, envLabel: label(fn.envKey), functionName: fn.name };
  if (isTargetArgument(arg)) return { envKey: arg.envKey, envLabel: label(arg.envKey), functionName: arg.functionName };

  const entry = await pickEnvironment(s);
  const functions = await listAllFunctions(s, entry.key);
  const all = { label: `$(list-flat) ${vscode.l10n.t('All functions')}`, description: vscode.l10n.t('Every function of {0}', entry.info.label), name: undefined };
  const chosen = await s.prompts.ui.pick<vscode.QuickPickItem & { name: string | undefined }>(
    [all, ...functions.map((f) => ({ label: f.name, description: f.runtime, name: f.name }))],
    { title: vscode.l10n.t('Tail logs of'), placeHolder: vscode.l10n.t('Function') },
  );
  return { envKey: entry.key, envLabel: entry.info.label, functionName: chosen.name };
}
