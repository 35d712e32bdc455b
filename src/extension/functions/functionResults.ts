import * as vscode from 'vscode';
import type { InvokeResult } from '../../shared/model';
import { CommandId } from '../commandIds';
import type { FunctionTarget } from './functionTargets';
import { invocationReport } from './invocationReport';

/**
 * Where invocations end up: the "CloudBase: Function Results" channel (result or error with its
 * stack, whose file paths the output view links to the user's files, duration, memory, logs),
 * plus a status-bar line on success or a notification with the next step on failure.
 */
export class FunctionResults implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel(vscode.l10n.t('CloudBase: Function Results'));

  dispose(): void {
    this.channel.dispose();
  }

  /** `rerun`: what "Run npm install" invokes again once the dependencies are in. */
  show(target: FunctionTarget, eventName: string | undefined, startedAt: Date, result: InvokeResult, rerun?: unknown): void {
    this.channel.append(
      invocationReport(
        { functionName: target.name, eventName, startedAt, result },
        {
          requestId: vscode.l10n.t('Request ID'),
          duration: vscode.l10n.t('Duration'),
          memory: vscode.l10n.t('Memory'),
          result: vscode.l10n.t('Result'),
          noResult: vscode.l10n.t('(nothing returned)'),
          error: vscode.l10n.t('Error'),
          logs: vscode.l10n.t('Logs'),
          moreLogs: vscode.l10n.t('{0} more log lines are in the log panel'),
        },
      ),
    );
    this.channel.show(true);
    const error = result.error;
    if (!error) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('{0} returned in {1} ms.', target.name, result.durationMs), 5000);
      return;
    }
    // Not awaited: the invocation is over; the buttons act whenever the user gets to them.
    if (error.code === 'DependenciesMissing') {
      const install = vscode.l10n.t('Run npm install');
      void vscode.window.showErrorMessage(vscode.l10n.t('Dependencies of {0} are not installed.', target.name), install).then((choice) => {
        if (choice === install) void vscode.commands.executeCommand(CommandId.installFunctionDependencies, { ...target, then: rerun });
      });
      return;
    }
    const showResults = vscode.l10n.t('Show Results');
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', target.name, error.message), showResults).then((choice) => {
      if (choice === showResults) this.channel.show();
    });
  }
}
