import * as vscode from 'vscode';
import type { CollectionInfo } from '../../../shared/model';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { DocumentNode } from './documentNode';
import type { ExplorerNode } from './explorerNode';
import { listNodes } from './listNodes';

export class CollectionNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
    /** Refreshed with each listing, so the count follows the data. */
    public info: CollectionInfo,
  ) {
    this.id = `${parent.id}/${info.name}`;
  }

  get name(): string {
    return this.info.name;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.info.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = String(this.info.count);
    item.tooltip = this.info.count === 1 ? vscode.l10n.t('{0}: 1 document', this.info.name) : vscode.l10n.t('{0}: {1} documents', this.info.name, this.info.count);
    item.iconPath = new vscode.ThemeIcon('table');
    item.contextValue = contextValue(ContextValue.collection);
    // A click expands the collection like any tree node; the grid opens from its inline button or menu.
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const list = { envKey: this.envKey, collection: this.info.name };
    const children = await this.model.documents(this.envKey, this.info.name);
    return listNodes(this, list, children, (doc) => new DocumentNode(this, this.envKey, this.info.name, doc), vscode.l10n.t('No documents'));
  }
}
