import * as vscode from 'vscode';
import type { ExplorerNode } from './explorerNode';

/** A line of information in place of children: "No documents", a placeholder, "Stopped". */
export class InfoNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    kind: string,
    private readonly label: string,
    private readonly command?: vscode.Command,
  ) {
    this.id = `${parent.id}/~${kind}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('info');
    item.command = this.command;
    return item;
  }
}
