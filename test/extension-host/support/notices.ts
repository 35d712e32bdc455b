/**
 * What the extension tells the user in passing: progress notifications (title and each message;
 * not the explorer's own progress bar) and status bar messages. Tests share the extension's
 * `vscode` API object (they load from its folder), so wrapping these two functions sees the
 * extension's calls; both still do what they did.
 */
import * as vscode from 'vscode';

export interface Notices {
  progress: { title?: string; messages: string[] }[];
  statusBar: string[];
  dispose(): void;
}

export function recordNotices(): Notices {
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const { withProgress, setStatusBarMessage } = window;
  const notices: Notices = {
    progress: [],
    statusBar: [],
    dispose: () => {
      window.withProgress = withProgress;
      window.setStatusBarMessage = setStatusBarMessage;
    },
  };
  window.withProgress = ((options, task) => {
    if (options.location !== vscode.ProgressLocation.Notification) return withProgress(options, task);
    const shown = { title: options.title, messages: [] as string[] };
    notices.progress.push(shown);
    return withProgress(options, (progress, token) =>
      task(
        {
          report: (value) => {
            if (value.message !== undefined) shown.messages.push(value.message);
            progress.report(value);
          },
        },
        token,
      ),
    );
  }) as typeof vscode.window.withProgress;
  window.setStatusBarMessage = ((text: string, ...rest: [never]) => {
    notices.statusBar.push(text);
    return setStatusBarMessage(text, ...rest);
  }) as typeof vscode.window.setStatusBarMessage;
  return notices;
}
