/**
 * One collection's grid: the page asks for pages by cursor (it keeps the cursors, so paging deep
 * into a large collection is as fast as the first page), edits single fields with the same
 * conditional save as the JSON editor, and hands bigger jobs (insert, import, export, indexes,
 * permission, delete by query) to the commands.
 */
import * as vscode from 'vscode';
import type { DocumentJson, JsonValue } from '../../shared/model';
import {
  COLLECTION_PANEL_BUNDLE,
  COLLECTION_PANEL_VIEW_TYPE,
  type CollectionHostMessage,
  type CollectionPageMessage,
  type CollectionPanelTarget,
  type PanelCommand,
} from '../../shared/protocol/collectionPanel';
import { isCollectionPageMessage } from '../../shared/protocol/collectionPanelGuards';
import { CommandId } from '../commandIds';
import { withValue } from '../documents/conditionalSave';
import { documentText } from '../documents/documentFileSystem';
import type { EnvironmentRegistry } from '../environments/registry';
import { userMessage } from '../platform/errorMessages';
import type { DataChanges } from '../platform/dataChanges';
import type { Prompts } from '../platform/userInput';
import type { ErrorReporter } from '../platform/errorReporter';
import { collectionPanelStrings } from './collectionPanelStrings';
import { CollectionRequests } from './collectionRequests';
import { WebviewPanelHost } from './webviewPanelHost';

export interface CollectionPanelDeps {
  registry: EnvironmentRegistry;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  errors: ErrorReporter;
  prompts: Prompts;
  openDocument(address: { envKey: string; collection: string; id: string }): Promise<unknown>;
  /** The stored version of a document, for the left side of a compare. */
  storedUriFor(address: { envKey: string; collection: string; id: string }): vscode.Uri;
  /** A document was written from the grid: an open compare of it shows the new version. */
  refreshStored(address: { envKey: string; collection: string; id: string }): void;
  /** Where the grid says what it wrote; the panel itself reloads when others write its collection. */
  changes: DataChanges;
}

export const collectionPanelKey = (t: { envKey: string; collection: string }): string => `${t.envKey}\u0000${t.collection}`;

const COMMANDS: Record<PanelCommand, string> = {
  deleteByQuery: CommandId.deleteDocumentsByQuery,
  import: CommandId.importDocuments,
  export: CommandId.exportDocuments,
  indexes: CommandId.manageIndexes,
  permission: CommandId.setPermission,
};

export class CollectionPanel implements vscode.Disposable {
  readonly host: WebviewPanelHost<CollectionPageMessage, CollectionHostMessage>;
  private readonly requests: CollectionRequests;

  constructor(
    readonly target: CollectionPanelTarget,
    private readonly deps: CollectionPanelDeps,
    revived?: vscode.WebviewPanel,
    preserveFocus = false,
  ) {
    this.host = new WebviewPanelHost<CollectionPageMessage, CollectionHostMessage>({
      viewType: COLLECTION_PANEL_VIEW_TYPE,
      bundle: COLLECTION_PANEL_BUNDLE,
      title: `${target.collection} · ${target.envLabel}`,
      extensionUri: deps.extensionUri,
      isMessage: isCollectionPageMessage,
      log: deps.log,
      revived,
      preserveFocus,
    });
    this.requests = new CollectionRequests({
      collection: target.collection,
      database: () => this.database(),
      post: (message) => {
        this.host.post(message);
      },
      errorMessage: userMessage,
      onWritten: (id) => {
        this.deps.refreshStored({ ...this.address(), id });
        // The grid already shows its own edit; the tree and an open editor of the document follow.
        this.deps.changes.changed({ ...this.address(), area: 'database', documentId: id, origin: this });
      },
    });
    this.host.onReady(() => this.host.post({ type: 'init', target, strings: collectionPanelStrings(), pageSizes: [20, 50, 100, 500] }));
    this.host.onMessage((m) => void this.handle(m));
  }

  reveal(preserveFocus = false): void {
    this.host.reveal(preserveFocus);
  }

  dispose(): void {
    this.host.dispose();
  }

  /** Documents changed elsewhere (a command run from the tree, a write seen by a subscription): the page reloads its page and recounts. */
  refresh(): void {
    this.host.post({ type: 'changed' });
  }

  private async database() {
    return (await this.deps.registry.backend(this.target.envKey)).database;
  }

  private async handle(m: CollectionPageMessage): Promise<void> {
    try {
      switch (m.type) {
        case 'query':
          return await this.requests.query(m);
        case 'editField':
          return await this.requests.editField(m);
        case 'compareField':
          return await this.compareField(m.asRead, m.path, m.value);
        case 'editJson':
          await this.deps.openDocument({ envKey: this.target.envKey, collection: this.target.collection, id: m.id });
          return;
        case 'insert':
          // The command says what it wrote; this panel reloads with everything else that shows it.
          await vscode.commands.executeCommand(CommandId.insertDocument, this.address(), m.template);
          return;
        case 'delete':
          return await this.deleteSelected(m.ids);
        case 'command': {
          const query = m.command === 'export' && m.query ? { filter: m.query.filter, sort: m.query.sort, projection: m.query.projection } : undefined;
          await vscode.commands.executeCommand(COMMANDS[m.command], this.address(), query);
          return;
        }
        case 'pageError':
          this.deps.log.error(`collection panel page: ${m.message}`);
          return;
        default:
          return;
      }
    } catch (e) {
      this.deps.errors.report(e, { what: `collection panel ${this.target.collection} ${m.type}` });
    }
  }

  private address(): { envKey: string; collection: string } {
    return { envKey: this.target.envKey, collection: this.target.collection };
  }

  /** The stored document beside the document as it would be with the edit. */
  private async compareField(asRead: DocumentJson, path: string, value: JsonValue): Promise<void> {
    const edited = withValue(asRead, path, value);
    const yours = await vscode.workspace.openTextDocument({ language: 'json', content: documentText(edited) });
    const stored = this.deps.storedUriFor({ ...this.address(), id: asRead._id });
    await vscode.commands.executeCommand('vscode.diff', stored, yours.uri, vscode.l10n.t('{0} (stored) ↔ (yours)', `${asRead._id}.json`));
  }

  private async deleteSelected(ids: string[]): Promise<void> {
    await this.deps.prompts.ui.confirm(
      ids.length === 1 ? vscode.l10n.t('Delete document "{0}"?', ids[0]) : vscode.l10n.t('Delete {0} selected documents?', ids.length),
      vscode.l10n.t('Delete'),
      vscode.l10n.t('This cannot be undone.'),
    );
    const database = await this.database();
    const deleted = await database.deleteDocuments(this.target.collection, { _id: { $in: ids } }, { multi: true });
    this.deps.log.info(`Deleted ${deleted} documents from ${this.target.collection} in ${this.target.envKey}`);
    this.deps.changes.changed({ ...this.address(), area: 'database' });
  }
}
