import * as vscode from 'vscode';
import { EXPLORER_VIEW_ID } from '../commandIds';

/** Tree loads and quick actions: the explorer's own progress bar. */
export function withViewProgress<T>(task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: { viewId: EXPLORER_VIEW_ID } }, task));
}

export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
