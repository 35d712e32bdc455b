import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';

/**
 * Every question the extension asks goes through this interface, so extension-host tests can
 * script the answers. A dismissed prompt throws a cancellation, which commands let through
 * silently.
 */
export interface UserInput {
  pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions): Promise<T>;
  input(options: vscode.InputBoxOptions): Promise<string>;
  /** A modal warning; resolves when the user chose `action`. */
  confirm(message: string, action: string, detail?: string): Promise<void>;
  pickFolder(options: vscode.OpenDialogOptions): Promise<vscode.Uri>;
  /** Absent in older scripts: callers fall back to the window's dialogs. */
  pickFile?(options: vscode.OpenDialogOptions): Promise<vscode.Uri>;
  /** Several files at once (Upload Files…). */
  pickFiles?(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]>;
  pickSaveFile?(options: vscode.SaveDialogOptions): Promise<vscode.Uri>;
}

export type PickOptions = Omit<vscode.QuickPickOptions, 'canPickMany'>;

export function dismissed(): StudioError {
  return new StudioError('Cancelled', 'The prompt was dismissed.');
}

export const windowInput: UserInput = {
  async pick(items, options) {
    const chosen = await vscode.window.showQuickPick(items, options);
    if (chosen === undefined) throw dismissed();
    return chosen;
  },
  async input(options) {
    const value = await vscode.window.showInputBox(options);
    if (value === undefined) throw dismissed();
    return value;
  },
  async confirm(message, action, detail) {
    const chosen = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    if (chosen !== action) throw dismissed();
  },
  async pickFolder(options) {
    const chosen = await vscode.window.showOpenDialog({ ...options, canSelectFolders: true, canSelectFiles: false, canSelectMany: false });
    if (!chosen || chosen.length === 0) throw dismissed();
    return chosen[0];
  },
  async pickFile(options) {
    const chosen = await vscode.window.showOpenDialog({ ...options, canSelectFolders: false, canSelectFiles: true, canSelectMany: false });
    if (!chosen || chosen.length === 0) throw dismissed();
    return chosen[0];
  },
  async pickFiles(options) {
    const chosen = await vscode.window.showOpenDialog({ ...options, canSelectFolders: false, canSelectFiles: true, canSelectMany: true });
    if (!chosen || chosen.length === 0) throw dismissed();
    return chosen;
  },
  async pickSaveFile(options) {
    const chosen = await vscode.window.showSaveDialog(options);
    if (!chosen) throw dismissed();
    return chosen;
  },
};

/** The prompts in use: the real window, or a test's script. */
export class Prompts {
  private current: UserInput = windowInput;

  get ui(): UserInput {
    return this.current;
  }

  use(input: UserInput | undefined): void {
    this.current = input ?? windowInput;
  }
}
