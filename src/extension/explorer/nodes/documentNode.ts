import * as vscode from 'vscode';
import type { DocumentJson } from '../../../shared/model';
import { CommandId } from '../../commandIds';
import { ContextValue, contextValue } from '../contextValues';
import { documentSummary } from '../documentSummary';
import type { ExplorerNode } from './explorerNode';

const TOOLTIP_LIMIT = 2000;

export class DocumentNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly envKey: string,
    readonly collection: string,
    readonly document: DocumentJson,
  ) {
    this.id = `${parent.id}/${document._id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.document._id, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = documentSummary(this.document);
    const json = JSON.stringify(this.document, null, 2);
    item.tooltip = new vscode.MarkdownString().appendCodeblock(json.length > TOOLTIP_LIMIT ? `${json.slice(0, TOOLTIP_LIMIT)}\n…` : json, 'json');
    item.iconPath = new vscode.ThemeIcon('json');
    item.contextValue = contextValue(ContextValue.document);
    item.command = { command: CommandId.openDocument, title: vscode.l10n.t('Open Document'), arguments: [this] };
    return item;
  }
}
