/**
 * The host side every webview panel shares: security (strict CSP with a fresh nonce, resources
 * only from dist/webview and media), the ready handshake, a guard on every message from the
 * page, and disposal. Panels do not keep their page alive while hidden: the page saves its own
 * state (setState) and says `ready` again when it comes back, and the panel answers with the
 * full picture (bounded replay). Posting to a page that is not ready is skipped, not queued.
 */
import * as vscode from 'vscode';
import { messageOf } from '../../shared/errors';
import { createNonce, webviewHtml } from './webviewHtml';

/** Every page says this first, and again after each reload. */
export interface ReadyMessage {
  type: 'ready';
}

export type PanelTraffic = { panel: string; direction: 'toPage' | 'fromPage' | 'rejected'; message: unknown };

const observers = new Set<(traffic: PanelTraffic) => void>();

/**
 * Test hook: sees every message a panel posts or receives (and those it rejects). Used by the
 * extension-host tests through the extension's test API; nothing listens otherwise.
 */
export function observePanels(listener: (traffic: PanelTraffic) => void): vscode.Disposable {
  observers.add(listener);
  return new vscode.Disposable(() => observers.delete(listener));
}

function notify(traffic: PanelTraffic): void {
  for (const o of observers) {
    try {
      o(traffic);
    } catch {
      // An observer's failure is not the panel's.
    }
  }
}

export interface PanelHostOptions<FromPage> {
  viewType: string;
  /** The page bundle: dist/webview/<bundle>.js. */
  bundle: string;
  title: string;
  extensionUri: vscode.Uri;
  /** Checks a message from the page; anything it refuses is logged and dropped. */
  isMessage(value: unknown): value is FromPage;
  log: vscode.LogOutputChannel;
  /** A panel VS Code restored after a reload (serializer); otherwise a new one is created. */
  revived?: vscode.WebviewPanel;
  viewColumn?: vscode.ViewColumn;
  /** Opened from the tree: the keyboard stays there (Delete, arrows). */
  preserveFocus?: boolean;
  /** Files under media/, for the light and dark themes. */
  icon?: { light: string; dark: string };
}

export class WebviewPanelHost<FromPage extends { type: string }, ToPage extends { type: string }> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  /** Identifies the panel in logs and to test observers. */
  readonly name: string;
  private pageReady = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messageHandlers: ((m: FromPage) => void | Promise<void>)[] = [];
  private readonly readyHandlers: (() => void)[] = [];
  private readonly disposeHandlers: (() => void)[] = [];

  constructor(private readonly options: PanelHostOptions<FromPage>) {
    const roots = [vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(options.extensionUri, 'media')];
    const webviewOptions: vscode.WebviewOptions = { enableScripts: true, enableCommandUris: false, localResourceRoots: roots };
    if (options.revived) {
      this.panel = options.revived;
      this.panel.webview.options = webviewOptions;
      this.panel.title = options.title;
    } else {
      this.panel = vscode.window.createWebviewPanel(options.viewType, options.title, { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false }, {
        ...webviewOptions,
        enableFindWidget: true,
      });
    }
    if (options.icon) {
      const media = (file: string): vscode.Uri => vscode.Uri.joinPath(options.extensionUri, 'media', file);
      this.panel.iconPath = { light: media(options.icon.light), dark: media(options.icon.dark) };
    }
    this.name = `${options.viewType}:${options.title}`;
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      this.panel.onDidChangeViewState(() => {
        // A hidden page is gone; when shown again it loads afresh and says ready.
        if (!this.panel.visible) this.pageReady = false;
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.panel.webview.html = this.html();
  }

  get ready(): boolean {
    return this.pageReady && !this.disposed;
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  set title(title: string) {
    if (!this.disposed) this.panel.title = title;
  }

  onMessage(handler: (m: FromPage) => void | Promise<void>): void {
    this.messageHandlers.push(handler);
  }

  /** The page (re)loaded and listens: send it everything it should show. */
  onReady(handler: () => void): void {
    this.readyHandlers.push(handler);
  }

  onDispose(handler: () => void): void {
    this.disposeHandlers.push(handler);
  }

  /** Sends when the page is ready; returns whether it was sent (the next `ready` brings it up to date otherwise). */
  post(message: ToPage): boolean {
    if (!this.ready) return false;
    notify({ panel: this.name, direction: 'toPage', message });
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.options.log.debug(`${this.name}: a message was not delivered: ${messageOf(e)}`));
    return true;
  }

  reveal(preserveFocus = false): void {
    if (!this.disposed) this.panel.reveal(undefined, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pageReady = false;
    for (const h of this.disposeHandlers) this.safely(h);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /**
   * Everything the page sends comes through here: checked, then dispatched. Resolves once the
   * handlers are done, with false when the message was refused.
   */
  async receive(raw: unknown): Promise<boolean> {
    if (this.disposed) return false;
    if (!this.options.isMessage(raw)) {
      notify({ panel: this.name, direction: 'rejected', message: raw });
      const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : typeof raw;
      this.options.log.warn(`${this.name}: ignored a malformed or unknown message from the page (${type})`);
      return false;
    }
    notify({ panel: this.name, direction: 'fromPage', message: raw });
    if (raw.type === 'ready') {
      this.pageReady = true;
      for (const h of this.readyHandlers) await this.safely(h);
      return true;
    }
    for (const h of this.messageHandlers) await this.safely(() => h(raw));
    return true;
  }

  private async safely(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.options.log.error(`${this.name}: ${messageOf(e)}`);
    }
  }

  private html(): string {
    const { webview } = this.panel;
    const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, ...path)).toString();
    return webviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: uri('dist', 'webview', `${this.options.bundle}.js`),
      codiconsUri: uri('media', 'codicons', 'codicon.css'),
      title: this.options.title,
      lang: vscode.env.language,
    });
  }
}

/** One panel per target: asking again reveals the one open. */
export class PanelRegistry<P extends { reveal(preserveFocus?: boolean): void; dispose(): void }> implements vscode.Disposable {
  private readonly panels = new Map<string, P>();

  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  all(): P[] {
    return [...this.panels.values()];
  }

  /** Shows the panel for `key`, creating it with `create` when there is none; `forget` must be called when it closes. */
  show(key: string, create: () => P, preserveFocus = false): P {
    const open = this.panels.get(key);
    if (open) {
      open.reveal(preserveFocus);
      return open;
    }
    const panel = create();
    this.panels.set(key, panel);
    return panel;
  }

  /** Registers a panel restored by a serializer (a duplicate for the same key closes). */
  adopt(key: string, panel: P): boolean {
    if (this.panels.has(key)) {
      panel.dispose();
      return false;
    }
    this.panels.set(key, panel);
    return true;
  }

  forget(key: string, panel: P): void {
    if (this.panels.get(key) === panel) this.panels.delete(key);
  }

  dispose(): void {
    for (const p of this.all()) p.dispose();
    this.panels.clear();
  }
}
