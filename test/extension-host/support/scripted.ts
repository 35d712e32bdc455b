/** What every extension-host suite needs: the extension's id, scripted prompts, and polling. */
import * as vscode from 'vscode';
import type { PickOptions, UserInput } from '../../../src/extension/platform/userInput';

export const EXTENSION_ID = 'cloudbase-studio.cloudbase-studio';

export interface Answers {
  /** Quick-pick answers in order: a label (exact, else the label's ending) or a pattern. */
  pick?: (string | RegExp)[];
  input?: string[];
  /** How many confirmations to accept. */
  confirm?: number;
  /** How many confirmations to decline after the accepted ones, as closing the dialog does. */
  decline?: number;
  folder?: vscode.Uri;
  file?: vscode.Uri;
  files?: vscode.Uri[];
  saveFile?: vscode.Uri;
}

/** Answers prompts from a script, in order; any prompt the script did not expect fails the test. */
export class ScriptedInput implements UserInput {
  readonly asked: string[] = [];
  /** What each quick pick offered, in order. */
  readonly offered: vscode.QuickPickItem[][] = [];
  /** Each file dialog opened, with the folder it would open in. */
  readonly dialogs: { kind: string; defaultUri?: vscode.Uri }[] = [];
  constructor(private readonly answers: Answers) {}

  async pick<T extends vscode.QuickPickItem>(items: readonly T[] | Promise<readonly T[]>, options: PickOptions): Promise<T> {
    this.asked.push(`pick: ${options.title}`);
    const answer = this.answers.pick?.shift();
    if (answer === undefined) throw new Error(`unexpected pick: ${options.title}`);
    const offered = await items;
    this.offered.push([...offered]);
    const chosen =
      typeof answer === 'string'
        ? (offered.find((i) => i.label === answer) ?? offered.find((i) => i.label.endsWith(answer)))
        : offered.find((i) => answer.test(i.label));
    if (!chosen) throw new Error(`${options.title} offers no ${String(answer)}: ${offered.map((i) => i.label).join(', ')}`);
    return chosen;
  }

  async input(options: vscode.InputBoxOptions): Promise<string> {
    this.asked.push(`input: ${options.title}`);
    const answer = this.answers.input?.shift();
    if (answer === undefined) throw new Error(`unexpected input box: ${options.title}`);
    const invalid = await options.validateInput?.(answer);
    if (invalid) throw new Error(`the script's answer ${answer} is invalid: ${String(invalid)}`);
    return answer;
  }

  async confirm(message: string, _action?: string, detail?: string): Promise<void> {
    this.asked.push(`confirm: ${[message, detail].filter(Boolean).join(' ')}`);
    if (this.answers.confirm) {
      this.answers.confirm--;
      return;
    }
    if (this.answers.decline) {
      this.answers.decline--;
      // The extension's tests run from another bundle than its errors: a cancellation is recognised by name.
      throw Object.assign(new Error('The prompt was dismissed.'), { name: 'AbortError' });
    }
    throw new Error(`unexpected confirmation: ${message}`);
  }

  async pickFolder(options: vscode.OpenDialogOptions): Promise<vscode.Uri> {
    return this.dialog('folder', options, this.answers.folder);
  }
  async pickFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri> {
    return this.dialog('file', options, this.answers.file);
  }
  async pickFiles(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
    return this.dialog('files', options, this.answers.files);
  }
  async pickSaveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    return this.dialog('save', options, this.answers.saveFile);
  }

  private dialog<T>(kind: string, options: { defaultUri?: vscode.Uri } | undefined, answer: T | undefined): T {
    this.dialogs.push({ kind, defaultUri: options?.defaultUri });
    if (!answer) throw new Error(`unexpected ${kind} dialog`);
    return answer;
  }
}

/** Polls `probe` until it returns a value. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
