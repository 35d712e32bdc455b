/**
 * One live log tail, the way a panel sees it: entries from a feed (the environment's LogsApi, or a
 * poller for services that only answer queries), numbered, capped, de-duplicated where the feed
 * may repeat itself, and handed on in batches at most every `batchMs`, so a burst of thousands of
 * lines costs the page a few messages and a lone line goes out at once.
 *
 * The session outlives its feed: when the environment stops the tail ends ('stopped'), and when
 * it runs again `attach` continues into the same buffer. Aborting is the normal end. No vscode
 * import (plain-Node tests).
 */
import type { LogQuery, TailHooks } from '../../cloud/backend';
import { StudioError, isCancellation, isStudioError, messageOf } from '../../shared/errors';
import type { LogEntry } from '../../shared/model';
import type { LogPanelStatus, PanelLogEntry, TimeRange } from '../../shared/protocol/logPanel';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import { EntryBuffer, timeSpan, withoutRepeats } from './entryBuffer';

/** Where a session's entries come from. */
export interface LogFeed {
  /**
   * True when batches may repeat entries already delivered (a poller's windows overlap so that
   * late-indexed lines are not missed); the session then drops repeats. A push stream is false:
   * identical lines in separate batches are separate lines.
   */
  readonly overlapping: boolean;
  tail(filter: { functionName?: string }, signal: AbortSignal, hooks?: TailHooks): AsyncIterable<LogEntry[]>;
  query?(filter: LogQuery, signal?: AbortSignal): Promise<LogEntry[]>;
}

export type SessionOutput =
  | { type: 'append'; entries: PanelLogEntry[]; dropped: number }
  | { type: 'history'; requestId: number; entries: PanelLogEntry[]; dropped: number; truncated: boolean }
  | { type: 'historyFailed'; requestId: number; message: string }
  | { type: 'status'; status: LogPanelStatus; message?: string }
  /** A polled feed asked its service (pushed feeds never say this). */
  | { type: 'polled'; at: number; nextInMs: number };

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LogSessionOptions {
  /** Absent: every function of the environment. */
  functionName?: string;
  maxEntries: number;
  /** At most one `append` per this many milliseconds. Default 50. */
  batchMs?: number;
  /** Entries fetched from the feed's history when a feed attaches (0: none). Default 1,000. */
  preload?: number;
  /** Entries fetched by one history request at most. Default 10,000. */
  historyLimit?: number;
  onOutput(output: SessionOutput): void;
  log?: Logger;
  timers?: Timers;
}

export const DEFAULT_BATCH_MS = 50;

export class LogSession {
  private readonly buffer: EntryBuffer;
  private pending: PanelLogEntry[] = [];
  private nextSeq = 1;
  private droppedCount = 0;
  private lastFlush = -Infinity;
  private timer: unknown;
  private feed?: LogFeed;
  private tail?: AbortController;
  private statusNow: LogPanelStatus = 'connecting';
  private lastPollNow?: { at: number; nextInMs: number };
  private disposed = false;
  private readonly batchMs: number;
  private readonly timers: Timers;
  private readonly log: Logger;

  constructor(private readonly options: LogSessionOptions) {
    this.buffer = new EntryBuffer(checkedCap(options.maxEntries));
    this.batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? silentLogger;
  }

  get status(): LogPanelStatus {
    return this.statusNow;
  }

  /** The current feed's last poll; undefined for a pushed feed or before its first poll. */
  get lastPoll(): { at: number; nextInMs: number } | undefined {
    return this.lastPollNow;
  }

  /** Entries let go because of the cap since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  get maxEntries(): number {
    return this.buffer.capacity;
  }

  /** Everything kept, in order (pending entries are flushed first): what a fresh page replays. */
  snapshot(): PanelLogEntry[] {
    this.flush();
    return this.buffer.toArray();
  }

  /**
   * Starts tailing `feed` (replacing the feed before): recent history first, then live entries.
   * Resolves when the tail ends: the feed finished ('stopped'), failed ('error') or was replaced.
   */
  async attach(feed: LogFeed): Promise<void> {
    this.assertOpen();
    this.tail?.abort();
    const controller = new AbortController();
    this.tail = controller;
    this.feed = feed;
    this.lastPollNow = undefined;
    this.setStatus('connecting');
    const signal = controller.signal;
    const filter = this.options.functionName === undefined ? {} : { functionName: this.options.functionName };
    const held: LogEntry[] = [];
    const hooks: TailHooks = {
      onPolled: ({ at, nextInMs }) => {
        if (signal.aborted || this.disposed) return;
        this.lastPollNow = { at, nextInMs };
        this.emit({ type: 'polled', at, nextInMs });
      },
    };
    try {
      const iterator = feed.tail(filter, signal, hooks)[Symbol.asyncIterator]();
      // Subscribe before reading history, so nothing logged in between is missed; what both
      // deliver is dropped once by `withoutRepeats`.
      let next = iterator.next();
      const preload = this.options.preload ?? 1000;
      if (preload > 0 && feed.query) {
        // Live batches that arrive while history loads wait behind it, to stay in time order.
        // History is a courtesy: without it the live tail still runs.
        const history = feed.query({ ...filter, limit: preload }, signal).catch((e: unknown) => {
          if (!signal.aborted) this.log.warn(`Recent log entries could not be loaded: ${messageOf(e)}`);
          return [] as LogEntry[];
        });
        for (;;) {
          const raced = await Promise.race([history.then((h) => ({ h })), next.then((r) => ({ r }))]);
          if ('h' in raced) {
            this.accept(withoutRepeats(raced.h, held), true);
            break;
          }
          if (raced.r.done) {
            this.accept(withoutRepeats(await history, held), true);
            break;
          }
          held.push(...raced.r.value);
          next = iterator.next();
        }
      }
      if (held.length > 0) this.accept(held, false);
      if (signal.aborted) return;
      this.setStatus('live');
      for (;;) {
        const r = await next;
        if (r.done || signal.aborted) break;
        this.accept(r.value, feed.overlapping);
        next = iterator.next();
      }
      if (!signal.aborted) {
        this.flush();
        this.setStatus('stopped');
      }
      await iterator.return?.();
    } catch (e) {
      if (signal.aborted || isCancellation(e)) return;
      this.flush();
      if (isStudioError(e, 'LogServiceOff')) {
        // Not a failure of ours: the panel says how to turn the service on and offers Retry.
        this.log.info(`The log tail${this.options.functionName ? ` of ${this.options.functionName}` : ''} stopped: ${messageOf(e)}`);
        this.setStatus('serviceOff');
        return;
      }
      this.log.error(`The log tail${this.options.functionName ? ` of ${this.options.functionName}` : ''} failed: ${messageOf(e)}`);
      this.setStatus('error', messageOf(e));
    } finally {
      if (this.tail === controller) this.tail = undefined;
    }
  }

