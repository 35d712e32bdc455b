import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import type { DocumentJson } from '../../shared/model';
import type { EnvironmentRegistry } from '../environments/registry';
import { afterSave } from '../platform/afterSave';
import { touchesDocument, type DataChange, type DataChanges } from '../platform/dataChanges';
import { settings } from '../platform/settings';
import { readableSaveError } from '../platform/errorMessages';
import type { ErrorReporter } from '../platform/errorReporter';
import type { Prompts } from '../platform/userInput';
import { overwriteDocument, parseEditedDocument, saveDocument } from './conditionalSave';
import type { DocumentAddress } from './documentAddress';
import { DOCUMENT_SCHEME, READONLY_SCHEME, documentPath, parseDocumentPath } from './documentAddress';
import { parseErrorPosition } from './draftText';
import type { ReadonlyDocuments } from './readonlyDocuments';

/** The environments a document path can name. */
export function namedEnvironments(registry: EnvironmentRegistry): { key: string; label: string }[] {
  return registry.list().map((e) => ({ key: e.key, label: e.info.label }));
}

export function documentText(document: DocumentJson): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** How often open editors look whether their document changed in the database. */
const STORED_CHECK_MS = 2000;
/** Tencent environments are asked less often: each look is a Cloud API call. */
const REMOTE_CHECK_MS = 15_000;
/** How long the reason of a save VS Code announced stays attached to the write that follows. */
const REASON_TTL_MS = 60_000;

/** Why an editor's text is not what the database holds, shown as a diagnostic on the editor. */
interface Unsaved {
  /** The text an auto-save handed over that was not written (kept for a reread of the editor). */
  draft?: string;
  draftNote?: vscode.Diagnostic;
  /** The stored document is no longer the one the editor read. */
  changedElsewhere?: boolean;
}

/**
 * Documents as editable JSON files on `cloudbase:`. A save writes only if the stored document is
 * still the one the editor read; otherwise nothing is written and the user picks Compare,
 * Overwrite or Reload while the save waits. Auto-save (VS Code's `files.autoSave`) writes only
 * valid JSON, or nothing when `cloudbase.documents.autoSave` is `explicitOnly`: what it does not
 * write stays in the editor, marked with a diagnostic, without an error (an error would show a
 * toast for every pause in typing, and VS Code stops auto-saving an editor whose save failed).
 */
