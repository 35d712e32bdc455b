/**
 * Compare Collection with…: a collection (a tree node, a panel's target, or the pickers) against a
 * collection in any environment, the same one included (default: the same name). Progress with
 * counts and Cancel; the result opens as a report whose ids open VS Code's diff editor on the two
 * stored versions (cloudbase-readonly:).
 */
import * as vscode from 'vscode';
import type { CompareReport } from '../../cloud/transfer';
import { CommandId } from '../commandIds';
import { pickEnvironment } from '../commands/pickers';
import { collectionTarget } from '../database/collectionTarget';
import type { CommandRegistry } from '../platform/commandRegistry';
import { abortSignalOf, withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { CompareReports, type CompareSideRef, type ComparedDocument } from './compareReports';
import { bundledTransfer } from './transferModule';

export interface CompareOutcome {
  report: CompareReport;
  /** The report's document; absent when the comparison was cancelled. */
  uri?: string;
}

export function registerCompareCommands(commands: CommandRegistry, s: Services, extensionPath: string, subscriptions: vscode.Disposable[]): void {
  const transfer = bundledTransfer(extensionPath);
  const { reports, registration } = CompareReports.register();
  subscriptions.push(registration);

  commands.register(CommandId.compareCollection, async (arg?: unknown): Promise<CompareOutcome | undefined> => {
    const source = await collectionTarget(s, arg);
    if (!source) return undefined;
    const left: CompareSideRef = { envKey: source.envKey, collection: source.collection, label: s.registry.get(source.envKey)?.info.label ?? source.envKey };
    const other = await pickEnvironment(s);
    const sameEnvironment = other.key === source.envKey;
    const collection = (
      await s.prompts.ui.input({
        title: vscode.l10n.t('Compare "{0}" with a collection in {1}', source.collection, other.info.label),
        prompt: vscode.l10n.t('Name of the collection in {0}', other.info.label),
        value: source.collection,
        ignoreFocusOut: true,
        validateInput: (v) =>
          v.trim() === '' ? vscode.l10n.t('Enter a name.') : sameEnvironment && v.trim() === source.collection ? vscode.l10n.t('Name another collection: this is the one being compared.') : undefined,
      })
    ).trim();
    const right: CompareSideRef = { envKey: other.key, collection, label: other.info.label };
    const [leftBackend, rightBackend] = await withViewProgress(() => Promise.all([s.registry.backend(left.envKey), s.registry.backend(right.envKey)]));

    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing "{0}" with {1}', left.collection, right.label), cancellable: true },
      (progress, token) =>
        transfer().compareCollections({
          left: leftBackend.database,
          right: rightBackend.database,
          collection: left.collection,
          rightCollection: right.collection,
          signal: abortSignalOf(token),
          onProgress: (p) =>
            progress.report({ message: vscode.l10n.t('{0} of {1} read in {2}, {3} of {4} in {5}', p.leftRead, p.leftTotal, left.label, p.rightRead, p.rightTotal, right.label) }),
        }),
    );
    s.log.info(
      `Compared ${left.collection} in ${left.envKey} with ${right.collection} in ${right.envKey}: ${report.leftCount} and ${report.rightCount} documents, ` +
        `${report.same} same, ${report.different} different, ${report.onlyLeft} and ${report.onlyRight} on one side only${report.cancelled ? ' (cancelled)' : ''}`,
    );
    if (report.cancelled) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The comparison was cancelled.'));
      return { report };
    }
    const uri = reports.add(report, left, right);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    return { report, uri: uri.toString() };
  });

  // The report's links run this with the document they name.
  commands.register(CommandId.openComparedDocument, async (target?: ComparedDocument) => {
    if (!target) return;
    const uriOf = (side: CompareSideRef): vscode.Uri => s.documents.storedUriFor({ envKey: side.envKey, collection: side.collection, id: target.id });
    if (target.in === 'both') {
      const title = vscode.l10n.t('{0}: {1} ↔ {2}', target.id, `${target.left.label} · ${target.left.collection}`, `${target.right.label} · ${target.right.collection}`);
      await vscode.commands.executeCommand('vscode.diff', uriOf(target.left), uriOf(target.right), title, { preview: true });
    } else {
      await vscode.commands.executeCommand('vscode.open', uriOf(target.in === 'left' ? target.left : target.right), { preview: true });
    }
  });
}
