/**
 * The page's entries: a mirror of the host session's buffer (same cap, same order), the filtered
 * view of it kept up to date as entries arrive, and the rows the list shows (one per entry, or
 * invocation groups). No DOM: the bench runs it in Node.
 *
 * Entries get an absolute index (`abs`) that never changes while they are kept: evicting the
 * oldest only moves `offset`. The filtered view is a sorted list of those indexes, so appending
 * costs one filter test per new entry and the list finds any row without a copy of the data.
 */
import type { PanelLogEntry } from '../../src/shared/protocol/logPanel';
import type { LogFilter } from '../../src/shared/protocol/logPanel';
import { compileFilter, defaultFilter, type CompiledFilter } from './filter';

/** A row: an entry's absolute index (≥ 0), or a group header, −(group index + 1). */
export type Row = number;

export interface Group {
  requestId: string;
  functionName: string;
  /** Entries of the invocation that pass the filter. */
  count: number;
  first: PanelLogEntry;
  firstAbs: number;
  end?: PanelLogEntry;
  failed: boolean;
  collapsed: boolean;
}

export interface RowModel {
  readonly count: number;
  at(row: number): Row;
  /** The row showing entry `abs`, or −1 (filtered out, collapsed, or gone). */
  rowOf(abs: number): number;
  /** The header row of an invocation's group, or −1. */
  rowOfGroup(requestId: string): number;
  group(row: Row): Group | undefined;
}

export class EntryStore {
  private items: PanelLogEntry[] = [];
  /** Position of the oldest kept entry in `items`. */
  private head = 0;
  /** Absolute index of the oldest kept entry. */
  private offset = 0;
  private visible: number[] = [];
  private visibleHead = 0;
  private compiled: CompiledFilter = compileFilter(defaultFilter());
  /** Bumped on every change, so views know when to rebuild. */
  version = 0;

  /** The text the panel shows for an entry, which the filter searches (set once the page has its strings). */
  private shownText?: (e: PanelLogEntry) => string;

  constructor(private cap: number) {}

