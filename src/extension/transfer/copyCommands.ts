/**
 * Copy to Environment…: collections (with a filter, a sample size, indexes and the security rule)
 * and storage folders, from any environment to any other. Progress with counts and Cancel; the
 * report says exactly what was written, skipped and failed; a copy that stopped offers Resume,
 * which goes on from its checkpoint without writing anything twice.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CopyCheckpoint, CopyMode, CopyReport, StorageCopyReport } from '../../cloud/transfer';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import type { JsonObject } from '../../shared/model';
import { CommandId } from '../commandIds';
import { pickEnvironment } from '../commands/pickers';
import { isFromSelection, targetNode } from '../commands/targets';
import { parseJsonObject } from '../database/inputParsing';
import type { EnvironmentEntry } from '../environments/registry';
import { CollectionNode } from '../explorer/nodes/collectionNode';
import { FunctionNode } from '../explorer/nodes/functionNode';
import { StorageFolderNode, StorageAreaNode } from '../explorer/nodes/storageNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import { abortSignalOf, withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { copySavedEvents } from './eventCopy';
import { bundledTransfer, type TransferModule } from './transferModule';

interface CollectionCopyPlan {
  sourceKey: string;
  targetKey: string;
  collections: { name: string; targetName: string }[];
  filter?: JsonObject;
  sample?: number;
  mode: CopyMode;
  withSettings: boolean;
}

export function registerCopyCommands(commands: CommandRegistry, s: Services, extensionPath: string): void {
  const transfer = bundledTransfer(extensionPath);

  commands.register(CommandId.copyCollectionToEnvironment, async (arg?: unknown) => {
    const plan = await planCollectionCopy(s, arg);
    if (!plan) return;
    return runCollectionCopy(s, transfer(), plan, new Map());
  });

  // Resume runs through the command wrapper too, so its failures are shown and logged like any command's.
  commands.register(CommandId.resumeCopy, async (run?: unknown) => {
    if (typeof run === 'function') return (run as () => Promise<unknown>)();
  });

  commands.register(CommandId.copyEventsToEnvironment, async (arg?: unknown) => {
    const node = targetNode(arg, s.view, FunctionNode);
    if (!node) return;
    const source = s.registry.get(node.envKey);
    if (!source?.functionRoot) throw new StudioError('NotSupported', `${node.envKey} keeps no saved events.`);
    const target = await pickEnvironment(s, (e) => e.key !== node.envKey && e.functionRoot !== undefined);
    const skip = { label: vscode.l10n.t('Skip events the target has'), overwrite: false };
    const overwrite = { label: vscode.l10n.t('Overwrite events the target has'), overwrite: true };
    const choice = await s.prompts.ui.pick([skip, overwrite], { title: vscode.l10n.t('Copy the test events of "{0}" to {1}', node.name, target.info.label), ignoreFocusOut: true });
    const report = await copySavedEvents(source.functionRoot, target.functionRoot!, node.name, choice.overwrite);
    s.log.info(`Copied test events of ${node.name} from ${node.envKey} to ${target.key}: ${report.copied.join(', ') || 'none'} copied, ${report.skipped.join(', ') || 'none'} skipped`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Test events of "{0}" copied to {1}: {2} copied, {3} skipped.', node.name, target.info.label, report.copied.length, report.skipped.length));
    return report;
  });

  commands.register(CommandId.copyStorageToEnvironment, async (arg?: unknown) => {
    const node = targetNode(arg, s.view, StorageFolderNode) ?? targetNode(arg, s.view, StorageAreaNode);
    if (!node && isFromSelection(arg)) return;
    const sourceKey = node?.envKey ?? (await pickEnvironment(s)).key;
    const prefix = node?.prefix ?? '';
    const target = await pickTarget(s, sourceKey);
    const skip = { label: vscode.l10n.t('Skip files the target has'), overwrite: false };
    const overwrite = { label: vscode.l10n.t('Overwrite files the target has'), overwrite: true };
    const choice = await s.prompts.ui.pick([skip, overwrite], { title: vscode.l10n.t('Copy "{0}" to {1}', prefix || '/', target.info.label), ignoreFocusOut: true });
    return runStorageCopy(s, transfer(), sourceKey, target.key, prefix, choice.overwrite);
  });
}

async function planCollectionCopy(s: Services, arg: unknown): Promise<CollectionCopyPlan | undefined> {
  const node = targetNode(arg, s.view, CollectionNode);
  if (!node && isFromSelection(arg)) return undefined;
  const sourceKey = node?.envKey ?? (await pickEnvironment(s)).key;
  const names = node ? [node.name] : await pickCollections(s, sourceKey);
  const target = await pickTarget(s, sourceKey);
  const single = names.length === 1;
  const targetName = single
    ? (
        await s.prompts.ui.input({
          title: vscode.l10n.t('Copy "{0}" to {1}', names[0], target.info.label),
          prompt: vscode.l10n.t('Name of the collection in {0}', target.info.label),
          value: names[0],
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a name.') : undefined),
        })
      ).trim()
    : undefined;
  const filterText = await s.prompts.ui.input({
    title: vscode.l10n.t('Which documents'),
    prompt: vscode.l10n.t('A filter in JSON, e.g. {"status": "done"}; empty copies every document'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? undefined : problemOf(() => parseJsonObject(v, 'filter'))),
  });
  const sampleText = await s.prompts.ui.input({
    title: vscode.l10n.t('How many documents'),
    prompt: vscode.l10n.t('At most this many (the first by _id); empty for no limit'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' || /^[1-9]\d*$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a whole number above 0, or nothing.')),
  });
  const targetDb = (await withViewProgress(() => s.registry.backend(target.key))).database;
  const existing = single ? await withViewProgress(() => countIfPresent(targetDb, targetName!)) : undefined;
  const detail =
    existing === undefined ? vscode.l10n.t('The collection does not exist there yet.')
    : existing === 1 ? vscode.l10n.t('It holds 1 document there now.')
    : vscode.l10n.t('It holds {0} documents there now.', existing);
  const modes: { label: string; detail: string; mode: CopyMode }[] = [
    { label: vscode.l10n.t('Insert'), detail: vscode.l10n.t('Add documents the target lacks; documents with the same _id are skipped'), mode: 'insert' },
    { label: vscode.l10n.t('Upsert'), detail: vscode.l10n.t('Add documents the target lacks and replace those with the same _id'), mode: 'upsert' },
    { label: vscode.l10n.t('Replace'), detail: vscode.l10n.t('Empty the target collection first, then copy'), mode: 'replace' },
  ];
  const { mode } = await s.prompts.ui.pick(modes, { title: vscode.l10n.t('Copy mode'), placeHolder: detail, ignoreFocusOut: true });
  if (mode === 'replace' && existing) {
    await s.prompts.ui.confirm(
      existing === 1
        ? vscode.l10n.t('Replace the 1 document of "{0}" in {1}?', targetName!, target.info.label)
        : vscode.l10n.t('Replace the {0} documents of "{1}" in {2}?', existing, targetName!, target.info.label),
      vscode.l10n.t('Replace'),
      vscode.l10n.t('They are deleted before the copy starts. This cannot be undone.'),
    );
  }
  const documentsOnly = { label: vscode.l10n.t('Documents only'), withSettings: false };
  const withSettings = { label: vscode.l10n.t('Documents, indexes and security rule'), withSettings: true };
  const extras = await s.prompts.ui.pick([documentsOnly, withSettings], { title: vscode.l10n.t('What to copy'), ignoreFocusOut: true });
  return {
    sourceKey,
    targetKey: target.key,
    collections: names.map((name) => ({ name, targetName: single ? targetName! : name })),
    filter: filterText.trim() === '' ? undefined : parseJsonObject(filterText, 'filter'),
    sample: sampleText.trim() === '' ? undefined : Number(sampleText.trim()),
    mode,
    withSettings: extras.withSettings,
  };
}

async function runCollectionCopy(s: Services, transfer: TransferModule, plan: CollectionCopyPlan, checkpoints: Map<string, CopyCheckpoint>): Promise<CopyReport[]> {
  const [source, target] = await withViewProgress(() => Promise.all([s.registry.backend(plan.sourceKey), s.registry.backend(plan.targetKey)]));
  const rules = await anonymiseRules(s, transfer, plan.sourceKey);
  const targetLabel = s.registry.get(plan.targetKey)?.info.label ?? plan.targetKey;
  const reports: CopyReport[] = [];
  // Every collection a copy began on, finished or not: a stopped copy has written pages too.
  const touched: string[] = [];
  let stopped: unknown;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Copying to {0}', targetLabel), cancellable: true }, async (progress, token) => {
    const signal = abortSignalOf(token);
    for (const { name, targetName } of plan.collections) {
      touched.push(targetName);
      try {
        const report = await transfer.copyCollection({
          source: source.database,
          target: target.database,
          collection: name,
          targetCollection: targetName,
          filter: plan.filter,
          sample: plan.sample,
          mode: plan.mode,
          indexes: plan.withSettings,
          permission: plan.withSettings,
          transform: transfer.anonymiserFor(rules, name),
          resume: checkpoints.get(name),
          signal,
          onProgress: (p) =>
            progress.report({
              message: vscode.l10n.t('"{0}": {1} of {2} read, {3} written, {4} skipped, {5} failed', name, p.read, p.total ?? '?', p.written, p.skipped, p.failed),
            }),
        });
        reports.push(report);
        if (report.cancelled) checkpoints.set(name, report);
        else checkpoints.delete(name);
        if (report.cancelled) break;
      } catch (e) {
        const report = transfer.reportOf(e);
        if (report) checkpoints.set(name, report);
        stopped = e;
        break;
      }
    }
  });
  for (const r of reports) s.log.info(`Copied ${r.collection} from ${plan.sourceKey} to ${r.targetCollection} in ${plan.targetKey}: ${r.written} written, ${r.skipped} skipped, ${r.failures.length} failed${r.cancelled ? ' (cancelled)' : ''}`);
  for (const r of reports) for (const f of r.failures) s.log.warn(`  ${r.collection}/${f.id}: ${f.message}`);
  for (const collection of touched) s.changes.changed({ envKey: plan.targetKey, area: 'database', collection });
  if (checkpoints.size > 0) {
    const rest = { ...plan, collections: plan.collections.filter((c) => checkpoints.has(c.name) || !reports.some((r) => r.collection === c.name)) };
    offerResume(s, plan.targetKey, targetLabel, stopped, () => runCollectionCopy(s, transfer, rest, checkpoints));
    return reports;
  }
  const written = reports.reduce((n, r) => n + r.written, 0);
  const skipped = reports.reduce((n, r) => n + r.skipped, 0);
  const failed = reports.reduce((n, r) => n + r.failures.length, 0);
  const message = vscode.l10n.t('Copied to {0}: {1} written, {2} skipped, {3} failed.', targetLabel, written, skipped, failed);
  if (failed === 0) void vscode.window.showInformationMessage(message);
  else {
    const show = vscode.l10n.t('Show Details');
    void vscode.window.showWarningMessage(message, show).then((c) => c === show && s.log.show());
  }
  return reports;
}

async function runStorageCopy(s: Services, transfer: TransferModule, sourceKey: string, targetKey: string, prefix: string, overwrite: boolean, afterPath?: string): Promise<StorageCopyReport> {
  const [source, target] = await withViewProgress(() => Promise.all([s.registry.backend(sourceKey), s.registry.backend(targetKey)]));
  if (!source.storage || !target.storage) throw new StudioError('NotSupported', 'Storage is not available in one of the environments.');
  const targetLabel = s.registry.get(targetKey)?.info.label ?? targetKey;
  let report: StorageCopyReport | undefined;
  let stopped: unknown;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Copying files to {0}', targetLabel), cancellable: true }, async (progress, token) => {
    try {
      report = await transfer.copyStorageFolder({
        source: source.storage!,
        target: target.storage!,
        prefix,
        overwrite,
        afterPath,
        signal: abortSignalOf(token),
        onProgress: (p) => progress.report({ message: vscode.l10n.t('{0} of {1} files', p.done, p.total) }),
      });
    } catch (e) {
      report = (e as { report?: StorageCopyReport }).report;
      stopped = e;
      if (!report) throw e;
    }
  });
  const r = report!;
  s.log.info(`Copied storage ${prefix || '/'} from ${sourceKey} to ${targetKey}: ${r.copied} copied, ${r.skipped} skipped, ${r.failures.length} failed`);
  for (const f of r.failures) s.log.warn(`  ${f.path}: ${f.message}`);
  s.changes.changed({ envKey: targetKey, area: 'storage', prefix });
  if (!r.complete) {
    offerResume(s, targetKey, targetLabel, stopped, () => runStorageCopy(s, transfer, sourceKey, targetKey, prefix, overwrite, r.afterPath));
    return r;
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied files to {0}: {1} copied, {2} skipped, {3} failed.', targetLabel, r.copied, r.skipped, r.failures.length));
  return r;
}

/** One collection, or all of them: the palette's way to copy a whole database. */
async function pickCollections(s: Services, envKey: string): Promise<string[]> {
  const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
  const all: { name: string; count: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await withViewProgress(() => database.listCollections({ limit: 1000, cursor }));
    all.push(...page.items.map((c) => ({ name: c.name, count: c.count })));
    cursor = page.nextCursor;
  } while (cursor);
  if (all.length === 0) throw new StudioError('InvalidArgument', 'The environment has no collection to copy.');
  const everything = { label: `$(database) ${vscode.l10n.t('All collections')}`, description: String(all.length), names: all.map((c) => c.name) };
  const chosen = await s.prompts.ui.pick([everything, ...all.map((c) => ({ label: c.name, description: String(c.count), names: [c.name] }))], {
    title: vscode.l10n.t('Copy which collections'),
    ignoreFocusOut: true,
  });
  return chosen.names;
}

