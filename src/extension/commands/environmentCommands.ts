import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { can } from '../environments/capabilities';
import type { EnvironmentEntry } from '../environments/registry';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { pickEnvironment } from './pickers';

/** Start and stop local environments. */
export function registerEnvironmentCommands(commands: CommandRegistry, s: Services): void {
  registerEnvironmentProcessCommands(commands, s);
  commands.register(CommandId.startLocalEnvironment, async (node?: EnvironmentNode) => {
    const entry = node instanceof EnvironmentNode ? node.entry : await chooseProject(s);
    await withViewProgress(() => s.registry.start(entry.key));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Local environment {0} is running.', entry.info.label), 5000);
  });

  commands.register(CommandId.stopLocalEnvironment, async (node?: EnvironmentNode) => {
    const running = (e: EnvironmentEntry): boolean => can(e.info.kind, 'startStop') && (e.state === 'running' || e.state === 'starting');
    const entry = await runningTarget(s, node, running);
    if (!entry) return;
    const { key } = entry;
    await withViewProgress(() => s.registry.stop(key));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Local environment {0} stopped.', entry.info.label), 5000);
  });
}

/** Restart (after a crash, or to start over) and the SDK set-up of a running local environment. */
export function registerEnvironmentProcessCommands(commands: CommandRegistry, s: Services): void {
  const local = (e: EnvironmentEntry): boolean => can(e.info.kind, 'startStop');
  commands.register(CommandId.restartLocalEnvironment, async (node?: EnvironmentNode) => {
    const entry = node instanceof EnvironmentNode ? node.entry : await pickEnvironment(s, local);
    const { key } = entry;
    await withViewProgress(async () => {
      await s.registry.stop(key);
      await s.registry.start(key);
    });
    vscode.window.setStatusBarMessage(vscode.l10n.t('Local environment {0} is running.', entry.info.label), 5000);
  });

  commands.register(CommandId.copySdkSetup, async (node?: EnvironmentNode) => {
    const running = (e: EnvironmentEntry): boolean => local(e) && e.state === 'running';
    const entry = await runningTarget(s, node, running);
    if (!entry) return;
    const setup = s.registry.get(entry.key)?.sdkSetup;
    if (!setup) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Start the local environment first: its SDK setup names its address.'));
      return;
    }
    await vscode.env.clipboard.writeText(setup + '\n');
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the SDK setup of {0}: paste it into a terminal before running SDK code.', entry.info.label), 5000);
  });
}

interface FolderChoice extends vscode.QuickPickItem {
  folder?: string;
}

/**
 * Any folder can hold a local environment: a workspace folder, one chosen before, or one from a
 * folder dialog. The choice is remembered for this workspace.
 */
async function chooseProject(s: Services): Promise<EnvironmentEntry> {
  await s.projects.ready;
  const seen = new Set<string>();
  const choices: FolderChoice[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const folder = resolve(f.uri.fsPath);
    seen.add(folder);
    choices.push({ label: `$(root-folder) ${f.name}`, description: folder, folder });
  }
  for (const folder of s.projects.explicitFolders()) {
    if (seen.has(folder)) continue;
    seen.add(folder);
    choices.push({ label: `$(folder) ${folder.split(/[\\/]/).pop() ?? folder}`, description: folder, folder });
  }
  let folder: string | undefined;
  if (choices.length > 0) {
    const browse: FolderChoice = { label: `$(folder-opened) ${vscode.l10n.t('Choose Folder…')}`, alwaysShow: true };
    const chosen = await s.prompts.ui.pick([...choices, browse], {
      title: vscode.l10n.t('Start Local Environment'),
      placeHolder: vscode.l10n.t('Folder of the mini program or CloudBase project'),
    });
    folder = chosen.folder;
  }
  if (folder === undefined) {
    const uri = await s.prompts.ui.pickFolder({ title: vscode.l10n.t('Start Local Environment'), openLabel: vscode.l10n.t('Use This Folder') });
    folder = resolve(uri.fsPath);
  }
  return s.registry.findByRoot(folder) ?? s.projects.addExplicit(folder);
}

/** The tree node's environment, else one picked among those `running` accepts; undefined (and said) when none runs. */
async function runningTarget(s: Services, node: unknown, running: (e: EnvironmentEntry) => boolean): Promise<EnvironmentEntry | undefined> {
  if (node instanceof EnvironmentNode) return node.entry;
  if (!s.registry.list().some(running)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No local environment is running.'));
    return undefined;
  }
  return pickEnvironment(s, running);
}
