/**
 * The host side of one live log panel: a LogSession for the target, fed by the environment's
 * LogsApi while the environment runs, and the page kept in step with it (init and a replay on
 * every `ready`, then batches). The page's requests (history, clear, copy, export) are answered
 * here; every one passed the protocol guard first.
 */
import * as vscode from 'vscode';
import { messageOf } from '../../shared/errors';
import { isLocalEnvironmentKey } from '../../shared/environmentKeys';
import type { LogEntry } from '../../shared/model';
import type { LogHostMessage, LogPageMessage, LogPanelTarget } from '../../shared/protocol/logPanel';
import { LOG_PANEL_BUNDLE, LOG_PANEL_VIEW_TYPE } from '../../shared/protocol/logPanel';
import { isLogPageMessage } from '../../shared/protocol/logPanelGuards';
import { can } from '../environments/capabilities';
import { type EnvironmentRegistry, type RegistryChange } from '../environments/registry';
import { exportFormatFor, formatEntries } from '../logs/exportFormat';
import { pushFeed } from '../logs/logFeeds';
import { LogSession, type SessionOutput } from '../logs/logSession';
import type { ErrorReporter } from '../platform/errorReporter';
import { logPanelStrings } from './logPanelStrings';
import { WebviewPanelHost } from './webviewPanelHost';

/** Entries per message when a page is brought up to date: large enough to be quick, small enough not to stall it. */
export const REPLAY_CHUNK = 5000;

export interface LogPanelDeps {
  registry: EnvironmentRegistry;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  errors: ErrorReporter;
  maxEntries(): number;
  /** Where Export writes; undefined when the user cancels. */
  pickSaveTarget(defaultName: string): Promise<vscode.Uri | undefined>;
}

export function logPanelKey(target: Pick<LogPanelTarget, 'envKey' | 'functionName'>): string {
  return `${target.envKey}\u0000${target.functionName ?? '*'}`;
}

export function logPanelTitle(target: LogPanelTarget): string {
  return target.functionName === undefined ? vscode.l10n.t('Logs: {0}', target.envLabel) : vscode.l10n.t('Logs: {0}', target.functionName);
}

