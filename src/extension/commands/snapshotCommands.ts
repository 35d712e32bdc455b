/**
 * Snapshots of a local environment: Save (taken by its running process), Restore (the process
 * stops, the data folder is swapped, it starts again), Delete, Export to one zip and Import one.
 */
import * as vscode from 'vscode';
import {
  checkSnapshotName,
  deleteSnapshot,
  exportSnapshot,
  importSnapshot,
  listSnapshots,
  restoreSnapshot,
  snapshotsFolder,
  type SnapshotManifest,
} from '../../cloud/local/snapshots';
import { StudioError, messageOf } from '../../shared/errors';
import { CommandId } from '../commandIds';
import { can } from '../environments/capabilities';
import type { EnvironmentEntry } from '../environments/registry';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import { SnapshotNode, SnapshotsNode } from '../explorer/nodes/snapshotNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import { windowInput } from '../platform/userInput';
import type { Services } from '../services';
import { pickEnvironment } from './pickers';

interface Target {
  entry: EnvironmentEntry;
  projectRoot: string;
}

async function environmentTarget(s: Services, node: unknown): Promise<Target> {
  const entry =
    node instanceof EnvironmentNode || node instanceof SnapshotsNode
      ? node.entry
      : node instanceof SnapshotNode
        ? node.parent.entry
        : await pickEnvironment(s, (e) => can(e.info.kind, 'startStop') && e.project !== undefined);
  if (!entry.project) throw new StudioError('NotSupported', 'Snapshots are of local environments only.');
  return { entry, projectRoot: entry.project.root };
}

async function snapshotTarget(s: Services, node: unknown): Promise<Target & { manifest: SnapshotManifest }> {
  const target = await environmentTarget(s, node);
  if (node instanceof SnapshotNode) return { ...target, manifest: node.manifest };
  const snapshots = await listSnapshots(snapshotsFolder(target.projectRoot));
  if (snapshots.length === 0) throw new StudioError('FileNotFound', `${target.entry.info.label} has no snapshots yet.`);
  const chosen = await s.prompts.ui.pick(
    snapshots.map((m) => ({ label: m.name, description: new Date(m.created).toLocaleString(), manifest: m })),
    { title: vscode.l10n.t('Choose a snapshot'), placeHolder: vscode.l10n.t('Snapshot') },
  );
  return { ...target, manifest: chosen.manifest };
}

function inNotification<T>(title: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task));
}

function defaultName(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `snapshot-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

export function registerSnapshotCommands(commands: CommandRegistry, s: Services): void {
  commands.register(CommandId.saveSnapshot, async (node?: unknown) => {
    const { entry } = await environmentTarget(s, node);
    const name = await s.prompts.ui.input({
      title: vscode.l10n.t('Save Snapshot of {0}', entry.info.label),
      prompt: vscode.l10n.t('A name for the snapshot'),
      value: defaultName(),
      validateInput: (value) => {
        try {
          checkSnapshotName(value);
          return undefined;
        } catch (e) {
          return messageOf(e);
        }
      },
    });
    const manifest = await inNotification(vscode.l10n.t('Saving snapshot "{0}"…', name), () => s.registry.saveSnapshot(entry.key, name));
    s.log.info(`Saved snapshot ${manifest.name} of ${entry.key} (${manifest.counts.documents} documents)`);
    s.changes.changed({ envKey: entry.key, area: 'snapshots' });
    vscode.window.setStatusBarMessage(vscode.l10n.t('Saved snapshot "{0}": {1} documents, {2} storage files.', manifest.name, manifest.counts.documents, manifest.counts.storageFiles), 5000);
  });

  commands.register(CommandId.restoreSnapshot, async (node?: unknown) => {
    const { entry, projectRoot, manifest } = await snapshotTarget(s, node);
    const { counts } = manifest;
    await s.prompts.ui.confirm(
      vscode.l10n.t('Restore snapshot "{0}" into {1}?', manifest.name, entry.info.label),
      vscode.l10n.t('Restore'),
      vscode.l10n.t(
        'The current database, storage files and client users of {0} are replaced by those of the snapshot saved {1} ({2} documents, {3} storage files, {4} users). The environment restarts. Save a snapshot first to keep the current state.',
        entry.info.label,
        new Date(manifest.created).toLocaleString(),
        counts.documents,
        counts.storageFiles,
        counts.clientUsers,
      ),
    );
    const key = entry.key;
    await inNotification(vscode.l10n.t('Restoring snapshot "{0}"…', manifest.name), async () => {
      try {
        // Restored, or put back as it was on a failure: either way the environment serves again.
        await s.registry.whileStopped(key, (dataDir) => restoreSnapshot({ dataDir, folder: snapshotsFolder(projectRoot), name: manifest.name }));
      } finally {
        s.changes.changed({ envKey: key, area: 'database' });
        s.changes.changed({ envKey: key, area: 'storage' });
      }
    });
    s.log.info(`Restored snapshot ${manifest.name} into ${key}`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Restored snapshot "{0}" into {1}.', manifest.name, entry.info.label), 5000);
  });

  commands.register(CommandId.deleteSnapshot, async (node?: unknown) => {
    const { entry, projectRoot, manifest } = await snapshotTarget(s, node);
    await s.prompts.ui.confirm(vscode.l10n.t('Delete snapshot "{0}"?', manifest.name), vscode.l10n.t('Delete'), vscode.l10n.t('This cannot be undone.'));
    await deleteSnapshot(snapshotsFolder(projectRoot), manifest.name);
    s.changes.changed({ envKey: entry.key, area: 'snapshots' });
  });

  commands.register(CommandId.exportSnapshot, async (node?: unknown) => {
    const { projectRoot, manifest } = await snapshotTarget(s, node);
    const ui = s.prompts.ui.pickSaveFile ? s.prompts.ui : windowInput;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file = await ui.pickSaveFile!({
      title: vscode.l10n.t('Export snapshot "{0}"', manifest.name),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${manifest.name}.zip`) : undefined,
      filters: { Zip: ['zip'] },
    });
    await inNotification(vscode.l10n.t('Exporting snapshot "{0}"…', manifest.name), () => exportSnapshot(snapshotsFolder(projectRoot), manifest.name, file.fsPath));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Exported snapshot "{0}" to {1}.', manifest.name, file.fsPath), 5000);
  });

  commands.register(CommandId.importSnapshot, async (node?: unknown) => {
    const { entry, projectRoot } = await environmentTarget(s, node);
    const ui = s.prompts.ui.pickFile ? s.prompts.ui : windowInput;
    const file = await ui.pickFile!({ title: vscode.l10n.t('Import Snapshot into {0}', entry.info.label), filters: { Zip: ['zip'] } });
    const manifest = await inNotification(vscode.l10n.t('Importing snapshot…'), () => importSnapshot(snapshotsFolder(projectRoot), file.fsPath));
    s.changes.changed({ envKey: entry.key, area: 'snapshots' });
    vscode.window.setStatusBarMessage(vscode.l10n.t('Imported snapshot "{0}": Restore it from the Snapshots list.', manifest.name), 5000);
  });
}
