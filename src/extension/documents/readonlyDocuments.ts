import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { EnvironmentRegistry } from '../environments/registry';
import { abortSignalOf } from '../platform/progress';
import { READONLY_SCHEME, parseDocumentPath } from './documentAddress';
import { documentText } from './documentFileSystem';

/**
 * Documents as they are stored now, read-only (a virtual document per address): the left side of
 * the compare a conflicting save offers. Read from the backend when the compare opens.
 */
export class ReadonlyDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly registry: EnvironmentRegistry) {}

  static register(registry: EnvironmentRegistry): { registration: vscode.Disposable } {
    return { registration: vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, new ReadonlyDocuments(registry)) };
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const address = parseDocumentPath(uri.path);
    const backend = await this.registry.backend(address.envKey);
    const document = await backend.database.getDocument(address.collection, address.id, abortSignalOf(token));
    if (!document) throw new StudioError('DocumentNotFound', `Document ${address.id} is not in ${address.collection}.`);
    return documentText(document);
  }
}
