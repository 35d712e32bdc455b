import * as vscode from 'vscode';
import type { Account } from '../../accounts/accountStore';
import type { TencentAccounts } from '../../accounts/tencentAccounts';
import type { EnvironmentEntry } from '../../environments/registry';
import { ContextValue, contextValue } from '../contextValues';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

function sourceLabel(account: Account): string {
  switch (account.source) {
    case 'keys':
      return vscode.l10n.t('Tencent CloudBase');
    case 'cli':
      return vscode.l10n.t('CloudBase CLI login');
    case 'environment':
      return vscode.l10n.t('Environment variables');
  }
}

/** A signed-in Tencent Cloud account; its environments are listed when it is first expanded. */
export class AccountNode implements ExplorerNode {
  readonly id: string;
  readonly parent = undefined;

  constructor(
    readonly account: Account,
    private readonly accounts: TencentAccounts,
    private readonly environmentNode: (entry: EnvironmentEntry, parent: AccountNode) => ExplorerNode,
  ) {
    this.id = `account/${account.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.account.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = sourceLabel(this.account);
    item.tooltip = vscode.l10n.t('Tencent Cloud account {0} ({1})', this.account.label, sourceLabel(this.account));
    item.iconPath = new vscode.ThemeIcon('account');
    item.contextValue = contextValue(ContextValue.account);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    let entries: EnvironmentEntry[];
    try {
      entries = await this.accounts.environments(this.account.id);
    } catch (e) {
      return [new ErrorNode(this, e, { account: this.account.id })];
    }
    if (entries.length === 0) return [new InfoNode(this, 'empty', vscode.l10n.t('No CloudBase environments in the regions of the cloudbase.tencent.regions setting.'))];
    return entries.map((entry) => this.environmentNode(entry, this));
  }
}
