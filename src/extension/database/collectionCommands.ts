/**
 * Commands on a collection's documents and settings: insert, duplicate, delete by query, import,
 * export, indexes and permissions. Each acts on the node a menu passed or asks with pickers.
 */
import * as vscode from 'vscode';
import type { DatabaseApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import type { CollectionPermission, IndexKey, JsonObject, PermissionAcl } from '../../shared/model';
import { CommandId } from '../commandIds';
import { pickCollection, pickDocument, pickEnvironment } from '../commands/pickers';
import { targetNode } from '../commands/targets';
import { DocumentNode } from '../explorer/nodes/documentNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import { windowInput } from '../platform/userInput';
import type { Services } from '../services';
import { collectionTarget, type CollectionTarget } from './collectionTarget';
import { formatOf } from './documentFormats';
import { exportDocuments, importDocuments, type ImportMode, type ImportReport } from './importExport';
import { parseIndexKeys, parseJsonObject } from './inputParsing';

export function registerCollectionCommands(commands: CommandRegistry, s: Services): void {
  commands.register(CommandId.insertDocument, async (arg?: unknown, template?: JsonObject) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const database = await databaseOf(s, target.envKey);
    const { _id: _ignored, ...fields } = template ?? {};
    const [id] = await withViewProgress(() => database.insertDocuments(target.collection, [fields]));
    s.log.info(`Inserted document ${id} into ${target.collection} in ${target.envKey}`);
    changed(s, target);
    await s.documents.open({ envKey: target.envKey, collection: target.collection, id }, { preserveFocus: false });
    return id;
  });

  commands.register(CommandId.duplicateDocument, async (arg?: unknown) => {
    const node = targetNode(arg, s.view, DocumentNode);
    const envKey = node?.envKey ?? (await pickEnvironment(s)).key;
    const collection = node?.collection ?? (await pickCollection(s, envKey));
    const source = node ? node.document._id : (await pickDocument(s, envKey, collection))._id;
    const database = await databaseOf(s, envKey);
    const document = await withViewProgress(() => database.getDocument(collection, source));
    if (!document) throw new StudioError('DocumentNotFound', `Document ${source} is not in ${collection}.`);
    return vscode.commands.executeCommand(CommandId.insertDocument, { envKey, collection }, document);
  });

  commands.register(CommandId.deleteDocumentsByQuery, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const database = await databaseOf(s, target.envKey);
    const text = await s.prompts.ui.input({
      title: vscode.l10n.t('Delete Documents by Query'),
      prompt: vscode.l10n.t('A filter as JSON, e.g. {"done": true}'),
      value: '{}',
      ignoreFocusOut: true,
      validateInput: (value) => jsonObjectProblem(value),
    });
    const filter = parseJsonObject(text, 'filter');
    const count = await withViewProgress(() => database.countDocuments(target.collection, filter));
    if (count === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No document in "{0}" matches the query.', target.collection));
      return 0;
    }
    await s.prompts.ui.confirm(
      count === 1 ? vscode.l10n.t('Delete 1 document from "{0}"?', target.collection) : vscode.l10n.t('Delete {0} documents from "{1}"?', count, target.collection),
      vscode.l10n.t('Delete'),
      vscode.l10n.t('Filter: {0}. This cannot be undone.', JSON.stringify(filter)),
    );
    const deleted = await withViewProgress(() => database.deleteDocuments(target.collection, filter, { multi: true }));
    s.log.info(`Deleted ${deleted} documents from ${target.collection} in ${target.envKey}`);
    changed(s, target);
    return deleted;
  });

  commands.register(CommandId.importDocuments, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const ui = s.prompts.ui.pickFile ? s.prompts.ui : windowInput;
    const file = await ui.pickFile!({
      title: vscode.l10n.t('Import into "{0}"', target.collection),
      // Not the active editor's folder: the dialog opens where the last import came from, else the workspace.
      defaultUri: s.dialogs.defaultUri('import'),
      filters: { [vscode.l10n.t('Documents')]: ['jsonl', 'ndjson', 'json', 'csv'] },
    });
    await s.dialogs.remember('import', file);
    const insert = { label: vscode.l10n.t('Insert'), detail: vscode.l10n.t('Add every record as a new document; an existing _id fails that record'), mode: 'insert' as ImportMode };
    const upsert = { label: vscode.l10n.t('Upsert'), detail: vscode.l10n.t('Records with an _id replace that document or create it'), mode: 'upsert' as ImportMode };
    const { mode } = await s.prompts.ui.pick([insert, upsert], { title: vscode.l10n.t('Import mode'), ignoreFocusOut: true });
    const database = await databaseOf(s, target.envKey);
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing into "{0}"', target.collection), cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return importDocuments(database, target.collection, file.fsPath, {
          format: formatOf(file.fsPath),
          mode,
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: vscode.l10n.t('{0} written, {1} failed', p.written, p.failed) }),
        });
      },
    );
    changed(s, target);
    logImport(s, target, file.fsPath, report);
    void showImportResult(s, target, report);
    return report;
  });

  commands.register(CommandId.exportDocuments, async (arg?: unknown, query?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const ui = s.prompts.ui.pickSaveFile ? s.prompts.ui : windowInput;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file = await ui.pickSaveFile!({
      title: vscode.l10n.t('Export "{0}"', target.collection),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${target.collection}.jsonl`) : undefined,
      filters: { 'JSON Lines': ['jsonl'], JSON: ['json'], CSV: ['csv'] },
    });
    const database = await databaseOf(s, target.envKey);
    const count = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting "{0}"', target.collection), cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return exportDocuments(database, target.collection, file.fsPath, {
          format: formatOf(file.fsPath),
          query: typeof query === 'object' && query !== null ? query : undefined,
          signal: controller.signal,
          onProgress: (n) => progress.report({ message: n === 1 ? vscode.l10n.t('1 document') : vscode.l10n.t('{0} documents', n) }),
        });
      },
    );
    s.log.info(`Exported ${count} documents from ${target.collection} to ${file.fsPath}`);
    void vscode.window.showInformationMessage(count === 1 ? vscode.l10n.t('Exported 1 document to {0}.', file.fsPath) : vscode.l10n.t('Exported {0} documents to {1}.', count, file.fsPath));
    return count;
  });

  commands.register(CommandId.manageIndexes, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const database = await databaseOf(s, target.envKey);
    const indexes = await withViewProgress(() => database.listIndexes(target.collection));
    const create = { label: `$(add) ${vscode.l10n.t('Create Index…')}`, alwaysShow: true };
    const items = indexes.map((i) => ({
      label: i.name,
      description: i.keys.map((k) => `${k.field}: ${k.direction}`).join(', '),
      detail: i.unique ? vscode.l10n.t('Unique') : undefined,
      index: i.name,
    }));
    const chosen = await s.prompts.ui.pick<vscode.QuickPickItem & { index?: string }>([create, ...items], {
      title: vscode.l10n.t('Indexes of "{0}"', target.collection),
      placeHolder: vscode.l10n.t('Choose an index to drop it, or create one'),
    });
    if (chosen === create) return createIndex(s, database, target);
    if (chosen.index === undefined) return;
    if (chosen.index === '_id_') throw new StudioError('InvalidArgument', 'The _id_ index cannot be dropped.');
    await s.prompts.ui.confirm(vscode.l10n.t('Drop index "{0}" of "{1}"?', chosen.index, target.collection), vscode.l10n.t('Drop'));
    await withViewProgress(() => database.dropIndex(target.collection, chosen.index!));
    s.log.info(`Dropped index ${chosen.index} of ${target.collection} in ${target.envKey}`);
    changed(s, target);
  });

  commands.register(CommandId.setPermission, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const database = await databaseOf(s, target.envKey);
    if (!database.getPermission || !database.setPermission) throw new StudioError('NotSupported', 'This environment does not expose collection permissions.');
    const current = await withViewProgress(() => database.getPermission!(target.collection));
    const presets: { acl: PermissionAcl; label: string }[] = [
      { acl: 'READONLY', label: vscode.l10n.t('Everyone reads; only the creator writes') },
      { acl: 'PRIVATE', label: vscode.l10n.t('Only the creator reads and writes') },
      { acl: 'ADMINWRITE', label: vscode.l10n.t('Everyone reads; nobody writes') },
      { acl: 'ADMINONLY', label: vscode.l10n.t('Nobody reads or writes') },
      { acl: 'CUSTOM', label: vscode.l10n.t('Custom security rule…') },
    ];
    const chosen = await s.prompts.ui.pick(
      presets.map((p) => ({ ...p, description: p.acl === current.acl ? vscode.l10n.t('current') : undefined })),
      { title: vscode.l10n.t('Permission of "{0}"', target.collection), placeHolder: vscode.l10n.t('Who may read and write from mini programs and web clients') },
    );
    let permission: CollectionPermission = { acl: chosen.acl };
    if (chosen.acl === 'CUSTOM') {
      const text = await s.prompts.ui.input({
        title: vscode.l10n.t('Custom security rule'),
        prompt: vscode.l10n.t('A rule as JSON, e.g. {"read": true, "write": "doc._openid == auth.openid"}'),
        value: JSON.stringify(current.rule ?? { read: true, write: 'doc._openid == auth.openid' }),
        ignoreFocusOut: true,
        validateInput: (value) => jsonObjectProblem(value),
      });
      permission = { acl: 'CUSTOM', rule: parseJsonObject(text, 'rule') };
    }
    await withViewProgress(() => database.setPermission!(target.collection, permission));
    changed(s, target);
    s.log.info(`Set the permission of ${target.collection} in ${target.envKey} to ${permission.acl}`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Permission of "{0}": {1}', target.collection, chosen.label), 3000);
  });
}

async function createIndex(s: Services, database: DatabaseApi, target: CollectionTarget): Promise<void> {
  const text = await s.prompts.ui.input({
    title: vscode.l10n.t('Create Index'),
    prompt: vscode.l10n.t('Fields and directions, e.g. "city: 1, age: -1"'),
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseIndexKeys(value);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  const keys: IndexKey[] = parseIndexKeys(text);
  const normal = { label: vscode.l10n.t('Not unique'), unique: false };
  const unique = { label: vscode.l10n.t('Unique'), detail: vscode.l10n.t('No two documents may share these values'), unique: true };
  const choice = await s.prompts.ui.pick([normal, unique], { title: vscode.l10n.t('Create Index') });
  const info = await withViewProgress(() => database.createIndex(target.collection, { keys, unique: choice.unique }));
  s.log.info(`Created index ${info.name} on ${target.collection} in ${target.envKey}`);
  changed(s, target);
}

function jsonObjectProblem(value: string): string | undefined {
  try {
    parseJsonObject(value, 'value');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function logImport(s: Services, target: CollectionTarget, file: string, report: ImportReport): void {
  s.log.info(`Imported ${file} into ${target.collection}: ${report.read} read, ${report.written} written, ${report.failures.length} failed${report.cancelled ? ' (cancelled)' : ''}`);
  for (const f of report.failures) s.log.warn(`  line ${f.line}: ${f.message}`);
}

async function showImportResult(s: Services, target: CollectionTarget, report: ImportReport): Promise<void> {
  const summary = report.cancelled
    ? vscode.l10n.t('Import into "{0}" cancelled: {1} documents were written, {2} failed.', target.collection, report.written, report.failures.length)
    : report.written === 1
      ? vscode.l10n.t('Imported 1 document into "{0}"; {1} failed.', target.collection, report.failures.length)
      : vscode.l10n.t('Imported {0} documents into "{1}"; {2} failed.', report.written, target.collection, report.failures.length);
  if (report.failures.length === 0) {
    await vscode.window.showInformationMessage(summary);
    return;
  }
  const lines = report.failures.slice(0, 3).map((f) => vscode.l10n.t('line {0}: {1}', f.line, f.message));
  const show = vscode.l10n.t('Show Details');
  if ((await vscode.window.showWarningMessage(`${summary} ${lines.join('; ')}`, show)) === show) s.log.show(true);
}

async function databaseOf(s: Services, envKey: string): Promise<DatabaseApi> {
  return (await withViewProgress(() => s.registry.backend(envKey))).database;
}

/** The collection's documents, indexes or permission changed: whatever shows them follows. */
function changed(s: Services, target: CollectionTarget): void {
  s.changes.changed({ envKey: target.envKey, area: 'database', collection: target.collection });
}
