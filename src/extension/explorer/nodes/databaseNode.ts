import * as vscode from 'vscode';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { CollectionNode } from './collectionNode';
import type { ExplorerNode } from './explorerNode';
import { listNodes } from './listNodes';

export class DatabaseNode implements ExplorerNode {
  readonly id: string;
  /** Kept across refreshes so commands can refresh a collection VS Code already knows. */
  private readonly collections = new Map<string, CollectionNode>();

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
  ) {
    this.id = `${parent.id}/database`;
  }

  collectionNode(name: string): CollectionNode | undefined {
    return this.collections.get(name);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Database'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = contextValue(ContextValue.database);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const children = await this.model.collections(this.envKey);
    const shown = new Set<string>();
    const nodes = listNodes(
      this,
      { envKey: this.envKey },
      children,
      (info) => {
        shown.add(info.name);
        const known = this.collections.get(info.name);
        if (known) {
          known.info = info;
          return known;
        }
        const node = new CollectionNode(this, this.model, this.envKey, info);
        this.collections.set(info.name, node);
        return node;
      },
      vscode.l10n.t('No collections'),
    );
    for (const name of this.collections.keys()) if (!shown.has(name)) this.collections.delete(name);
    return nodes;
  }
}
