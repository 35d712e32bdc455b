/**
 * LogsApi of a local environment over the function runtime's log store: `tail` follows the store
 * as entries are appended, `query` reads what it keeps.
 */
import type { LogQuery, LogsApi } from '../backend';
import { throwIfAborted } from '../../shared/errors';
import type { LogEntry } from '../../shared/model';
import type { LogStore } from '../../emulator/functions/index';
import { checkLogQuery } from '../log-query';

/** A reader that falls this far behind loses its oldest unread entries rather than growing without bound. */
export const TAIL_BUFFER_ENTRIES = 10_000;

export class LocalLogsApi implements LogsApi {
  constructor(private readonly store: LogStore) {}

  async *tail(filter: { functionName?: string }, signal: AbortSignal): AsyncIterable<LogEntry[]> {
    let pending: LogEntry[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.store.subscribe((entry) => {
      if (filter.functionName !== undefined && entry.functionName !== filter.functionName) return;
      pending.push(entry);
      if (pending.length > TAIL_BUFFER_ENTRIES) pending.splice(0, pending.length - TAIL_BUFFER_ENTRIES);
      wake?.();
    });
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (signal.aborted) break;
        // Everything that arrived while the reader was busy goes out as one batch.
        const batch = pending;
        pending = [];
        if (batch.length > 0) yield batch;
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }

  async query(filter: LogQuery, signal?: AbortSignal): Promise<LogEntry[]> {
    throwIfAborted(signal);
    checkLogQuery(filter);
    return this.store.query(filter);
  }
}
