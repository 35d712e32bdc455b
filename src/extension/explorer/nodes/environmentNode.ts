import * as vscode from 'vscode';
import { CommandId } from '../../commandIds';
import { can, capabilitiesOf } from '../../environments/capabilities';
import type { EnvironmentEntry, EnvironmentState } from '../../environments/registry';
import { ContextValue, contextValue, environmentCapabilityTokens } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { DatabaseNode } from './databaseNode';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { FunctionsNode } from './functionsNode';
import { HttpAccessNode } from './httpAccessNodes';
import { InfoNode } from './infoNode';
import { PaymentsNode } from './paymentNodes';
import { SnapshotsNode } from './snapshotNodes';
import { StorageAreaNode } from './storageNodes';
import { UsersNode } from './wechatUserNodes';

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
  readonly database: DatabaseNode;
  readonly storage: StorageAreaNode;
  readonly functions: FunctionsNode;
  /** Environments that serve the project's HTTP access routes (capability httpAccess). */
  readonly httpAccess?: HttpAccessNode;
  /** Environments that simulate WeChat Pay (capability simulatedPayments). */
  readonly payments?: PaymentsNode;
  /** Environments with simulated WeChat users (capability simulatedUsers). */
  readonly users?: UsersNode;
  /** Local environments: the project's saved snapshots, listed whether or not it runs. */
  readonly snapshots?: SnapshotsNode;

  constructor(
    /** The registry's live entry: its state is read at each render. */
    readonly entry: EnvironmentEntry,
    private readonly model: ExplorerModel,
    private readonly expanded: boolean,
    /** Tencent environments sit under their account; local ones at the root. */
    readonly parent?: ExplorerNode,
  ) {
    this.id = `env/${entry.key}`;
    this.database = new DatabaseNode(this, model, entry.key);
    this.storage = new StorageAreaNode(this, model, entry.key);
    this.functions = new FunctionsNode(this, model, entry.key);
    if (can(entry.info.kind, 'httpAccess') && entry.project) this.httpAccess = new HttpAccessNode(this, entry);
    if (can(entry.info.kind, 'simulatedPayments')) this.payments = new PaymentsNode(this, entry.key, model);
    if (can(entry.info.kind, 'simulatedUsers')) this.users = new UsersNode(this, model, entry.key);
    if (entry.info.kind === 'local' && entry.project) this.snapshots = new SnapshotsNode(this, entry, entry.project.root);
  }

  get envKey(): string {
    return this.entry.key;
  }

  getTreeItem(): vscode.TreeItem {
    return this.entry.info.kind === 'tencent' ? this.tencentItem(this.entry.account?.label ?? '') : this.localItem();
  }

  /** Nothing runs on this machine: the state is whether the client is built, shown only when it failed. */
  private tencentItem(account: string): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(entry.info.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const region = entry.info.region ?? '';
    item.description = region;
    item.iconPath = entry.state === 'failed' ? new vscode.ThemeIcon('cloud', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('cloud');
    item.tooltip = [
      entry.info.label,
      vscode.l10n.t('Account: {0}', account),
      vscode.l10n.t('Region: {0}', region),
      vscode.l10n.t('Environment ID: {0}', entry.info.envId),
    ].join('\n');
    // Always "running": there is nothing to start, so every environment command applies.
    item.contextValue = contextValue(ContextValue.environment, ContextValue.tencentEnvironment, ContextValue.running, ...environmentCapabilityTokens(capabilitiesOf(entry.info.kind)));
    return item;
  }

  private localItem(): vscode.TreeItem {
    const { entry } = this;
    const item = new vscode.TreeItem(entry.info.label, this.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = vscode.l10n.t('Local');
    item.iconPath = ICONS[entry.state];
    const crashed = entry.state === 'failed' && entry.crashed === true;
    if (crashed) item.description = vscode.l10n.t('Local · stopped unexpectedly');
    const lines = [
      `${entry.info.label} · ${crashed ? vscode.l10n.t('Stopped unexpectedly') : stateLabel(entry.state)}`,
      vscode.l10n.t('Folder: {0}', entry.project?.root ?? ''),
      vscode.l10n.t('Environment ID: {0}', entry.info.envId),
    ];
    if (entry.url) lines.push(vscode.l10n.t('Address: {0}', entry.url));
    if (entry.pid !== undefined) lines.push(vscode.l10n.t('Process: {0}', String(entry.pid)));
    item.tooltip = lines.join('\n');
    const running = entry.state === 'running' || entry.state === 'starting';
    item.contextValue = contextValue(
      ContextValue.environment,
      ...environmentCapabilityTokens(capabilitiesOf(entry.info.kind)),
      running ? ContextValue.running : ContextValue.startable,
      ...(crashed ? [ContextValue.crashed] : []),
    );
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const children = await this.model.environmentChildren(this.entry.key);
    const nodes: ExplorerNode[] = children.map((child) => {
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
    // Beside the areas once the environment runs (its address is known then).
    const running = children.some((c) => c.kind === 'area' && c.area === 'functions');
    if (this.httpAccess && running) nodes.push(this.httpAccess);
    if (this.users && running) nodes.push(this.users);
    if (this.payments && running) nodes.push(this.payments);
    if (this.snapshots) nodes.push(this.snapshots);
    return nodes;
  }
}
