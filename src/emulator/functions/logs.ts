/**
 * Function logs of the local environment: a bounded in-memory store (oldest entries go first) that
 * pushes every entry to subscribers as it is appended, for a live log panel, and answers queries
 * by function, request ID and time range.
 */
import type { LogEntry, LogQuery } from '../../shared/model';

export type LogListener = (entry: LogEntry) => void;

export const DEFAULT_LOG_CAPACITY = 10_000;
/** Entries can be long (a line may hold 64 KiB), so the store is bounded by size too. */
export const DEFAULT_LOG_CAPACITY_BYTES = 32 * 1024 * 1024;

export class LogStore {
  private entries: LogEntry[] = [];
  /** Index of the oldest kept entry; the array is compacted now and then instead of shifted per entry. */
  private start = 0;
  private bytes = 0;
  private readonly listeners = new Set<LogListener>();

  constructor(
    readonly capacity = DEFAULT_LOG_CAPACITY,
    readonly capacityBytes = DEFAULT_LOG_CAPACITY_BYTES,
  ) {}

  get size(): number {
    return this.entries.length - this.start;
  }

  append(entry: LogEntry): void {
    this.entries.push(entry);
    this.bytes += entry.message.length;
    while (this.size > 1 && (this.size > this.capacity || this.bytes > this.capacityBytes)) {
      this.bytes -= this.entries[this.start].message.length;
      this.start++;
    }
    if (this.start > this.capacity) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // A failing subscriber must not lose the entry for the others or break the invocation.
      }
    }
  }

  /** Calls `listener` with every entry appended from now on; returns the unsubscribe function. */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Matching entries in the order they were appended. */
  query(q: LogQuery = {}): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = this.start; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (q.functionName !== undefined && e.functionName !== q.functionName) continue;
      if (q.requestId !== undefined && e.requestId !== q.requestId) continue;
      if (q.since !== undefined && e.time < q.since) continue;
      if (q.until !== undefined && e.time > q.until) continue;
      out.push(e);
    }
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
    this.bytes = 0;
  }
}

/** Per invocation output kept (and sent to the store); past it, one notice and the rest is dropped. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;
export const LINE_CAP_BYTES = 64 * 1024;

/** Collects one invocation's entries for its result and appends them to the store as they come. */
export class InvocationLog {
  private entries: LogEntry[] = [];
  private closed = false;
  private bytes = 0;
  private dropped = false;

  constructor(
    private readonly store: LogStore,
    readonly functionName: string,
    readonly requestId: string,
    private readonly capBytes = OUTPUT_CAP_BYTES,
  ) {}

  add(entry: Omit<LogEntry, 'functionName' | 'requestId'>): void {
    const full: LogEntry = { ...entry, functionName: this.functionName, requestId: this.requestId };
    if (full.kind === 'log' || full.kind === undefined) {
      if (this.dropped) return;
      if (this.bytes + full.message.length > this.capBytes) {
        this.dropped = true;
        full.level = 'warn';
        full.message = `Output past ${Math.round(this.capBytes / 1024)} KiB for this invocation is dropped.`;
      } else {
        this.bytes += full.message.length;
      }
    }
    if (!this.closed) this.entries.push(full);
    this.store.append(full);
  }

  /** The entries so far, for the invocation's result; later output only goes to the store. */
  close(): LogEntry[] {
    const entries = this.entries;
    this.closed = true;
    this.entries = [];
    return entries;
  }
}
