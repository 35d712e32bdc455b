/**
 * The status bar item for the current environment: its name and state, its address in the
 * tooltip, and a click that offers what can be done with it (start, stop, copy the address, tail
 * its functions' logs, show it in the explorer, switch to another environment). It reads everything
 * from the environment registry (list, get, onDidChange), so it follows every kind of environment
 * the registry holds, however they run.
 */
import * as vscode from 'vscode';
import { CommandId, EXPLORER_VIEW_ID } from '../commandIds';
import { can } from '../environments/capabilities';
import type { EnvironmentEntry, EnvironmentRegistry, EnvironmentState } from '../environments/registry';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';

/** What the item shows, for tests. */
export interface EnvironmentStatusView {
  readonly envKey?: string;
  readonly text: string;
  readonly tooltip: string;
  readonly visible: boolean;
}

function stateText(state: EnvironmentState): string {
  switch (state) {
    case 'idle':
      return vscode.l10n.t('not started');
    case 'starting':
      return vscode.l10n.t('starting');
    case 'running':
      return vscode.l10n.t('running');
    case 'stopping':
      return vscode.l10n.t('stopping');
    case 'stopped':
      return vscode.l10n.t('stopped');
    case 'failed':
      return vscode.l10n.t('failed to start');
  }
}

function icon(entry: EnvironmentEntry): string {
  if (entry.state === 'starting' || entry.state === 'stopping') return '$(loading~spin)';
  if (entry.state === 'failed') return '$(error)';
  if (entry.info.kind !== 'local') return '$(cloud)';
  return entry.state === 'running' ? '$(vm-running)' : '$(vm-outline)';
}

/** The `/admin` address the server SDKs are pointed at. */
export function adminAddress(entry: EnvironmentEntry): string | undefined {
  return entry.url ? `${entry.url.replace(/\/+$/, '')}/admin` : undefined;
}

interface Action extends vscode.QuickPickItem {
  run: () => unknown;
}