export class LogPanel implements vscode.Disposable {
  readonly host: WebviewPanelHost<LogPageMessage, LogHostMessage>;
  readonly session: LogSession;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly target: LogPanelTarget,
    private readonly deps: LogPanelDeps,
    revived?: vscode.WebviewPanel,
  ) {
    this.host = new WebviewPanelHost<LogPageMessage, LogHostMessage>({
      viewType: LOG_PANEL_VIEW_TYPE,
      bundle: LOG_PANEL_BUNDLE,
      title: logPanelTitle(target),
      extensionUri: deps.extensionUri,
      isMessage: isLogPageMessage,
      log: deps.log,
      revived,
      icon: { light: 'log-panel-light.svg', dark: 'log-panel-dark.svg' },
    });
    this.session = new LogSession({
      functionName: target.functionName,
      maxEntries: deps.maxEntries(),
      onOutput: (o) => this.forward(o),
      log: deps.log,
    });
    this.host.onReady(() => this.bringUpToDate());
    this.host.onMessage((m) => this.handle(m));
    this.host.onDispose(() => this.dispose());
    const changes = deps.registry.onDidChange((c) => this.onRegistryChange(c));
    this.subscriptions.push({ dispose: () => changes.dispose() });
  }

  /**
   * Attaches to the environment's logs. `start` also starts the environment when it is not
   * running (the user asked to tail it); a restored panel waits for it instead.
   */
  async connect(start: boolean): Promise<void> {
    let entry = this.deps.registry.get(this.target.envKey);
    if (!entry && !isLocalEnvironmentKey(this.target.envKey)) {
      // A restored panel of a Tencent environment, before its account's environments were
      // listed in this window: the registry's resolver lists them (as for a document left open).
      await this.deps.registry.backend(this.target.envKey).catch(() => undefined /* not known: waits below */);
      if (this.disposed) return;
      entry = this.deps.registry.get(this.target.envKey);
    }
    if (!entry) {
      // A restored panel before its account signed in or listed its environments: the
      // registry's `added` brings it back (onRegistryChange).
      this.session.detach('waiting');
      return;
    }
    // A Tencent environment has nothing to start: "running" only means its backend was opened.
    if (!start && entry.state !== 'running' && can(entry.info.kind, 'startStop')) {
      this.session.detach('stopped');
      return;
    }
    try {
      const backend = await this.deps.registry.backend(this.target.envKey);
      if (this.disposed) return;
      if (!backend.logs) {
        this.session.detach('unsupported');
        return;
      }
      this.deps.log.info(`Tailing logs of ${this.target.functionName ?? 'all functions'} in ${this.target.envLabel}`);
      void this.session.attach(pushFeed(backend.logs)).catch((e: unknown) => this.deps.log.error(`Log tail: ${messageOf(e)}`));
    } catch (e) {
      if (!this.disposed) this.session.detach('error', messageOf(e));
      throw e;
    }
  }

  reveal(): void {
    this.host.reveal();
  }

  applyMaxEntries(): void {
    const max = this.deps.maxEntries();
    if (max === this.session.maxEntries) return;
    this.session.setMaxEntries(max);
    this.host.post({ type: 'maxEntries', maxEntries: max });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.host.dispose();
  }

  private onRegistryChange(change: RegistryChange): void {
    if (this.disposed || change.key !== this.target.envKey) return;
    if (change.kind === 'added') {
      if (this.session.status === 'waiting') void this.connect(false).catch(() => undefined /* shown on the panel */);
      return;
    }
    if (change.kind === 'removed') {
      this.session.detach('waiting');
    } else if (change.kind === 'state' && (change.state === 'stopping' || change.state === 'stopped' || change.state === 'failed')) {
      this.session.detach('stopped');
    } else if (change.kind === 'state' && change.state === 'running') {
      void this.connect(false).catch(() => undefined /* shown on the panel */);
    }
  }

  /** A fresh page: who it shows, then everything the session holds, then the tail's state. */
  private bringUpToDate(): void {
    const entries = this.session.snapshot();
    this.host.post({ type: 'init', target: this.target, maxEntries: this.session.maxEntries, strings: logPanelStrings(), locale: vscode.env.language });
    this.host.post({ type: 'reset', total: entries.length, dropped: this.session.dropped });
    for (let i = 0; i < entries.length; i += REPLAY_CHUNK) {
      this.host.post({ type: 'append', entries: entries.slice(i, i + REPLAY_CHUNK), dropped: this.session.dropped });
    }
    this.host.post({ type: 'status', status: this.session.status });
    const poll = this.session.lastPoll;
    if (poll) this.host.post({ type: 'polled', ...poll });
  }

  private forward(o: SessionOutput): void {
    this.host.post(o);
  }

  private async handle(m: LogPageMessage): Promise<void> {
    switch (m.type) {
      case 'loadHistory':
        await this.session.loadHistory(m.range, m.requestId);
        return;
      case 'clear':
        this.session.clear();
        return;
      case 'retry':
        await this.connect(true).catch((e: unknown) => this.deps.log.warn(`Reconnecting the log panel failed: ${messageOf(e)}`));
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        return;
      case 'export':
        await this.deps.errors.guard('export logs', () => this.export(m.entries));
        return;
      case 'pageError':
        this.deps.log.warn(`${this.host.name}: the page reported: ${m.message}`);
        return;
      case 'ready':
        return;
    }
  }

  private async export(entries: LogEntry[]): Promise<void> {
    const name = `${this.target.functionName ?? this.target.envLabel}-logs.log`.replace(/[\\/:*?"<>|]+/g, '-');
    const uri = await this.deps.pickSaveTarget(name);
    if (!uri) return;
    const format = exportFormatFor(uri.path);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(formatEntries(entries, format)));
    this.deps.log.info(`Exported ${entries.length} log entries to ${uri.toString(true)} (${format})`);
    const open = vscode.l10n.t('Open');
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0} log entries to {1}', entries.length, vscode.workspace.asRelativePath(uri)), open).then((chosen) => {
      if (chosen === open) void vscode.window.showTextDocument(uri);
    });
  }
}
