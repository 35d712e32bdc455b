import * as vscode from 'vscode';

/** `cloudbase.state`: drives the explorer's welcome view (shown for `noEnvironments`). */
export type StudioState = 'loading' | 'noEnvironments' | 'ready';

/** `cloudbase.explorerSelection`: lets the Delete key pick the right command (keybindings cannot see viewItem). */
export type ExplorerSelection = 'none' | 'environment' | 'collection' | 'document' | 'storage' | 'other';

export function setStudioState(state: StudioState): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'cloudbase.state', state);
}

export function setExplorerSelection(selection: ExplorerSelection): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'cloudbase.explorerSelection', selection);
}

/** `cloudbase.signedIn`: at least one Tencent Cloud account (shows Sign Out in the Command Palette). */
export function setSignedIn(signedIn: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'cloudbase.signedIn', signedIn);
}

/** `cloudbase.cloudEnvironments`: a cloud environment is listed, so Compare with Deployed has something to compare with. */
export function setCloudEnvironments(present: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', 'cloudbase.cloudEnvironments', present);
}
