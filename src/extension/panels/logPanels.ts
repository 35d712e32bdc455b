/**
 * Every open log panel, one per target (a function, or all functions of an environment). Opening
 * a target again reveals its panel. Panels come back after a window reload through the
 * serializer (activation event onWebviewPanel:cloudbase.logs) with the target the page saved.
 */
import * as vscode from 'vscode';
import { isCancellation } from '../../shared/errors';
import type { LogPanelTarget } from '../../shared/protocol/logPanel';
import { LOG_PANEL_VIEW_TYPE } from '../../shared/protocol/logPanel';
import { logPanelTargetOf } from '../../shared/protocol/logPanelGuards';
import type { EnvironmentRegistry } from '../environments/registry';
import { clampMaxEntries } from '../logs/logSession';
import { windowInput, type Prompts } from '../platform/userInput';
import type { ErrorReporter } from '../platform/errorReporter';
import { LogPanel, logPanelKey, type LogPanelDeps } from './logPanel';
import { PanelRegistry, observePanels, type PanelTraffic } from './webviewPanelHost';

export const MAX_ENTRIES_SETTING = 'logs.maxEntries';

export function maxEntriesSetting(): number {
  return clampMaxEntries(vscode.workspace.getConfiguration('cloudbase').get<number>(MAX_ENTRIES_SETTING));
}

export interface LogPanelsOptions {
  registry: EnvironmentRegistry;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  errors: ErrorReporter;
  prompts: Prompts;
}

export class LogPanels implements vscode.Disposable {
  private readonly panels = new PanelRegistry<LogPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly deps: LogPanelDeps;

  constructor(private readonly options: LogPanelsOptions) {
    this.deps = {
      registry: options.registry,
      extensionUri: options.extensionUri,
      log: options.log,
      errors: options.errors,
      maxEntries: maxEntriesSetting,
      pickSaveTarget: (name) => this.pickSaveTarget(name),
    };
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(LOG_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.revive(panel, state),
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`cloudbase.${MAX_ENTRIES_SETTING}`)) for (const p of this.panels.all()) p.applyMaxEntries();
      }),
    );
  }

  /** Shows the target's panel (creating and connecting it when there is none). */
  async open(target: LogPanelTarget): Promise<LogPanel> {
    const key = logPanelKey(target);
    let created = false;
    const panel = this.panels.show(key, () => {
      created = true;
      return this.track(key, new LogPanel(target, this.deps));
    });
    // Tail Logs again is also a retry: after a failure, the log service turned on, or while waiting.
    if (created || ['stopped', 'error', 'serviceOff', 'waiting'].includes(panel.session.status)) await panel.connect(true);
    return panel;
  }

  all(): LogPanel[] {
    return this.panels.all();
  }

  dispose(): void {
    this.panels.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private async revive(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // A state of another version still names its target: the panel reopens there, and its page drops the rest and opens fresh.
    const saved = logPanelTargetOf(state);
    if (!saved) {
      // Nothing to show without a target (none saved yet, or one this version cannot read).
      this.options.log.warn('A log panel could not be restored: it saved no target.');
      webviewPanel.dispose();
      return;
    }
    const target: LogPanelTarget = { ...saved, envLabel: this.options.registry.get(saved.envKey)?.info.label ?? saved.envLabel };
    const key = logPanelKey(target);
    const panel = new LogPanel(target, this.deps, webviewPanel);
    if (!this.panels.adopt(key, panel)) return;
    this.track(key, panel);
    // Tails now if the environment runs (a Tencent one as soon as it is known); otherwise (the
    // workspace may still be scanning, the account's environments not listed yet) the panel
    // attaches when the environment reports running or is added.
    await panel.connect(false).catch(() => undefined /* shown on the panel */);
  }

  private track(key: string, panel: LogPanel): LogPanel {
    panel.host.onDispose(() => this.panels.forget(key, panel));
    return panel;
  }

  private async pickSaveTarget(defaultName: string): Promise<vscode.Uri | undefined> {
    const ui = this.options.prompts.ui;
    const pick = ui.pickSaveFile?.bind(ui) ?? windowInput.pickSaveFile?.bind(windowInput);
    if (!pick) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    try {
      return await pick({
        title: vscode.l10n.t('Export Log Entries'),
        defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
        filters: { [vscode.l10n.t('Log text')]: ['log', 'txt'], [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
        saveLabel: vscode.l10n.t('Export'),
      });
    } catch (e) {
      if (isCancellation(e)) return undefined;
      throw e;
    }
  }
}

/** What extension-host tests see of the log panels (through the extension's API). */
export interface LogPanelsTestApi {
  panels(): { target: LogPanelTarget; ready: boolean; visible: boolean; status: string; lastPoll?: { at: number; nextInMs: number }; entries: number; functionNames: string[] }[];
  /** Every message a panel posts, receives or rejects, from now until disposed. */
  observe(listener: (traffic: PanelTraffic) => void): { dispose(): void };
  /** Hands `message` to a target's panel as if its page had sent it; false when the guard refused it. */
  deliver(target: { envKey: string; functionName?: string }, message: unknown): Promise<boolean>;
}

export function logPanelsTestApi(panels: LogPanels): LogPanelsTestApi {
  return {
    panels: () =>
      panels.all().map((p) => {
        const entries = p.session.snapshot();
        return {
          target: p.target,
          ready: p.host.ready,
          visible: p.host.visible,
          status: p.session.status,
          lastPoll: p.session.lastPoll,
          entries: entries.length,
          functionNames: [...new Set(entries.map((e) => e.functionName))].sort(),
        };
      }),
    observe: (listener) => observePanels(listener),
    deliver: async (target, message) => {
      const panel = panels.all().find((p) => logPanelKey(p.target) === logPanelKey(target));
      if (!panel) throw new Error(`No log panel is open for ${logPanelKey(target)}.`);
      return panel.host.receive(message);
    },
  };
}
