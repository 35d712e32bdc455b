import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { EnvironmentRegistry } from '../environments/registry';
import { abortSignalOf } from '../platform/progress';
import type { DocumentAddress } from './documentAddress';
import { READONLY_SCHEME, documentPath, parseDocumentPath } from './documentAddress';

/**
 * Documents as pretty-printed JSON in read-only editors (a virtual document per address).
 * Opening a document again re-reads it from the backend.
 */
export class ReadonlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly registry: EnvironmentRegistry) {}

  static register(registry: EnvironmentRegistry): { documents: ReadonlyDocuments; registration: vscode.Disposable } {
    const documents = new ReadonlyDocuments(registry);
    const registration = vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, documents), documents);
    return { documents, registration };
  }

  dispose(): void {
    this.changed.dispose();
  }

  uriFor(address: DocumentAddress): vscode.Uri {
    return vscode.Uri.from({ scheme: READONLY_SCHEME, path: documentPath(address) });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const address = parseDocumentPath(uri.path);
    const backend = await this.registry.backend(address.envKey);
    const document = await backend.database.getDocument(address.collection, address.id, abortSignalOf(token));
    if (!document) throw new StudioError('DocumentNotFound', `Document ${address.id} is not in ${address.collection}.`);
    return `${JSON.stringify(document, null, 2)}\n`;
  }

  /** `preserveFocus` when opened from the tree, so the keyboard stays there (Delete, arrows). */
  async open(address: DocumentAddress, options: { preserveFocus: boolean }): Promise<vscode.TextEditor> {
    const uri = this.uriFor(address);
    // An editor already showing it keeps its text until told the content changed.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: true, preserveFocus: options.preserveFocus });
  }
}
