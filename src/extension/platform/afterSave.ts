import * as vscode from 'vscode';

/**
 * Runs `then` once VS Code has finished the save of `uri` that is under way (a file system
 * provider's write returns before VS Code marks the editor saved; a change event sent in between
 * is ignored, because the editor is still saving).
 */
export function afterSave(uri: vscode.Uri, then: () => void, timeoutMs = 5000): void {
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    subscription.dispose();
    clearTimeout(timer);
    then();
  };
  const subscription = vscode.workspace.onDidSaveTextDocument((d) => d.uri.toString() === uri.toString() && setTimeout(finish, 0));
  const timer = setTimeout(finish, timeoutMs);
}