export class DocumentFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** What an editor's save compares against: the document as last read or written. */
  private readonly baselines = new Map<string, DocumentJson>();
  /**
   * What stat() reports as mtime. It moves only when VS Code should reread a clean editor (our
   * writes, an explicit refresh), never on reads: VS Code's own "modified since" check must not
   * fire, because the conditional save is the check.
   */
  private readonly versions = new Map<string, number>();
  /** The reason of the save VS Code is about to make, per document (from onWillSaveTextDocument). */
  private readonly saveReasons = new Map<string, { reason: vscode.TextDocumentSaveReason; at: number }>();
  private readonly unsaved = new Map<string, Unsaved>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('cloudbase-documents');
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer?: ReturnType<typeof setInterval>;
  private checking = false;
  private readonly lastChecked = new Map<string, number>();
  /** Documents whose save is under way: a look at the stored version then would see our own write. */
  private readonly writing = new Set<string>();
  /** Editors whose explicit save failed on invalid JSON, watched until their JSON is valid again. */
  private readonly resuming = new Map<string, vscode.Disposable>();

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly prompts: Prompts,
    private readonly errors: ErrorReporter,
    private readonly changes?: DataChanges,
    private readonly storedVersions?: ReadonlyDocuments,
  ) {
    if (changes) this.subscriptions.push(changes.onDidChange((change) => this.changedElsewhere(change)));
    this.subscriptions.push(
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document.uri.scheme === DOCUMENT_SCHEME) this.saveReasons.set(e.document.uri.toString(), { reason: e.reason, at: Date.now() });
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.watchVisible()),
      vscode.window.onDidChangeWindowState((s) => s.focused && void this.checkStored()),
    );
  }

  static register(
    registry: EnvironmentRegistry,
    prompts: Prompts,
    errors: ErrorReporter,
    changes?: DataChanges,
    storedVersions?: ReadonlyDocuments,
  ): { documents: DocumentFileSystem; registration: vscode.Disposable } {
    const documents = new DocumentFileSystem(registry, prompts, errors, changes, storedVersions);
    const registration = vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(DOCUMENT_SCHEME, documents, { isCaseSensitive: true }),
      documents,
    );
    return { documents, registration };
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const r of [...this.resuming.values()]) r.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }

  uriFor(address: DocumentAddress): vscode.Uri {
    return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: documentPath(address, namedEnvironments(this.registry)) });
  }

  /** The stored version of a document, for the left side of a compare. */
  storedUriFor(address: DocumentAddress): vscode.Uri {
    return this.uriFor(address).with({ scheme: READONLY_SCHEME });
  }

  /** A document was written elsewhere in the extension (the grid): an open compare shows it. */
  refreshStored(address: DocumentAddress): void {
    this.storedVersions?.refresh(this.storedUriFor(address));
  }

  /** `preserveFocus` when opened from the tree, so the keyboard stays there (Delete, arrows). */
  async open(address: DocumentAddress, options: { preserveFocus: boolean }): Promise<vscode.TextEditor> {
    const uri = this.uriFor(address);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // A clean editor shows what is stored now; a dirty one, or one holding an unsaved edit, keeps the user's edit.
    if (open && !open.isDirty && this.unsaved.get(uri.toString())?.draft === undefined) this.reload(uri);
    let document = open ?? (await vscode.workspace.openTextDocument(uri));
    if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    const editor = await vscode.window.showTextDocument(document, { preview: true, preserveFocus: options.preserveFocus });
    this.watchVisible();
    return editor;
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

  /** Makes VS Code reread a clean editor (a dirty one keeps its text). */
  private reload(uri: vscode.Uri): void {
    this.bump(uri);
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const address = this.address(uri);
    const key = uri.toString();
    // An edit auto-save did not write is still the user's text: a reread must not drop it.
    const draft = this.unsaved.get(key)?.draft;
    if (draft !== undefined && this.baselines.has(key)) return Buffer.from(draft, 'utf8');
    const backend = await this.registry.backend(address.envKey);
    const document = await backend.database.getDocument(address.collection, address.id);
    if (!document) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('Document {0} is not in the collection {1}.', address.id, address.collection));
    this.baselines.set(key, document);
    this.setUnsaved(uri, {});
    return Buffer.from(documentText(document), 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    this.writing.add(uri.toString());
    try {
      await this.write(uri, content);
    } catch (e) {
      throw readableSaveError(e);
    } finally {
      this.writing.delete(uri.toString());
    }
  }

  private async write(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const address = this.address(uri);
    const key = uri.toString();
    // A reason left by a save that never reached here (cancelled, nothing to write) does not count.
    const noted = this.saveReasons.get(key);
    this.saveReasons.delete(key);
    const reason = noted && Date.now() - noted.at < REASON_TTL_MS ? noted.reason : vscode.TextDocumentSaveReason.Manual;
    const baseline = this.baselines.get(key);
    if (!baseline) throw new StudioError('InvalidArgument', vscode.l10n.t('Open the document {0} before saving it.', address.id));
    const text = Buffer.from(content).toString('utf8');
    const auto = reason !== vscode.TextDocumentSaveReason.Manual;
    if (auto && settings.documentAutoSave() === 'explicitOnly') {
      return this.keepDraft(uri, text, new vscode.Range(0, 0, 0, 0), vscode.l10n.t('Not saved to the database yet: documents are written only by File: Save (setting cloudbase.documents.autoSave).'), vscode.DiagnosticSeverity.Information);
    }
    let edited: DocumentJson;
    try {
      edited = parseEditedDocument(text, address.id);
    } catch (e) {
      if (!auto) {
        this.resumeAutoSave(uri, address);
        throw e;
      }
      const at = parseErrorPosition(text, messageOf(e));
      const position = new vscode.Position(at.line, at.character);
      return this.keepDraft(uri, text, new vscode.Range(position, position), vscode.l10n.t('Not saved to the database: {0} Auto-save writes it once it is a valid document.', messageOf(e)), vscode.DiagnosticSeverity.Warning);
    }
    const database = (await this.registry.backend(address.envKey)).database;
    const outcome = await saveDocument(database, address.collection, baseline, edited);
    let written: DocumentJson;
    if (outcome.kind === 'saved') written = outcome.document;
    else {
      const choice = await this.askConflict(address, outcome.stored !== undefined);
      if (choice === 'overwrite') written = await overwriteDocument(database, address.collection, edited);
      else if (choice === 'reload') {
        // Nothing is written; the editor then rereads the stored document (VS Code rereads clean editors on a change).
        this.setUnsaved(uri, {});
        afterSave(uri, () => this.reload(uri));
        return;
      } else {
        if (choice === 'compare') {
          // The user has now seen the stored document: the next save is checked against it.
          if (outcome.stored) this.baselines.set(key, outcome.stored);
          this.setUnsaved(uri, { ...this.unsaved.get(key), changedElsewhere: false });
          void this.errors.guard('compare document', () => this.compare(uri, address));
        }
        throw new StudioError(
          'Conflict',
          choice === 'compare'
            ? vscode.l10n.t('Document {0} was not saved: compare your edit with the stored document, then save again.', address.id)
            : vscode.l10n.t('Document {0} changed in the database since it was opened; nothing was written.', address.id),
        );
      }
    }
    this.baselines.set(key, written);
    this.resuming.get(key)?.dispose();
    this.setUnsaved(uri, {});
    this.bump(uri);
    this.storedVersions?.refresh(this.storedUriFor(address));
    this.changes?.changed({ envKey: address.envKey, area: 'database', collection: address.collection, documentId: address.id, origin: this });
  }

  /** Compare opens a diff (stored ↔ edited); Overwrite writes the edit anyway; Reload drops it. Undefined: dismissed. */
  private async askConflict(address: DocumentAddress, exists: boolean): Promise<'compare' | 'overwrite' | 'reload' | undefined> {
    const compare = { label: vscode.l10n.t('Compare'), detail: vscode.l10n.t('Show the stored document beside your edit') };
    const overwrite = { label: vscode.l10n.t('Overwrite'), detail: vscode.l10n.t('Replace the stored document with your edit') };
    const reload = { label: vscode.l10n.t('Reload'), detail: vscode.l10n.t('Discard your edit and show the stored document') };
    try {
      const choice = await this.prompts.ui.pick(exists ? [compare, overwrite, reload] : [overwrite, reload], {
        title: exists
          ? vscode.l10n.t('Document {0} changed in the database since it was opened', address.id)
          : vscode.l10n.t('Document {0} was deleted from the database since it was opened', address.id),
        placeHolder: vscode.l10n.t('Choose how to resolve the conflict'),
        ignoreFocusOut: true,
      });
      return choice === compare ? 'compare' : choice === overwrite ? 'overwrite' : 'reload';
    } catch (e) {
      if (!isStudioError(e, 'Cancelled')) throw e;
      return undefined;
    }
  }

  private async compare(uri: vscode.Uri, address: DocumentAddress): Promise<void> {
    const stored = this.storedUriFor(address);
    this.storedVersions?.refresh(stored);
    await vscode.commands.executeCommand('vscode.diff', stored, uri, vscode.l10n.t('{0} (stored) ↔ (yours)', `${address.id}.json`));
  }

  /**
   * VS Code stops auto-saving an editor whose save failed, until a save succeeds. After an explicit
   * save of incomplete JSON failed, this saves the editor once its JSON is valid and it has rested
   * for the auto-save delay, as auto-save would have (when auto-save is on and writes valid JSON).
   */
  private resumeAutoSave(uri: vscode.Uri, address: DocumentAddress): void {
    const key = uri.toString();
    const files = vscode.workspace.getConfiguration('files', uri);
    this.resuming.get(key)?.dispose();
    if (settings.documentAutoSave() !== 'onValidJson' || files.get<string>('autoSave') !== 'afterDelay') return;
    const delay = Math.max(0, files.get<number>('autoSaveDelay', 1000));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changes = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== key) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          parseEditedDocument(e.document.getText(), address.id);
        } catch {
          return;
        }
        stop.dispose();
        if (e.document.isDirty) void e.document.save();
      }, delay);
    });
    const stop = new vscode.Disposable(() => {
      clearTimeout(timer);
      changes.dispose();
      if (this.resuming.get(key) === stop) this.resuming.delete(key);
    });
    this.resuming.set(key, stop);
  }

  private keepDraft(uri: vscode.Uri, text: string, range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity): void {
    const note = new vscode.Diagnostic(range, message, severity);
    note.source = 'CloudBase';
    this.setUnsaved(uri, { ...this.unsaved.get(uri.toString()), draft: text, draftNote: note });
  }

  private setUnsaved(uri: vscode.Uri, state: Unsaved): void {
    const key = uri.toString();
    if (state.draft === undefined && !state.changedElsewhere) this.unsaved.delete(key);
    else this.unsaved.set(key, state);
    const notes: vscode.Diagnostic[] = [];
    if (state.draft !== undefined && state.draftNote) notes.push(state.draftNote);
    if (state.changedElsewhere) {
      const note = new vscode.Diagnostic(
        new vscode.Range(0, 0, 0, 1),
        vscode.l10n.t('The document changed in the database since it was opened. Saving asks whether to compare, overwrite or reload.'),
        vscode.DiagnosticSeverity.Warning,
      );
      note.source = 'CloudBase';
      notes.push(note);
    }
    if (notes.length > 0 || this.diagnostics.has(uri)) this.diagnostics.set(uri, notes.length > 0 ? notes : undefined);
  }

  /** Open editors learn of changes made elsewhere: a clean one rereads, an edited one is marked. */
  private watchVisible(): void {
    const any = vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === DOCUMENT_SCHEME);
    if (any && !this.timer) this.timer = setInterval(() => void this.checkStored(), STORED_CHECK_MS);
    if (!any && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async checkStored(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const seen = new Set<string>();
      for (const editor of vscode.window.visibleTextEditors) {
        const uri = editor.document.uri;
        const key = uri.toString();
        if (uri.scheme !== DOCUMENT_SCHEME || seen.has(key) || !this.baselines.has(key) || this.writing.has(key)) continue;
        seen.add(key);
        let address: DocumentAddress;
        try {
          address = this.address(uri);
        } catch {
          continue;
        }
        const remote = this.registry.get(address.envKey)?.account !== undefined;
        if (remote && Date.now() - (this.lastChecked.get(key) ?? 0) < REMOTE_CHECK_MS) continue;
        await this.compareStored(editor.document, address);
      }
    } finally {
      this.checking = false;
    }
  }

  /**
   * Data changed elsewhere in the extension or in a local environment: open documents it touches
   * look at their stored version now, without waiting for the next periodic look (editors that
   * are not visible included, so switching to their tab shows the new version).
   */
  private changedElsewhere(change: DataChange): void {
    if (change.origin === this) return;
    for (const document of vscode.workspace.textDocuments) {
      const uri = document.uri;
      if (uri.scheme !== DOCUMENT_SCHEME || !this.baselines.has(uri.toString()) || this.writing.has(uri.toString())) continue;
      let address: DocumentAddress;
      try {
        address = this.address(uri);
      } catch {
        continue;
      }
      if (touchesDocument(change, address)) void this.errors.guard('reread a changed document', () => this.compareStored(document, address));
    }
  }

  /** A clean editor rereads a stored version that differs from what it read; an edited one is marked. */
  private async compareStored(document: vscode.TextDocument, address: DocumentAddress): Promise<void> {
    const uri = document.uri;
    const key = uri.toString();
    this.lastChecked.set(key, Date.now());
    const backend = await this.registry.backend(address.envKey).catch(() => undefined);
    if (!backend) return;
    const stored = await backend.database.getDocument(address.collection, address.id).catch(() => null);
    // Compared with the baseline as it is now: a save may have moved it while the read ran.
    const baseline = this.baselines.get(key);
    if (stored === null || !baseline || this.writing.has(key)) return;
    const state = this.unsaved.get(key) ?? {};
    const differs = !isDeepStrictEqual(stored, baseline);
    if (differs && stored && !document.isDirty && state.draft === undefined) this.reload(uri);
    else if (differs !== Boolean(state.changedElsewhere)) this.setUnsaved(uri, { ...state, changedElsewhere: differs });
  }

  private address(uri: vscode.Uri): DocumentAddress {
    try {
      return parseDocumentPath(uri.path, namedEnvironments(this.registry));
    } catch {
      throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('{0} is not a CloudBase document.', uri.path));
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Documents are created with Insert Document.'));
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Documents are deleted with Delete Document.'));
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('The _id of a document cannot be changed.'));
  }
}
