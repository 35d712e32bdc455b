import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { EnvironmentRegistry } from '../environments/registry';
import { abortSignalOf } from '../platform/progress';
import { READONLY_SCHEME, parseDocumentPath } from './documentAddress';
import { documentText, namedEnvironments } from './documentFileSystem';

/**
 * Documents as they are stored now, read-only (a virtual document per address): the left side of
 * the compare a conflicting save offers. Read from the backend when the compare opens, and again
 * whenever a save changes the document (VS Code keeps a virtual document's text until told).
 */
export class ReadonlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly registry: EnvironmentRegistry) {}

  static register(registry: EnvironmentRegistry): { storedVersions: ReadonlyDocuments; registration: vscode.Disposable } {
    const storedVersions = new ReadonlyDocuments(registry);
    return { storedVersions, registration: vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, storedVersions), storedVersions) };
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** The stored document changed: an open compare shows the new version. */
  refresh(uri: vscode.Uri): void {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const address = parseDocumentPath(uri.path, namedEnvironments(this.registry));
    const backend = await this.registry.backend(address.envKey);
    const document = await backend.database.getDocument(address.collection, address.id, abortSignalOf(token));
    if (!document) throw new StudioError('DocumentNotFound', vscode.l10n.t('Document {0} is not in the collection {1}.', address.id, address.collection));
    return documentText(document);
  }
}
