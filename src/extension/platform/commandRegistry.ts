import * as vscode from 'vscode';
import type { CommandId } from '../commandIds';
import type { ErrorReporter } from './errorReporter';

/**
 * Every command goes through here: the invocation is logged (ids only, never values that could
 * hold secrets), errors reach the reporter once with a Retry that runs the same command again,
 * and cancellation stays silent.
 */
export class CommandRegistry {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly errors: ErrorReporter,
    private readonly subscriptions: { dispose(): unknown }[],
  ) {}

  register<A extends unknown[]>(id: CommandId, handler: (...args: A) => unknown): void {
    const run = async (...args: unknown[]): Promise<unknown> => {
      this.log.debug(`${id}${describeArgs(args)}`);
      try {
        return await handler(...(args as A));
      } catch (e) {
        this.errors.report(e, { what: id, retry: () => vscode.commands.executeCommand(id, ...args) });
        return undefined;
      }
    };
    this.subscriptions.push(vscode.commands.registerCommand(id, run));
  }
}

function describeArgs(args: unknown[]): string {
  const first = args[0];
  if (first === undefined) return '';
  if (typeof first === 'object' && first !== null && 'id' in first && typeof first.id === 'string') return ` (${first.id})`;
  return ` (${typeof first})`;
}
