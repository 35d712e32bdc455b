import * as vscode from 'vscode';
import { isCancellation } from '../../shared/errors';
import { CommandId } from '../commandIds';
import { guarded } from './errorBoundary';
import { logDescription, needsSignIn, userMessage } from './errorMessages';

/** What a report showed: the message the user read and the actions offered. */
export interface ShownError {
  what: string;
  message: string;
  actions: string[];
}

/**
 * Shows an error once, at the boundary where the user's action ended, with what they can do
 * next; the details go to the log. Cancellation is the user's choice and stays silent.
 */
export class ErrorReporter {
  private readonly shown = new WeakSet<object>();
  private readonly observers = new Set<(shown: ShownError) => void>();

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
    const showLogs = vscode.l10n.t('Show Extension Log');
    const signIn = vscode.l10n.t('Sign In Again');
    const actions = needsSignIn(error) ? [signIn, showLogs] : context.retry ? [retry, showLogs] : [showLogs];
    const message = userMessage(error);
    for (const observer of [...this.observers]) observer({ what: context.what, message, actions });
    // Not awaited: the command is over; the buttons act whenever the user gets to them.
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === showLogs) this.log.show(true);
      else if (choice === signIn) void vscode.commands.executeCommand(CommandId.signIn);
      else if (choice === retry) void Promise.resolve(context.retry?.()).catch((e: unknown) => this.report(e, context));
    });
  }

  /** Runs a callback outside any command (webview message, file system, debug session) behind this reporter. */
  guard<R>(what: string, fn: () => R | Promise<R>): Promise<R | undefined> {
    return guarded(this, what, fn)();
  }

  /** Tests: sees every error shown from now on. */
  observe(observer: (shown: ShownError) => void): { dispose(): void } {
    this.observers.add(observer);
    return { dispose: () => this.observers.delete(observer) };
  }
}
