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
  const area = parent instanceof StorageAreaNode ? parent : parent.area;
  const shown = new Set<string>();
  const nodes = listNodes(
    parent,
    { envKey: parent.envKey, storage: parent.prefix },
    children,
    (entry: StorageEntry) => {
      if (entry.kind !== 'folder') return new StorageFileNode(parent, parent.envKey, entry);
      shown.add(entry.path);
      return area.keepFolder(parent, model, entry);
    },
    vscode.l10n.t('No files'),
  );
  area.forgetFoldersGoneFrom(parent.prefix, shown);
  return nodes;
}

/** The Storage area: the bucket's root folder. */
export class StorageAreaNode implements ExplorerNode, StorageLocation {
  readonly id: string;
  readonly prefix = '';
  /** Folder nodes by prefix, kept across refreshes: a change redraws the folder VS Code already knows. */
  private readonly folders = new Map<string, StorageFolderNode>();

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
  ) {
    this.id = `${parent.id}/storage`;
  }

  /** The node showing `prefix`, else its nearest shown ancestor folder (at worst this area). */
  folderNode(prefix: string): StorageAreaNode | StorageFolderNode {
    for (let p = prefix; p !== ''; p = p.replace(/[^/]*\/$/, '')) {
      const known = this.folders.get(p);
      if (known) return known;
    }
    return this;
  }

  keepFolder(parent: StorageAreaNode | StorageFolderNode, model: ExplorerModel, entry: StorageEntry): StorageFolderNode {
    const known = this.folders.get(entry.path);
    if (known && known.parent === parent) {
      known.entry = entry;
      return known;
    }
    const node = new StorageFolderNode(parent, model, this.envKey, entry);
    this.folders.set(entry.path, node);
    return node;
  }

  /** Folders of `prefix` it no longer lists are gone, and so are the folders inside them. */
  forgetFoldersGoneFrom(prefix: string, shown: ReadonlySet<string>): void {
    for (const [path, node] of this.folders) {
      if (node.parent.prefix === prefix && !shown.has(path)) {
        for (const inner of this.folders.keys()) if (inner.startsWith(path)) this.folders.delete(inner);
      }
    }
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
    public entry: StorageEntry,
  ) {
    this.id = `${parent.id}/${entry.name}/`;
  }

  get area(): StorageAreaNode {
    return this.parent instanceof StorageAreaNode ? this.parent : this.parent.area;
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
