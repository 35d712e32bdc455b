import * as vscode from 'vscode';
import { listSnapshots, snapshotsFolder, type SnapshotManifest } from '../../../cloud/local/snapshots';
import type { EnvironmentEntry } from '../../environments/registry';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

/** A local environment's saved snapshots, read from the project folder (the environment need not run). */
export class SnapshotsNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly entry: EnvironmentEntry,
    readonly projectRoot: string,
  ) {
    this.id = `${parent.id}/snapshots`;
  }

  get envKey(): string {
    return this.entry.key;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Snapshots'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('history');
    item.tooltip = snapshotsFolder(this.projectRoot);
    item.contextValue = contextValue(ContextValue.snapshots);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const snapshots = await listSnapshots(snapshotsFolder(this.projectRoot));
    if (snapshots.length === 0) return [new InfoNode(this, 'empty', vscode.l10n.t('No snapshots'))];
    return snapshots.map((manifest) => new SnapshotNode(this, manifest));
  }
}

export class SnapshotNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: SnapshotsNode,
    readonly manifest: SnapshotManifest,
  ) {
    this.id = `${parent.id}/${manifest.name}`;
  }

  get envKey(): string {
    return this.parent.envKey;
  }

  getTreeItem(): vscode.TreeItem {
    const { name, created, counts } = this.manifest;
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('archive');
    item.description = new Date(created).toLocaleString();
    item.tooltip = [
      name,
      vscode.l10n.t('Saved: {0}', new Date(created).toLocaleString()),
      vscode.l10n.t('{0} documents in {1} collections', counts.documents, counts.collections),
      vscode.l10n.t('{0} storage files, {1} users', counts.storageFiles, counts.clientUsers),
    ].join('\n');
    item.contextValue = contextValue(ContextValue.snapshot);
    return item;
  }
}
