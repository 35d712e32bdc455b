/** The rule of the error boundary, apart from the reporter that shows errors. No vscode import. */
import { isCancellation } from '../../shared/errors';

/** What the boundary hands an error to: the one ErrorReporter in the extension. */
export interface ErrorSink {
  report(error: unknown, context: { what: string; retry?: () => unknown }): void;
}

/**
 * The boundary for callbacks that no command wraps (webview messages, file system provider calls,
 * debug sessions, promises left running): the error reaches the reporter once and the callback
 * resolves to undefined instead of rejecting where nobody listens; cancellation stays silent.
 * Kept free of vscode so the rule is testable in plain Node.
 */
export function guarded<A extends unknown[], R>(
  sink: ErrorSink,
  what: string,
  fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      if (!isCancellation(e)) sink.report(e, { what });
      return undefined;
    }
  };
}
