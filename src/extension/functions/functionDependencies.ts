import * as vscode from 'vscode';
import type { Services } from '../services';
import type { FunctionTarget } from './functionTargets';

/** Declared in package.json `taskDefinitions`, so the task shows and can be re-run like any other. */
export const NPM_INSTALL_TASK_TYPE = 'cloudbase-npm-install';

/**
 * Runs `npm install` in the function's folder as a VS Code task (its output in a terminal, where
 * the user can answer npm and see what happened) and resolves with the exit code.
 */
export async function installDependencies(s: Services, target: FunctionTarget): Promise<number | undefined> {
  const scope = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.folder)) ?? vscode.TaskScope.Workspace;
  const definition = { type: NPM_INSTALL_TASK_TYPE, folder: target.folder };
  const task = new vscode.Task(
    definition,
    scope,
    vscode.l10n.t('npm install ({0})', target.name),
    'CloudBase',
    new vscode.ShellExecution('npm install --no-audit --no-fund', { cwd: target.folder }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  // Subscribed before the start, so a fast install's end is not missed.
  const ended = new Promise<number | undefined>((resolve) => {
    const listener = vscode.tasks.onDidEndTaskProcess((e) => {
      const d = e.execution.task.definition;
      if (d.type !== NPM_INSTALL_TASK_TYPE || d.folder !== target.folder) return;
      listener.dispose();
      resolve(e.exitCode);
    });
  });
  s.log.info(`Running npm install in ${target.folder}`);
  await vscode.tasks.executeTask(task);
  const exitCode = await ended;
  s.log.info(`npm install in ${target.folder} ended with exit code ${String(exitCode)}`);
  return exitCode;
}