/**
 * Says that a copy stopped and offers Resume; not awaited, so the command's result is its report
 * whether or not anyone answers. Resume runs through the command wrapper like any command.
 */
function offerResume(s: Services, targetKey: string, targetLabel: string, stopped: unknown, resume: () => Promise<unknown>): void {
  const why = stopped ? messageOf(stopped) : vscode.l10n.t('The copy was cancelled.');
  s.log.warn(`Copy to ${targetKey} stopped: ${why}`);
  const action = vscode.l10n.t('Resume');
  void vscode.window.showWarningMessage(vscode.l10n.t('The copy to {0} stopped: {1} What was written stays; Resume goes on from there.', targetLabel, why), action).then((chosen) => {
    if (chosen === action) void vscode.commands.executeCommand(CommandId.resumeCopy, resume);
  });
}

async function pickTarget(s: Services, sourceKey: string): Promise<EnvironmentEntry> {
  return pickEnvironment(s, (e) => e.key !== sourceKey);
}

async function countIfPresent(db: { countDocuments(c: string): Promise<number> }, name: string): Promise<number | undefined> {
  try {
    return await db.countDocuments(name);
  } catch (e) {
    if (isStudioError(e, 'CollectionNotFound')) return undefined;
    throw e;
  }
}

/** The project's anonymisation rules, when the source is a project's environment and the file is there. */
async function anonymiseRules(s: Services, transfer: TransferModule, sourceKey: string): Promise<ReturnType<TransferModule['parseAnonymiseRules']> | undefined> {
  const roots = [s.registry.get(sourceKey)?.project?.root, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)].filter((r): r is string => !!r);
  for (const root of roots) {
    const text = await fs.readFile(join(root, transfer.ANONYMISE_FILE), 'utf8').catch(() => undefined);
    if (text !== undefined) return transfer.parseAnonymiseRules(text);
  }
  return undefined;
}

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}
