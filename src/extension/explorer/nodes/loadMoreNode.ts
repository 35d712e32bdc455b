import * as vscode from 'vscode';
import { CommandId } from '../../commandIds';
import type { ListRef } from '../explorerModel';
import type { ExplorerNode } from './explorerNode';

/** The last child of a paged level while the backend has more; clicking it appends a page. */
export class LoadMoreNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly list: ListRef,
  ) {
    this.id = `${parent.id}/~more`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('more');
    item.command = { command: CommandId.loadMore, title: vscode.l10n.t('Load more…'), arguments: [this] };
    return item;
  }
}
