import * as vscode from 'vscode';
import type { FunctionInfo } from '../../../shared/model';
import type { FunctionCapability } from '../../environments/capabilities';
import { functionContextValue } from '../contextValues';
import { functionTooltip, handlerFile } from '../functionSummary';
import type { ExplorerNode } from './explorerNode';
import { TriggerNode } from './triggerNode';

/** One cloud function: name, runtime; settings in the tooltip; a click opens its handler's file; its triggers below it. */
export class FunctionNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly envKey: string,
    /** Refreshed with each listing, so settings edited on disk show. */
    public info: FunctionInfo,
    /** What this function offers (debugging, deploying, comparing), refreshed with each listing. */
    public capabilities: readonly FunctionCapability[] = [],
  ) {
    this.id = `${parent.id}/${info.name}`;
  }

  get name(): string {
    return this.info.name;
  }

  getTreeItem(): vscode.TreeItem {
    const { info } = this;
    const triggers = info.triggers ?? [];
    const item = new vscode.TreeItem(info.name, triggers.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = info.runtime;
    const badTrigger = triggers.find((t) => t.error);
    if (badTrigger) item.description = vscode.l10n.t('{0} · trigger {1} is invalid', info.runtime ?? '', badTrigger.name);
    const ok = (info.status === undefined || info.status === 'Active') && !badTrigger;
    item.iconPath = ok ? new vscode.ThemeIcon('symbol-function') : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.tooltip = functionTooltip(info, {
      runtime: vscode.l10n.t('Runtime'),
      timeout: vscode.l10n.t('Timeout'),
      memory: vscode.l10n.t('Memory'),
      handler: vscode.l10n.t('Handler'),
      folder: vscode.l10n.t('Folder'),
      handlerMissing: vscode.l10n.t('The handler file is missing.'),
      dependenciesMissing: vscode.l10n.t('Dependencies are not installed: run Install Dependencies.'),
      warnings: vscode.l10n.t('Settings ignored'),
    });
    if (badTrigger) item.tooltip += triggers.filter((t) => t.error).map((t) => `\n⚠ ${t.error!.message}`).join('');
    item.contextValue = functionContextValue(this.capabilities);
    const file = handlerFile(info);
    if (file) item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Handler'), arguments: [vscode.Uri.file(file)] };
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    return (this.info.triggers ?? []).map((t) => new TriggerNode(this, t));
  }
}
