import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import { CommandId } from '../commandIds';
import type { DocumentAddress } from '../documents/documentAddress';
import { DatabaseNode } from '../explorer/nodes/databaseNode';
import { DocumentNode } from '../explorer/nodes/documentNode';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { pickCollection, pickDocument, pickEnvironment } from '../commands/pickers';
import { isFromSelection, targetNode } from '../commands/targets';
import { collectionTarget } from './collectionTarget';

/** Collections and documents: create, delete, open, copy the ID. */
export function registerDatabaseCommands(commands: CommandRegistry, s: Services): void {
  commands.register(CommandId.createCollection, async (node?: ExplorerNode) => {
    const envKey = node instanceof DatabaseNode || node instanceof EnvironmentNode ? node.envKey : (await pickEnvironment(s)).key;
    const name = (
      await s.prompts.ui.input({
        title: vscode.l10n.t('Create Collection'),
        prompt: vscode.l10n.t('Name of the new collection'),
        placeHolder: 'todos',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a name.') : undefined),
      })
    ).trim();
    const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
    await withViewProgress(() => database.createCollection(name));
    s.log.info(`Created collection ${name} in ${envKey}`);
    s.changes.changed({ envKey, area: 'database', collection: name });
    vscode.window.setStatusBarMessage(vscode.l10n.t('Created collection "{0}"', name), 5000);
    await revealCollection(s, envKey, name);
  });

  commands.register(CommandId.deleteCollection, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const { envKey, collection: name } = target;
    const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
    const count = target.count ?? (await withViewProgress(() => database.countDocuments(name)));
    await s.prompts.ui.confirm(
      vscode.l10n.t('Delete collection "{0}"?', name),
      vscode.l10n.t('Delete'),
      count === 1 ? vscode.l10n.t('Its 1 document will be deleted. This cannot be undone.') : vscode.l10n.t('Its {0} documents will be deleted. This cannot be undone.', count),
    );
    await withViewProgress(() => database.deleteCollection(name));
    s.log.info(`Deleted collection ${name} (${count} documents) in ${envKey}`);
    s.changes.changed({ envKey, area: 'database', collection: name });
  });

  commands.register(CommandId.deleteDocument, async (arg?: unknown) => {
    const target = await documentTarget(s, arg);
    if (!target) return;
    const { envKey, collection, id } = target;
    await s.prompts.ui.confirm(
      vscode.l10n.t('Delete document "{0}" from collection "{1}"?', id, collection),
      vscode.l10n.t('Delete'),
      vscode.l10n.t('This cannot be undone.'),
    );
    const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
    const deleted = await withViewProgress(() => database.deleteDocuments(collection, { _id: id }, { multi: false }));
    s.changes.changed({ envKey, area: 'database', collection, documentId: id, deleted: true });
    if (deleted === 0) throw new StudioError('DocumentNotFound', `Document ${id} was not in ${collection}.`);
    s.log.info(`Deleted document ${id} from ${collection} in ${envKey}`);
  });

  commands.register(CommandId.openDocument, async (arg?: unknown) => {
    const target = await documentTarget(s, arg);
    if (target) await s.documents.open(target, { preserveFocus: arg instanceof DocumentNode });
  });

  commands.register(CommandId.copyDocumentId, async (arg?: unknown) => {
    const target = await documentTarget(s, arg);
    if (!target) return;
    await vscode.env.clipboard.writeText(target.id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied document ID: {0}', target.id), 3000);
  });
}

async function documentTarget(s: Services, arg: unknown): Promise<DocumentAddress | undefined> {
  const node = targetNode(arg, s.view, DocumentNode);
  if (node) return { envKey: node.envKey, collection: node.collection, id: node.document._id };
  if (isFromSelection(arg)) return undefined;
  const envKey = (await pickEnvironment(s)).key;
  const collection = await pickCollection(s, envKey);
  const document = await pickDocument(s, envKey, collection);
  return { envKey, collection, id: document._id };
}

/** Shows a new collection: Database expands and the collection is selected and expanded. */
async function revealCollection(s: Services, envKey: string, name: string): Promise<void> {
  const database = s.tree.environmentNode(envKey)?.database;
  if (!database) return;
  // Listing the children makes the node of the new collection, so it can be revealed.
  await database.getChildren();
  const created = database.collectionNode(name);
  await Promise.resolve(s.view.reveal(created ?? database, { select: true, focus: false, expand: true })).catch((e: unknown) => s.log.warn(`Could not reveal ${name}: ${String(e)}`));
}
