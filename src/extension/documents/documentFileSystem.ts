import * as vscode from 'vscode';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import type { DocumentJson } from '../../shared/model';
import type { EnvironmentRegistry } from '../environments/registry';
import type { Prompts } from '../platform/userInput';
import { overwriteDocument, parseEditedDocument, saveDocument } from './conditionalSave';
import type { DocumentAddress } from './documentAddress';
import { DOCUMENT_SCHEME, READONLY_SCHEME, documentPath, parseDocumentPath } from './documentAddress';

/** What an editor's save compares against: the document as last read or written. */
interface Baseline {
  document: DocumentJson;
  /** Set when the user chose Overwrite after a conflict: the next save writes whatever is stored. */
  overwrite?: boolean;
}

export function documentText(document: DocumentJson): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Documents as editable JSON files on `cloudbase:`. A save writes only if the stored document is
 * still the one the editor read; otherwise nothing is written, the save fails (VS Code keeps the
 * buffer dirty) and the user picks Compare, Overwrite or Reload.
 */
export class DocumentFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly baselines = new Map<string, Baseline>();
  /**
   * What stat() reports as mtime. It moves only when VS Code should reread a clean editor (our
   * writes, an explicit refresh), never on reads: VS Code's own "modified since" check must not
   * fire, because the conditional save is the check.
   */
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly prompts: Prompts,
    private readonly onSaved: (address: DocumentAddress) => void = () => undefined,
  ) {}

  static register(registry: EnvironmentRegistry, prompts: Prompts, onSaved?: (address: DocumentAddress) => void): { documents: DocumentFileSystem; registration: vscode.Disposable } {
    const documents = new DocumentFileSystem(registry, prompts, onSaved);
    const registration = vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(DOCUMENT_SCHEME, documents, { isCaseSensitive: true }),
      documents,
    );
    return { documents, registration };
  }

  dispose(): void {
    this.changed.dispose();
  }

  uriFor(address: DocumentAddress): vscode.Uri {
    return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: documentPath(address) });
  }

  /** `preserveFocus` when opened from the tree, so the keyboard stays there (Delete, arrows). */
  async open(address: DocumentAddress, options: { preserveFocus: boolean }): Promise<vscode.TextEditor> {
    const uri = this.uriFor(address);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // A clean editor shows what is stored now; a dirty one keeps the user's edit.
    if (open && !open.isDirty) {
      this.bump(uri);
      this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    }
    let document = open ?? (await vscode.workspace.openTextDocument(uri));
    if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: true, preserveFocus: options.preserveFocus });
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    this.address(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: this.versions.get(uri.toString()) ?? 1, size: 0 };
  }

  private bump(uri: vscode.Uri): void {
    this.versions.set(uri.toString(), (this.versions.get(uri.toString()) ?? 1) + 1);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const address = this.address(uri);
    const backend = await this.registry.backend(address.envKey);
    const document = await backend.database.getDocument(address.collection, address.id);
    if (!document) throw vscode.FileSystemError.FileNotFound(uri);
    const bytes = Buffer.from(documentText(document), 'utf8');
    this.baselines.set(uri.toString(), { document });
    return bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const address = this.address(uri);
    const key = uri.toString();
    const baseline = this.baselines.get(key);
    if (!baseline) throw new StudioError('InvalidArgument', `Open the document ${address.id} before saving it.`);
    const edited = parseEditedDocument(Buffer.from(content).toString('utf8'), address.id);
    const database = (await this.registry.backend(address.envKey)).database;
    let written: DocumentJson;
    if (baseline.overwrite) {
      written = await overwriteDocument(database, address.collection, edited);
    } else {
      const outcome = await saveDocument(database, address.collection, baseline.document, edited);
      if (outcome.kind === 'conflict') {
        void this.resolveConflict(uri, address);
        throw new StudioError(
          'Conflict',
          outcome.stored
            ? vscode.l10n.t('Document {0} changed in the database since it was opened; nothing was written.', address.id)
            : vscode.l10n.t('Document {0} was deleted from the database since it was opened; nothing was written.', address.id),
        );
      }
      written = outcome.document;
    }
    this.baselines.set(key, { document: written });
    this.bump(uri);
    this.onSaved(address);
  }

  /** Compare opens a diff (stored ↔ edited); Overwrite saves again without the check; Reload drops the edit. */
  private async resolveConflict(uri: vscode.Uri, address: DocumentAddress): Promise<void> {
    const compare = { label: vscode.l10n.t('Compare'), detail: vscode.l10n.t('Show the stored document beside your edit') };
    const overwrite = { label: vscode.l10n.t('Overwrite'), detail: vscode.l10n.t('Replace the stored document with your edit') };
    const reload = { label: vscode.l10n.t('Reload'), detail: vscode.l10n.t('Discard your edit and show the stored document') };
    try {
      const choice = await this.prompts.ui.pick([compare, overwrite, reload], {
        title: vscode.l10n.t('Document {0} changed in the database since it was opened', address.id),
        placeHolder: vscode.l10n.t('Choose how to resolve the conflict'),
        ignoreFocusOut: true,
      });
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (choice === compare) {
        const stored = vscode.Uri.from({ scheme: READONLY_SCHEME, path: uri.path });
        await vscode.commands.executeCommand('vscode.diff', stored, uri, vscode.l10n.t('{0} (stored) ↔ (yours)', `${address.id}.json`));
      } else if (choice === overwrite) {
        const baseline = this.baselines.get(uri.toString());
        if (baseline) baseline.overwrite = true;
        await document?.save();
      } else if (document) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    } catch (e) {
      if (!isStudioError(e, 'Cancelled')) void vscode.window.showErrorMessage(messageOf(e));
    }
  }

  private address(uri: vscode.Uri): DocumentAddress {
    try {
      return parseDocumentPath(uri.path);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