  /** Stops the tail without a replacement (e.g. the environment is stopping). */
  detach(status: LogPanelStatus = 'stopped', message?: string): void {
    this.tail?.abort();
    this.tail = undefined;
    this.feed = undefined;
    this.lastPollNow = undefined;
    this.flush();
    this.setStatus(status, message);
  }

  /** Loads the feed's entries in `range` and merges the ones not yet shown, by time. */
  async loadHistory(range: TimeRange, requestId: number): Promise<void> {
    this.assertOpen();
    const feed = this.feed;
    try {
      if (!feed?.query) throw new StudioError('NotSupported', 'This environment keeps no log history to load.');
      const limit = this.options.historyLimit ?? 10_000;
      const query: LogQuery = { since: range.since, until: range.until, limit };
      if (this.options.functionName !== undefined) query.functionName = this.options.functionName;
      const found = await feed.query(query);
      if (this.disposed) return;
      this.flush();
      const sorted = found.slice().sort((a, b) => a.time - b.time);
      const { from, to } = timeSpan(sorted);
      const fresh = withoutRepeats(sorted, this.buffer.inTimeWindow(from, to)).map((e) => this.number(e));
      this.droppedCount += this.buffer.merge(fresh);
      this.emit({ type: 'history', requestId, entries: fresh, dropped: this.droppedCount, truncated: found.length >= limit });
    } catch (e) {
      if (this.disposed) return;
      this.emit({ type: 'historyFailed', requestId, message: messageOf(e) });
    }
  }

  clear(): void {
    this.pending = [];
    this.buffer.clear();
    this.droppedCount = 0;
  }

  setMaxEntries(maxEntries: number): void {
    this.flush();
    this.droppedCount += this.buffer.setCapacity(checkedCap(maxEntries));
  }

  /** Sends what is pending now instead of at the next batch boundary. */
  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    let batch = this.pending;
    this.pending = [];
    this.lastFlush = this.timers.now();
    // A burst larger than the cap: only its newest entries could be kept anyway.
    if (batch.length > this.buffer.capacity) {
      this.droppedCount += batch.length - this.buffer.capacity;
      batch = batch.slice(batch.length - this.buffer.capacity);
    }
    this.droppedCount += this.buffer.append(batch);
    this.emit({ type: 'append', entries: batch, dropped: this.droppedCount });
  }

  dispose(): void {
    if (this.disposed) return;
    this.tail?.abort();
    this.tail = undefined;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.disposed = true;
    this.pending = [];
    this.buffer.clear();
  }

  private accept(entries: readonly LogEntry[], overlapping: boolean): void {
    if (this.disposed || entries.length === 0) return;
    let fresh: readonly LogEntry[] = entries;
    if (overlapping) {
      const { from, to } = timeSpan(entries);
      const known = [...this.buffer.inTimeWindow(from, to), ...this.pending.filter((e) => e.time >= from && e.time <= to)];
      fresh = withoutRepeats(entries, known);
      if (fresh.length === 0) return;
    }
    for (const e of fresh) this.pending.push(this.number(e));
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastFlush + this.batchMs - this.timers.now();
    if (wait <= 0) this.flush();
    else
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
  }

  private number(e: LogEntry): PanelLogEntry {
    return { ...e, seq: this.nextSeq++ };
  }

  private setStatus(status: LogPanelStatus, message?: string): void {
    if (this.disposed) return;
    this.statusNow = status;
    this.emit(message === undefined ? { type: 'status', status } : { type: 'status', status, message });
  }

  private emit(output: SessionOutput): void {
    try {
      this.options.onOutput(output);
    } catch (e) {
      this.log.error(`The log panel could not take entries: ${messageOf(e)}`);
    }
  }

  private assertOpen(): void {
    if (this.disposed) throw new StudioError('Cancelled', 'The log session was closed.');
  }
}

export const MIN_MAX_ENTRIES = 1000;
export const MAX_MAX_ENTRIES = 1_000_000;
export const DEFAULT_MAX_ENTRIES = 100_000;

function checkedCap(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new StudioError('InvalidArgument', `The log panel keeps a whole number of entries, at least 1, not ${n}.`);
  return n;
}

/** The setting's value as the session takes it: a whole number within the declared bounds. */
export function clampMaxEntries(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_ENTRIES;
  return Math.min(MAX_MAX_ENTRIES, Math.max(MIN_MAX_ENTRIES, Math.round(value)));
}
