import * as vscode from 'vscode';

/** The one output channel everything logs to; "Show Extension Log" opens it. Never given secrets. */
export function createLog(): vscode.LogOutputChannel {
  // The product name is the same in every language.
  return vscode.window.createOutputChannel('CloudBase Studio', { log: true });
}
