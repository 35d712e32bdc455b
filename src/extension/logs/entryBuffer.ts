/**
 * The entries a log session keeps: arrival order, capped (the oldest go first), and able to take
 * older entries (history) merged in by time. The page keeps a mirror of it, so a page that was
 * hidden or reloaded gets it back in one replay. No vscode import (plain-Node tests).
 */
import type { LogEntry } from '../../shared/model';
import type { PanelLogEntry } from '../../shared/protocol/logPanel';

export class EntryBuffer {
  private items: PanelLogEntry[] = [];
  /** Index of the oldest kept entry: evicting moves it instead of shifting the array each time. */
  private start = 0;

  constructor(private cap: number) {}

  get size(): number {
    return this.items.length - this.start;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Appends in order; returns how many of the oldest were let go to stay under the cap. */
  append(entries: readonly PanelLogEntry[]): number {
    for (const e of entries) this.items.push(e);
    return this.trim();
  }

  /**
   * Merges entries (sorted by time) into the kept ones by time; an entry goes after kept entries
   * with the same time, so live order is never disturbed. Returns how many were let go.
   */
  merge(entries: readonly PanelLogEntry[]): number {
    if (entries.length === 0) return 0;
    const kept = this.toArray();
    const out: PanelLogEntry[] = new Array(kept.length + entries.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < kept.length && j < entries.length) out[k++] = kept[i].time <= entries[j].time ? kept[i++] : entries[j++];
    while (i < kept.length) out[k++] = kept[i++];
    while (j < entries.length) out[k++] = entries[j++];
    this.items = out;
    this.start = 0;
    return this.trim();
  }

  setCapacity(cap: number): number {
    this.cap = cap;
    return this.trim();
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }

  toArray(): PanelLogEntry[] {
    return this.start === 0 ? this.items.slice() : this.items.slice(this.start);
  }

  /** Kept entries whose time lies in [from, to]: the ones a repeated delivery could repeat. */
  inTimeWindow(from: number, to: number): PanelLogEntry[] {
    const out: PanelLogEntry[] = [];
    for (let i = this.start; i < this.items.length; i++) {
      const e = this.items[i];
      if (e.time >= from && e.time <= to) out.push(e);
    }
    return out;
  }

  private trim(): number {
    const over = this.size - this.cap;
    if (over <= 0) return 0;
    this.start += over;
    // Compact once the dead head is as large as the live part: amortized O(1) per entry.
    if (this.start >= this.size) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return over;
  }
}

/** Identity of an entry for de-duplication: everything a source reports about it. */
export function entryKey(e: LogEntry): string {
  return `${e.time}\u0000${e.level}\u0000${e.kind ?? ''}\u0000${e.functionName}\u0000${e.requestId}\u0000${e.message}`;
}

/**
 * The entries of `incoming` that `known` does not already hold, as multisets: a line logged three
 * times in the same millisecond stays three lines, and a source that delivers it again (a poll
 * window that overlaps the last, or history that overlaps the live tail) adds none.
 */
export function withoutRepeats<T extends LogEntry>(incoming: readonly T[], known: readonly LogEntry[]): T[] {
  if (known.length === 0) return incoming.slice();
  const counts = new Map<string, number>();
  for (const e of known) {
    const k = entryKey(e);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: T[] = [];
  for (const e of incoming) {
    const k = entryKey(e);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else out.push(e);
  }
  return out;
}

/** The smallest and largest time in a batch (sources do not always deliver in time order). */
export function timeSpan(entries: readonly LogEntry[]): { from: number; to: number } {
  let from = Infinity;
  let to = -Infinity;
  for (const e of entries) {
    if (e.time < from) from = e.time;
    if (e.time > to) to = e.time;
  }
  return { from, to };
}
