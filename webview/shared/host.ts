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

/** The panel's guards from src/shared/protocol: the page trusts neither the host's messages nor its restored state unchecked. */
export interface BridgeGuards<FromHost, State> {
  isMessage(value: unknown): value is FromHost;
  isState(value: unknown): value is State;
}

export class HostBridge<FromHost extends { type: string }, ToHost extends { type: string }, State> {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  constructor(private readonly guards: BridgeGuards<FromHost, State>) {}

  post(message: ToHost): void {
    this.api.postMessage(message);
  }

  /** Messages from the host; anything the panel's guard refuses is not ours and is ignored. */
  listen(handler: (message: FromHost) => void): () => void {
    const onMessage = (event: MessageEvent<unknown>): void => {
      if (this.guards.isMessage(event.data)) handler(event.data);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }

  /** What `setState` stored last, when it passes the guard (a state of another version does not: the page starts fresh). */
  savedState(): State | undefined {
    const state = this.api.getState();
    return this.guards.isState(state) ? state : undefined;
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
