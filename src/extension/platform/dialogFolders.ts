import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';

/** What a file dialog is for; each remembers its own last folder. */
export type DialogPurpose = 'upload' | 'download' | 'import';

const KEY = 'cloudbase.dialogFolders';

/**
 * Where file dialogs open: the folder last used for the same purpose in this workspace, else the
 * (first) workspace folder. Without a default, the dialogs open in the active editor's folder,
 * which is often a function's `.events/`.
 */
export class DialogFolders {
  constructor(private readonly state: vscode.Memento) {}

  defaultUri(purpose: DialogPurpose): vscode.Uri | undefined {
    const last = this.state.get<Partial<Record<DialogPurpose, string>>>(KEY, {})[purpose];
    if (last && isFolder(last)) return vscode.Uri.file(last);
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
  }

  /** Remembers the folder of what was chosen (a folder itself, or a file's folder). */
  async remember(purpose: DialogPurpose, chosen: vscode.Uri): Promise<void> {
    if (chosen.scheme !== 'file') return;
    const folder = isFolder(chosen.fsPath) ? chosen.fsPath : dirname(chosen.fsPath);
    await this.state.update(KEY, { ...this.state.get<Partial<Record<DialogPurpose, string>>>(KEY, {}), [purpose]: folder });
  }
}

function isFolder(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
