/**
 * The page's one link to the extension: typed messages both ways and the state VS Code keeps for
 * the page while it is hidden, moved or reloaded. Panels talk to the host only through this, so a
 * test harness can stand in for VS Code by defining `acquireVsCodeApi` (see test/ui/fixtures).
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class HostBridge<FromHost extends { type: string }, ToHost extends { type: string }, State> {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: ToHost): void {
    this.api.postMessage(message);
  }

  /** Messages from the host; anything without a string `type` is not ours and is ignored. */
  listen(handler: (message: FromHost) => void): () => void {
    const onMessage = (event: MessageEvent<unknown>): void => {
      const data = event.data;
      if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') handler(data as FromHost);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }

  /** What `setState` stored last; the caller checks its shape (it may come from an older version). */
  savedState(): unknown {
    return this.api.getState();
  }

  saveState(state: State): void {
    this.api.setState(state);
  }

  /** Reports an unexpected failure on the page to the host's log. */
  reportErrors(toMessage: (message: string) => ToHost): void {
    const report = (message: string): void => {
      try {
        this.post(toMessage(message.slice(0, 4000)));
      } catch {
        // Nothing else to tell.
      }
    };
    window.addEventListener('error', (e) => report(`${e.message} (${e.filename}:${e.lineno})`));
    window.addEventListener('unhandledrejection', (e) => report(e.reason instanceof Error ? (e.reason.stack ?? e.reason.message) : String(e.reason)));
  }
}
