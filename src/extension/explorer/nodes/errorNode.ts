import * as vscode from 'vscode';
import { messageOf } from '../../../shared/errors';
import { CommandId } from '../../commandIds';
import { needsSignIn, userMessage } from '../../platform/errorMessages';
import { ContextValue, contextValue } from '../contextValues';
import type { ListRef } from '../explorerModel';
import type { ExplorerNode } from './explorerNode';

/** What Retry does: load a list again, start an environment again, or list an account's environments again. */
export type RetryTarget = { list: ListRef } | { environment: string } | { account: string };

/** A failure in place of (or after) children, with Retry inline and on click. */
export class ErrorNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly error: unknown,
    readonly retry: RetryTarget,
  ) {
    this.id = `${parent.id}/~error`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(userMessage(this.error), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.tooltip = messageOf(this.error);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = needsSignIn(this.error) ? contextValue(ContextValue.error, ContextValue.signInNeeded) : contextValue(ContextValue.error);
    item.command = { command: CommandId.retry, title: vscode.l10n.t('Retry'), arguments: [this] };
    return item;
  }
}
