import * as vscode from 'vscode';
import type { TriggerInfo } from '../../../shared/triggers';
import { environmentKindOf } from '../../../shared/environmentKeys';
import { can } from '../../environments/capabilities';
import { settings } from '../../platform/settings';
import { ContextValue, contextValue } from '../contextValues';
import { describeSchedule, localTimeText, nextFireOf } from '../triggerSummary';
import type { ExplorerNode } from './explorerNode';
import type { FunctionNode } from './functionNode';

/** One trigger of a local function: its schedule in words and its next fire, or why it cannot run. */
export class TriggerNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: FunctionNode,
    readonly trigger: TriggerInfo,
  ) {
    this.id = `${parent.id}/trigger:${trigger.name}`;
  }

  get envKey(): string {
    return this.parent.envKey;
  }

  get functionName(): string {
    return this.parent.name;
  }

  getTreeItem(): vscode.TreeItem {
    const { trigger } = this;
    const item = new vscode.TreeItem(trigger.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (trigger.error) {
      item.description = trigger.error.column === undefined ? trigger.config : vscode.l10n.t('{0} (error at column {1})', trigger.config, trigger.error.column);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.tooltip = `${trigger.config}\n⚠ ${trigger.error.message}`;
      return item;
    }
    const words = describeSchedule(trigger.config, vscode.env.language) ?? trigger.config;
    const paused = settings.timersPaused();
    const next = paused ? undefined : nextFireOf(trigger.config, Date.now());
    const when = paused ? vscode.l10n.t('paused') : next === undefined ? vscode.l10n.t('no fire left') : vscode.l10n.t('next {0}', localTimeText(next));
    item.description = `${words} · ${when}`;
    item.iconPath = new vscode.ThemeIcon(paused ? 'debug-pause' : 'watch');
    item.tooltip = [
      `${trigger.name} (${trigger.type})`,
      `${vscode.l10n.t('Schedule')}: ${trigger.config}`,
      words,
      next === undefined ? when : `${vscode.l10n.t('Next fire')}: ${localTimeText(next)}`,
      vscode.l10n.t('Schedules are read in China Standard Time (UTC+8), as the cloud reads them. Fires missed while the machine slept are not replayed.'),
    ].join('\n');
    const kind = environmentKindOf(this.envKey);
    if (kind && can(kind, 'runTriggers')) item.contextValue = contextValue(ContextValue.timerTrigger);
    return item;
  }
}
