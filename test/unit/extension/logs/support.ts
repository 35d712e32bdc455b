/**
 * Test parts for log sessions: the emulator's real LogStore behind a LogsApi (the way the local
 * backend exposes it), a feed a test pushes batches into by hand, and a manual clock.
 */
import type { LogQuery, LogsApi } from '../../../../src/cloud/backend';
import { LogStore } from '../../../../src/emulator/functions/logs';
import type { LogFeed, Timers } from '../../../../src/extension/logs/logSession';
import type { LogEntry } from '../../../../src/shared/model';

/** An async queue: `push` from one side, `for await` on the other, ends on abort or `end()`. */
export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiting?: (r: IteratorResult<T>) => void;
  private ended = false;
  private failure?: unknown;

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
  }

  fail(e: unknown): void {
    this.failure = e;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.failure !== undefined) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = (r) => (this.failure !== undefined ? reject(this.failure) : resolve(r));
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** The LogsApi of a LogStore: every appended entry is pushed once, as a batch of its own. */
export function storeLogsApi(store: LogStore): LogsApi & { subscribers(): number } {
  let subscribers = 0;
  return {
    subscribers: () => subscribers,
    tail(filter: { functionName?: string }, signal: AbortSignal): AsyncIterable<LogEntry[]> {
      const channel = new Channel<LogEntry[]>();
      subscribers++;
      const off = store.subscribe((e) => {
        if (filter.functionName === undefined || e.functionName === filter.functionName) channel.push([e]);
      });
      signal.addEventListener(
        'abort',
        () => {
          off();
          subscribers--;
          channel.end();
        },
        { once: true },
      );
      return channel;
    },
    async query(filter: LogQuery): Promise<LogEntry[]> {
      return store.query(filter);
    },
  };
}

/** A feed whose batches the test pushes; `queries` records history requests. */
export class ManualFeed implements LogFeed {
  readonly channel = new Channel<LogEntry[]>();
  readonly queries: LogQuery[] = [];
  history: LogEntry[] = [];
  tailSignal?: AbortSignal;

  constructor(readonly overlapping = false) {}

  tail(_filter: { functionName?: string }, signal: AbortSignal): AsyncIterable<LogEntry[]> {
    this.tailSignal = signal;
    signal.addEventListener('abort', () => this.channel.end(), { once: true });
    return this.channel;
  }

  async query(filter: LogQuery): Promise<LogEntry[]> {
    this.queries.push(filter);
    const found = this.history.filter(
      (e) =>
        (filter.since === undefined || e.time >= filter.since) &&
        (filter.until === undefined || e.time <= filter.until) &&
        (filter.functionName === undefined || e.functionName === filter.functionName),
    );
    return filter.limit === undefined ? found : found.slice(-filter.limit);
  }
}

/** Time moves only when the test says so. */
export class ManualTimers implements Timers {
  private t = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  get pending(): number {
    return this.queue.length;
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = until;
  }
}

export function entry(i: number, over: Partial<LogEntry> = {}): LogEntry {
  return { time: 1_000_000 + i, level: 'info', functionName: 'fn', requestId: `r${i}`, message: `line ${i}`, kind: 'log', ...over };
}

/** Lets promise callbacks and pending async steps run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
