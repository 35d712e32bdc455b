import * as vscode from 'vscode';
import type { StorageEntry } from '../../../shared/model';
import { CommandId } from '../../commandIds';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import type { ExplorerNode } from './explorerNode';
import { listNodes } from './listNodes';

/** Where a storage node sits: an environment and a folder prefix (`` is the bucket's root). */
export interface StorageLocation {
  readonly envKey: string;
  readonly prefix: string;
}

/** A folder's page of entries, with the Load more, error and empty nodes every paged level has. */
async function folderChildren(parent: StorageAreaNode | StorageFolderNode, model: ExplorerModel): Promise<ExplorerNode[]> {
  const children = await model.storageEntries(parent.envKey, parent.prefix);
  return listNodes(
    parent,
    { envKey: parent.envKey, storage: parent.prefix },
    children,
    (entry: StorageEntry) => (entry.kind === 'folder' ? new StorageFolderNode(parent, model, parent.envKey, entry) : new StorageFileNode(parent, parent.envKey, entry)),
    vscode.l10n.t('No files'),
  );
}

/** The Storage area: the bucket's root folder. */
export class StorageAreaNode implements ExplorerNode, StorageLocation {
  readonly id: string;
  readonly prefix = '';

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
  ) {
    this.id = `${parent.id}/storage`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Storage'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('files');
    item.contextValue = contextValue(ContextValue.storage);
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return folderChildren(this, this.model);
  }
}

export class StorageFolderNode implements ExplorerNode, StorageLocation {
  readonly id: string;

  constructor(
    readonly parent: StorageAreaNode | StorageFolderNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
    readonly entry: StorageEntry,
  ) {
    this.id = `${parent.id}/${entry.name}/`;
  }

  get prefix(): string {
    return this.entry.path;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.entry.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = vscode.ThemeIcon.Folder;
    item.tooltip = this.entry.path;
    item.contextValue = contextValue(ContextValue.storageFolder);
    return item;
  }

  getChildren(): Promise<ExplorerNode[]> {
    return folderChildren(this, this.model);
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return vscode.l10n.t('{0} bytes', bytes);
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export class StorageFileNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: StorageAreaNode | StorageFolderNode,
    readonly envKey: string,
    readonly entry: StorageEntry,
  ) {
    this.id = `${parent.id}/${entry.name}`;
  }

  get path(): string {
    return this.entry.path;
  }

  getTreeItem(): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(entry.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = vscode.Uri.from({ scheme: 'cloudbase-storage', path: `/${entry.path}` });
    item.iconPath = vscode.ThemeIcon.File;
    if (entry.size !== undefined) item.description = formatSize(entry.size);
    const lines = [entry.path];
    if (entry.size !== undefined) lines.push(vscode.l10n.t('Size: {0}', formatSize(entry.size)));
    if (entry.contentType) lines.push(vscode.l10n.t('Type: {0}', entry.contentType));
    if (entry.modified) lines.push(vscode.l10n.t('Modified: {0}', new Date(entry.modified).toLocaleString()));
    item.tooltip = lines.join('\n');
    item.contextValue = contextValue(ContextValue.storageFile);
    item.command = { command: CommandId.openStorageFile, title: vscode.l10n.t('Open'), arguments: [this] };
    return item;
  }
}
