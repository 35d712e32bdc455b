import * as vscode from 'vscode';
import { CommandId } from '../../commandIds';
import type { EnvironmentEntry, EnvironmentState } from '../../environments/registry';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { DatabaseNode } from './databaseNode';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { FunctionsNode } from './functionsNode';
import { InfoNode } from './infoNode';
import { StorageAreaNode } from './storageNodes';

const ICONS: Record<EnvironmentState, vscode.ThemeIcon> = {
  idle: new vscode.ThemeIcon('vm-outline'),
  starting: new vscode.ThemeIcon('loading~spin'),
  running: new vscode.ThemeIcon('vm-running'),
  stopping: new vscode.ThemeIcon('loading~spin'),
  stopped: new vscode.ThemeIcon('vm-outline'),
  failed: new vscode.ThemeIcon('vm', new vscode.ThemeColor('errorForeground')),
};

function stateLabel(state: EnvironmentState): string {
  switch (state) {
    case 'idle':
      return vscode.l10n.t('Not started');
    case 'starting':
      return vscode.l10n.t('Starting…');
    case 'running':
      return vscode.l10n.t('Running');
    case 'stopping':
      return vscode.l10n.t('Stopping…');
    case 'stopped':
      return vscode.l10n.t('Stopped');
    case 'failed':
      return vscode.l10n.t('Failed to start');
  }
}

export class EnvironmentNode implements ExplorerNode {
  readonly id: string;
  readonly parent = undefined;
  readonly database: DatabaseNode;
  readonly storage: StorageAreaNode;
  readonly functions: FunctionsNode;

  constructor(
    /** The registry's live entry: its state is read at each render. */
    readonly entry: EnvironmentEntry,
    private readonly model: ExplorerModel,
    private readonly expanded: boolean,
  ) {
    this.id = `env/${entry.key}`;
    this.database = new DatabaseNode(this, model, entry.key);
    this.storage = new StorageAreaNode(this, model, entry.key);
    this.functions = new FunctionsNode(this, model, entry.key);
  }

  get envKey(): string {
    return this.entry.key;
  }

  getTreeItem(): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(entry.info.label, this.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = vscode.l10n.t('Local');
    item.iconPath = ICONS[entry.state];
    const lines = [
      `${entry.info.label} · ${stateLabel(entry.state)}`,
      vscode.l10n.t('Folder: {0}', entry.project.root),
      vscode.l10n.t('Environment ID: {0}', entry.info.envId),
    ];
    if (entry.url) lines.push(vscode.l10n.t('Address: {0}', entry.url));
    item.tooltip = lines.join('\n');
    const running = entry.state === 'running' || entry.state === 'starting';
    item.contextValue = contextValue(
      ContextValue.environment,
      ContextValue.localEnvironment,
      running ? ContextValue.running : ContextValue.startable,
    );
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const children = await this.model.environmentChildren(this.entry.key);
    return children.map((child) => {
      switch (child.kind) {
        case 'area':
          return child.area === 'database' ? this.database : child.area === 'storage' ? this.storage : this.functions;
        case 'error':
          return new ErrorNode(this, child.error, { environment: this.entry.key });
        case 'stopped':
          return new InfoNode(this, 'stopped', vscode.l10n.t('Stopped. Click to start.'), {
            command: CommandId.startLocalEnvironment,
            title: vscode.l10n.t('Start Local Environment'),
            arguments: [this],
          });
      }
    });
  }
}
