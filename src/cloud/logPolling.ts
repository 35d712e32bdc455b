/**
 * Tailing a log service that can only be searched (Tencent's CLS): ask again and again for
 * [newest seen − overlap, now], so lines indexed late are still caught, and hand on each line
 * once. Idle or throttled, the pauses grow; new lines bring them back to the start.
 */
import { createHash } from 'node:crypto';
import type { LogQuery } from './backend';
import { StudioError, isCancellation, isStudioError } from '../shared/errors';
import type { LogEntry } from '../shared/model';

export interface PollOptions {
  /** Pause after a poll that brought lines. Default 2 s. */
  intervalMs?: number;
  /** The longest pause, reached by idle or throttled polls. Default 15 s. */
  maxIntervalMs?: number;
  /** How far each window reaches back before the newest entry seen. Default 60 s. */
  overlapMs?: number;
  /** Entries asked for per poll. Default 100. */
  limit?: number;
  /** Failed polls in a row that end the tail. Default 3. */
  maxFailures?: number;
  /** Wall clock, milliseconds since the epoch (log times are). */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Called after every poll, answered or not: when the service was last asked, and how long the
   * poller now waits before asking again (it grows while idle or throttled).
   */
  onPolled?: (at: number, nextInMs: number) => void;
}

export type LogSearch = (filter: LogQuery, signal?: AbortSignal) => Promise<LogEntry[]>;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A line's identity across overlapping windows: its time and a hash of what it says. */
export function entryKey(e: LogEntry): string {
  const hash = createHash('sha1').update(JSON.stringify([e.functionName, e.requestId, e.level, e.kind ?? '', e.message])).digest('base64url');
  return `${e.time}:${hash}`;
}

/** Failures worth another try on the next tick; anything else (no rights, log service off…) ends the tail at once. */
function isPassing(e: unknown): boolean {
  return isStudioError(e) && ['Throttled', 'Timeout', 'Network', 'ServiceError'].includes(e.code);
}

export async function* pollLogs(search: LogSearch, filter: { functionName?: string }, signal: AbortSignal, options: PollOptions = {}): AsyncIterable<LogEntry[]> {
  const base = options.intervalMs ?? 2000;
  const ceiling = Math.max(base, options.maxIntervalMs ?? 15_000);
  const overlapMs = options.overlapMs ?? 60_000;
  const limit = options.limit ?? 100;
  const maxFailures = options.maxFailures ?? 3;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  /**
   * Lines already handed on, by key: how many alike (a loop may log the same line in the same
   * millisecond) and when, forgotten once out of every window.
   */
  const seen = new Map<string, { time: number; count: number }>();
  let newest = now();
  let pause = base;
  let failures = 0;
  while (!signal.aborted) {
    const since = Math.max(0, newest - overlapMs);
    try {
      const batch = await search({ ...filter, since, until: now(), limit }, signal);
      failures = 0;
      const fresh: LogEntry[] = [];
      const inBatch = new Map<string, number>();
      for (const e of batch) {
        const key = entryKey(e);
        const n = (inBatch.get(key) ?? 0) + 1;
        inBatch.set(key, n);
        const known = seen.get(key);
        if (known && known.count >= n) continue;
        seen.set(key, { time: e.time, count: n });
        fresh.push(e);
        if (e.time > newest) newest = e.time;
      }
      for (const [key, known] of seen) if (known.time < newest - overlapMs) seen.delete(key);
      pause = fresh.length > 0 ? base : Math.min(ceiling, Math.round(pause * 1.5));
      options.onPolled?.(now(), pause);
      if (fresh.length > 0 && !signal.aborted) yield fresh;
    } catch (e) {
      if (signal.aborted || isCancellation(e)) return;
      const passing = isPassing(e) && ++failures < maxFailures;
      if (passing) pause = Math.min(ceiling, pause * 2);
      options.onPolled?.(now(), passing ? pause : 0);
      if (!passing) throw e;
    }
    await sleep(pause, signal);
  }
}

/**
 * Spaces requests to one service so that no more than `perSecond` start in any second, however
 * many callers share it (a tail, a query and a second panel on the same environment).
 */
export class RequestPacer {
  private next = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  async wait(signal?: AbortSignal): Promise<void> {
    const gap = 1000 / this.perSecond;
    const at = Math.max(this.now(), this.next);
    this.next = at + gap;
    const delay = at - this.now();
    if (delay <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new StudioError('Cancelled', 'The operation was cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