export class EnvironmentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cloudbase.environmentStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  /** The environment chosen with Switch Environment…, else the selection's, else the workspace's. */
  private chosen?: string;
  private selected?: string;

  constructor(
    private readonly s: Services,
    private readonly registry: EnvironmentRegistry = s.registry,
  ) {
    this.item.name = vscode.l10n.t('CloudBase Environment');
    this.item.command = CommandId.environmentActions;
    const subscription = registry.onDidChange(() => this.update());
    this.disposables.push(
      { dispose: () => subscription.dispose() },
      s.view.onDidChangeSelection((e) => {
        const envKey = (e.selection[0] as { envKey?: unknown } | undefined)?.envKey;
        if (typeof envKey === 'string') {
          this.selected = envKey;
          this.chosen = undefined;
          this.update();
        }
      }),
    );
    this.update();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The current environment: chosen, selected in the explorer, else the workspace's first local one. */
  current(): EnvironmentEntry | undefined {
    for (const key of [this.chosen, this.selected]) {
      const entry = key ? this.registry.get(key) : undefined;
      if (entry) return entry;
    }
    const all = this.registry.list();
    return all.find((e) => e.info.kind === 'local' && e.state === 'running') ?? all.find((e) => e.info.kind === 'local') ?? all[0];
  }

  view(): EnvironmentStatusView {
    return { envKey: this.current()?.key, text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? ''), visible: this.current() !== undefined };
  }

  private update(): void {
    const entry = this.current();
    if (!entry) {
      this.item.hide();
      return;
    }
    this.item.text = `${icon(entry)} ${entry.info.label}: ${stateText(entry.state)}`;
    const lines = [
      entry.info.kind === 'local' ? vscode.l10n.t('Local environment {0}', entry.info.label) : vscode.l10n.t('CloudBase environment {0}', entry.info.label),
      vscode.l10n.t('Environment ID: {0}', entry.info.envId),
      vscode.l10n.t('State: {0}', stateText(entry.state)),
    ];
    const admin = adminAddress(entry);
    if (admin) lines.push(vscode.l10n.t('SDK address: {0}', admin));
    if (entry.info.region) lines.push(vscode.l10n.t('Region: {0}', entry.info.region));
    if (entry.project) lines.push(vscode.l10n.t('Project: {0}', entry.project.root));
    lines.push('', vscode.l10n.t('Click for actions'));
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = entry.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  /** The click: what can be done with the current environment now. */
  async showActions(): Promise<string | undefined> {
    const entry = this.current();
    if (!entry) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No CloudBase environment yet: open a mini program or CloudBase project, or sign in to Tencent CloudBase.'));
      return undefined;
    }
    const actions: Action[] = [];
    const local = entry.info.kind === 'local';
    const startStop = can(entry.info.kind, 'startStop');
    const admin = adminAddress(entry);
    if (startStop && entry.state !== 'running' && entry.state !== 'starting') {
      actions.push({ label: `$(play) ${vscode.l10n.t('Start Local Environment')}`, run: () => withViewProgress(() => this.registry.start(entry.key)) });
    }
    if (admin) {
      actions.push({
        label: `$(copy) ${vscode.l10n.t('Copy SDK Address')}`,
        description: admin,
        run: async () => {
          await vscode.env.clipboard.writeText(admin);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', admin), 3000);
        },
      });
    }
    if (!local) {
      actions.push({
        label: `$(copy) ${vscode.l10n.t('Copy Environment ID')}`,
        description: entry.info.envId,
        run: async () => {
          await vscode.env.clipboard.writeText(entry.info.envId);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', entry.info.envId), 3000);
        },
      });
    }
    if (entry.state === 'running' || !local) {
      actions.push({ label: `$(list-flat) ${vscode.l10n.t('Tail Function Logs')}`, run: () => vscode.commands.executeCommand(CommandId.tailLogs, { envKey: entry.key }) });
    }
    actions.push({ label: `$(list-tree) ${vscode.l10n.t('Show in CloudBase Explorer')}`, run: () => this.reveal(entry) });
    if (startStop && (entry.state === 'running' || entry.state === 'starting')) {
      actions.push({ label: `$(debug-stop) ${vscode.l10n.t('Stop Local Environment')}`, run: () => withViewProgress(() => this.registry.stop(entry.key)) });
    }
    if (this.registry.list().length > 1) {
      actions.push({ label: `$(arrow-swap) ${vscode.l10n.t('Switch Environment…')}`, run: () => this.switchEnvironment() });
    }
    actions.push({ label: `$(output) ${vscode.l10n.t('Show Extension Log')}`, run: () => vscode.commands.executeCommand(CommandId.showLogs) });
    const chosen = await this.s.prompts.ui.pick(actions, {
      title: vscode.l10n.t('{0}: {1}', entry.info.label, stateText(entry.state)),
      placeHolder: admin ?? entry.info.envId,
    });
    await chosen.run();
    return chosen.label.replace(/^\$\([^)]+\)\s*/, '');
  }

  private async switchEnvironment(): Promise<void> {
    type Choice = vscode.QuickPickItem & { key: string };
    const current = this.current()?.key;
    const chosen = await this.s.prompts.ui.pick<Choice>(
      this.registry.list().map((e) => ({
        label: e.info.label,
        description: `${e.info.kind === 'local' ? vscode.l10n.t('Local') : e.info.envId} · ${stateText(e.state)}`,
        detail: e.key === current ? vscode.l10n.t('Current') : undefined,
        key: e.key,
      })),
      { title: vscode.l10n.t('Switch Environment…'), placeHolder: vscode.l10n.t('Environment') },
    );
    this.chosen = chosen.key;
    this.update();
  }

  private async reveal(entry: EnvironmentEntry): Promise<void> {
    await vscode.commands.executeCommand(`${EXPLORER_VIEW_ID}.focus`);
    const node = this.s.tree.environmentNode(entry.key);
    if (node) await this.s.view.reveal(node, { select: true, focus: true, expand: true });
  }
}

export function registerEnvironmentStatus(commands: CommandRegistry, s: Services, subscriptions: { dispose(): unknown }[]): EnvironmentStatus {
  const status = new EnvironmentStatus(s);
  subscriptions.push(status);
  commands.register(CommandId.environmentActions, () => status.showActions());
  return status;
}
