import * as vscode from 'vscode';
import type { ExplorerModel } from '../explorerModel';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

/** Storage and Functions until their features land: a placeholder, never an error. */
export class PlaceholderAreaNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly area: 'storage' | 'functions',
  ) {
    this.id = `${parent.id}/${area}`;
  }

  getTreeItem(): vscode.TreeItem {
    const label = this.area === 'storage' ? vscode.l10n.t('Storage') : vscode.l10n.t('Functions');
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.area === 'storage' ? 'files' : 'symbol-method');
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    return this.model.areaChildren(this.area).map(
      (child) =>
        new InfoNode(
          this,
          'placeholder',
          child.area === 'storage' ? vscode.l10n.t('Browsing storage arrives in a later version.') : vscode.l10n.t('Cloud functions arrive in a later version.'),
        ),
    );
  }
}