  setShownText(shown: (e: PanelLogEntry) => string): void {
    this.shownText = shown;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get capacity(): number {
    return this.cap;
  }

  /** The absolute index the next appended entry gets. */
  get nextAbs(): number {
    return this.offset + this.size;
  }

  get firstAbs(): number {
    return this.offset;
  }

  get visibleCount(): number {
    return this.visible.length - this.visibleHead;
  }

  get filterError(): string | undefined {
    return this.compiled.error;
  }

  entry(abs: number): PanelLogEntry | undefined {
    const i = abs - this.offset;
    return i >= 0 && i < this.size ? this.items[this.head + i] : undefined;
  }

  /** Appends in order; returns how many of the oldest were let go. */
  append(entries: readonly PanelLogEntry[]): number {
    if (entries.length === 0) return 0;
    const { test, all } = this.compiled;
    let abs = this.nextAbs;
    for (const e of entries) {
      this.items.push(e);
      if (all || test(e)) this.visible.push(abs);
      abs++;
    }
    this.version++;
    return this.trim();
  }

  /** Merges older entries (sorted by time) in by time, after kept entries of the same time. */
  merge(entries: readonly PanelLogEntry[]): number {
    if (entries.length === 0) return 0;
    const kept = this.items.slice(this.head);
    const out: PanelLogEntry[] = new Array(kept.length + entries.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < kept.length && j < entries.length) out[k++] = kept[i].time <= entries[j].time ? kept[i++] : entries[j++];
    while (i < kept.length) out[k++] = kept[i++];
    while (j < entries.length) out[k++] = entries[j++];
    this.items = out;
    this.head = 0;
    const dropped = this.trim();
    this.rebuildVisible();
    return dropped;
  }

  clear(): void {
    this.offset = this.nextAbs;
    this.items = [];
    this.head = 0;
    this.visible = [];
    this.visibleHead = 0;
    this.version++;
  }

  setCapacity(cap: number): number {
    this.cap = cap;
    const dropped = this.trim();
    this.version++;
    return dropped;
  }

  setFilter(filter: LogFilter): CompiledFilter {
    this.compiled = compileFilter(filter, this.shownText as ((e: unknown) => string) | undefined);
    this.rebuildVisible();
    return this.compiled;
  }

  /** Every kept entry that passes the filter, in order (what Export writes). */
  shown(limitAbs = Infinity): PanelLogEntry[] {
    const out: PanelLogEntry[] = [];
    for (let i = this.visibleHead; i < this.visible.length && this.visible[i] < limitAbs; i++) out.push(this.items[this.head + this.visible[i] - this.offset]);
    return out;
  }

  /** Rows one per shown entry with an absolute index below `limitAbs` (pausing freezes the view there). */
  flatRows(limitAbs = Infinity): RowModel {
    const visible = this.visible;
    const base = this.visibleHead;
    const count = limitAbs === Infinity ? visible.length - base : lowerBound(visible, base, visible.length, limitAbs) - base;
    return {
      count,
      at: (row) => visible[base + row],
      rowOf: (abs) => {
        const i = lowerBound(visible, base, base + count, abs);
        return i < base + count && visible[i] === abs ? i - base : -1;
      },
      rowOfGroup: () => -1,
      group: () => undefined,
    };
  }

  /**
   * Rows grouped by invocation, groups in the order of their first shown entry: a header, then
   * (unless collapsed) the invocation's entries.
   */
  groupedRows(collapsed: ReadonlySet<string>, limitAbs = Infinity): RowModel {
    const groups: Group[] = [];
    const members: number[][] = [];
    const byRequest = new Map<string, number>();
    for (let i = this.visibleHead; i < this.visible.length; i++) {
      const abs = this.visible[i];
      if (abs >= limitAbs) break;
      const e = this.items[this.head + abs - this.offset];
      let g = byRequest.get(e.requestId);
      if (g === undefined) {
        g = groups.length;
        byRequest.set(e.requestId, g);
        groups.push({ requestId: e.requestId, functionName: e.functionName, count: 0, first: e, firstAbs: abs, failed: false, collapsed: collapsed.has(e.requestId) });
        members.push([]);
      }
      const group = groups[g];
      group.count++;
      if (e.kind === 'end') group.end = e;
      if (e.level === 'error') group.failed = true;
      members[g].push(abs);
    }
    const rows: number[] = [];
    const rowByAbs = new Map<number, number>();
    const headerRow: number[] = new Array(groups.length);
    for (let g = 0; g < groups.length; g++) {
      headerRow[g] = rows.length;
      rows.push(-(g + 1));
      if (groups[g].collapsed) continue;
      for (const abs of members[g]) {
        rowByAbs.set(abs, rows.length);
        rows.push(abs);
      }
    }
    return {
      count: rows.length,
      at: (row) => rows[row],
      rowOf: (abs) => rowByAbs.get(abs) ?? -1,
      rowOfGroup: (requestId) => {
        const g = byRequest.get(requestId);
        return g === undefined ? -1 : headerRow[g];
      },
      group: (row) => (row < 0 ? groups[-row - 1] : undefined),
    };
  }

  private rebuildVisible(): void {
    const { test, all } = this.compiled;
    const visible: number[] = [];
    for (let i = this.head; i < this.items.length; i++) if (all || test(this.items[i])) visible.push(this.offset + i - this.head);
    this.visible = visible;
    this.visibleHead = 0;
    this.version++;
  }

  private trim(): number {
    const over = this.size - this.cap;
    if (over <= 0) return 0;
    this.head += over;
    this.offset += over;
    while (this.visibleHead < this.visible.length && this.visible[this.visibleHead] < this.offset) this.visibleHead++;
    // Compact once the dead part is as large as the live one: amortized O(1) per entry.
    if (this.head >= this.size) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.visibleHead >= this.visible.length - this.visibleHead) {
      this.visible = this.visible.slice(this.visibleHead);
      this.visibleHead = 0;
    }
    this.version++;
    return over;
  }
}

/** First index in sorted a[from, to) whose value is ≥ x. */
function lowerBound(a: readonly number[], from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
