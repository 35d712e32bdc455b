/**
 * Feeds for a log session. A backend that pushes (the local environment) is used as it is; a
 * service that can only be asked (Tencent's log search) is polled with overlapping windows, so
 * lines indexed late are still caught, and the session drops what it already has. No vscode
 * import (plain-Node tests).
 */
import type { LogQuery, LogsApi } from '../../cloud/backend';
import { isCancellation } from '../../shared/errors';
import type { LogEntry } from '../../shared/model';
import type { LogFeed } from './logSession';

/** A backend's LogsApi as a feed: its tail pushes each entry once. */
export function pushFeed(logs: LogsApi): LogFeed {
  return {
    overlapping: false,
    tail: (filter, signal) => logs.tail(filter, signal),
    query: (filter, signal) => logs.query(filter, signal),
  };
}

export interface PollOptions {
  /** Pause between polls. Default 2 s. */
  intervalMs?: number;
  /** How far each window reaches back before the newest entry seen. Default 60 s. */
  overlapMs?: number;
  /** Entries per poll. Default 100. */
  limit?: number;
  /** Wall clock, milliseconds since the epoch (log times are). */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Tails by asking `query` again and again for [newest seen − overlap, now]. Batches repeat
 * entries on purpose (`overlapping`); a failed poll is retried on the next tick, since a
 * throttled or briefly unreachable service should not end the tail.
 */
export function pollingFeed(query: (filter: LogQuery, signal?: AbortSignal) => Promise<LogEntry[]>, options: PollOptions = {}): LogFeed {
  const intervalMs = options.intervalMs ?? 2000;
  const overlapMs = options.overlapMs ?? 60_000;
  const limit = options.limit ?? 100;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  return {
    overlapping: true,
    query,
    async *tail(filter, signal) {
      let newest = now();
      let failures = 0;
      while (!signal.aborted) {
        try {
          const batch = await query({ ...filter, since: Math.max(0, newest - overlapMs), until: now(), limit }, signal);
          failures = 0;
          for (const e of batch) if (e.time > newest) newest = e.time;
          if (batch.length > 0 && !signal.aborted) yield batch;
        } catch (e) {
          if (signal.aborted || isCancellation(e)) return;
          // Three failures in a row: the service is not coming back soon; the session shows the error.
          if (++failures >= 3) throw e;
        }
        await sleep(intervalMs, signal);
      }
    },
  };
}
