import * as vscode from 'vscode';
import { isCancellation } from '../../shared/errors';
import { logDescription, userMessage } from './errorMessages';

/**
 * Shows an error once, at the boundary where the user's action ended, with what they can do
 * next; the details go to the log. Cancellation is the user's choice and stays silent.
 */
export class ErrorReporter {
  private readonly shown = new WeakSet<object>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  report(error: unknown, context: { what: string; retry?: () => unknown }): void {
    if (isCancellation(error)) {
      this.log.debug(`${context.what}: cancelled`);
      return;
    }
    if (typeof error === 'object' && error !== null) {
      if (this.shown.has(error)) return;
      this.shown.add(error);
    }
    this.log.error(`${context.what} failed: ${logDescription(error)}`);
    const retry = vscode.l10n.t('Retry');
    const showLogs = vscode.l10n.t('Show Logs');
    const actions = context.retry ? [retry, showLogs] : [showLogs];
    // Not awaited: the command is over; the buttons act whenever the user gets to them.
    void vscode.window.showErrorMessage(userMessage(error), ...actions).then((choice) => {
      if (choice === showLogs) this.log.show(true);
      else if (choice === retry) void Promise.resolve(context.retry?.()).catch((e: unknown) => this.report(e, context));
    });
  }
}
