/**
 * The virtualized entry list: only the rows in sight (plus a few) exist in the DOM, recycled as
 * the view scrolls, with fixed-height rows over a spacer as tall as all of them. Rendering runs at
 * most once per animation frame however many entries arrive. Follow keeps the newest row in
 * sight until the user scrolls up; keyboard: arrows, Page Up/Down, Home/End, Shift to extend,
 * Enter/Space on a group to fold it, Enter on an entry for its details, Ctrl+C, Ctrl+A.
 */
import type { PanelLogEntry, LogPanelStrings } from '../../src/shared/protocol/logPanel';
import { fill, hasMore, shortRequestId, shownMessage, type Formatters } from './format';
import type { Group, Row, RowModel } from './store';

export const ROW_HEIGHT = 22;
const OVERSCAN = 6;

/** A selection end: an entry (absolute index) or a group header (its request ID). */
export type RowKey = number | string;

export interface ListHost {
  rows(): RowModel;
  entry(abs: number): PanelLogEntry | undefined;
  strings(): LogPanelStrings;
  formatters(): Formatters;
  showFunction(): boolean;
  onFollowChange(follow: boolean): void;
  onRequestClick(requestId: string): void;
  onToggleGroup(requestId: string): void;
  onOpenDetails(abs: number): void;
  onCopy(keys: RowKey[]): void;
  /** The entry at the top of the view changed (for restoring the position later). */
  onTopChange(abs: number | undefined): void;
}

interface RowElement {
  root: HTMLDivElement;
  twistie: HTMLSpanElement;
  time: HTMLSpanElement;
  level: HTMLSpanElement;
  fn: HTMLSpanElement;
  req: HTMLSpanElement;
  msg: HTMLSpanElement;
  /** What the row shows now, to skip rewriting it. */
  shows?: string;
}

export class VirtualList {
  readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly layer: HTMLDivElement;
  private pool: RowElement[] = [];
  private frame = 0;
  private follow = true;
  private programmaticTop = -1;
  private model: RowModel;
  private anchorKey?: RowKey;
  private activeKey?: RowKey;
  private lastTop?: number;
  private pendingTopRow?: number;

  constructor(private readonly host: ListHost) {
    this.viewport = document.createElement('div');
    this.viewport.className = 'viewport';
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'grid');
    this.viewport.setAttribute('aria-multiselectable', 'true');
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.layer = document.createElement('div');
    this.layer.className = 'rows';
    this.layer.setAttribute('role', 'rowgroup');
    this.viewport.append(this.spacer, this.layer);
    this.model = host.rows();

    this.viewport.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.viewport.addEventListener('wheel', (e) => {
      if (e.deltaY < 0) this.setFollow(false);
    }, { passive: true });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.layer.addEventListener('click', (e) => this.onClick(e));
    // The full date goes into a tooltip only when the pointer reaches a time: rows are redrawn too often to format it for each.
    this.layer.addEventListener('mouseover', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('.time');
      const rowEl = cell?.closest<HTMLElement>('.row');
      if (!cell || !rowEl || cell.title !== '') return;
      const row = this.model.at(Number(rowEl.dataset.row));
      const time = row >= 0 ? this.host.entry(row)?.time : this.model.group(row)?.first.time;
      if (time !== undefined) cell.title = this.host.formatters().dateTime(time);
    });
    this.layer.addEventListener('dblclick', (e) => {
      const key = this.keyOfEvent(e);
      if (typeof key === 'number') this.host.onOpenDetails(key);
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  get following(): boolean {
    return this.follow;
  }

  get rowCount(): number {
    return this.model.count;
  }

  /** Row keys between the selection's anchor and its active end, in row order. */
  selectedKeys(): RowKey[] {
    const a = this.rowOfKey(this.anchorKey);
    const b = this.rowOfKey(this.activeKey);
    if (b < 0) return [];
    const [from, to] = a < 0 ? [b, b] : a <= b ? [a, b] : [b, a];
    const keys: RowKey[] = [];
    for (let r = from; r <= to; r++) keys.push(this.keyOfRow(r));
    return keys;
  }

  activeEntry(): number | undefined {
    return typeof this.activeKey === 'number' ? this.activeKey : undefined;
  }

  setFollow(follow: boolean): void {
    if (this.follow === follow) return;
    this.follow = follow;
    this.host.onFollowChange(follow);
    if (follow) this.schedule();
  }

  /** The data or the rows changed: render in the next frame. */
  invalidate(): void {
    this.schedule();
  }

  /** Forgets the selection (after the entries were replaced). */
  clearSelection(): void {
    this.anchorKey = undefined;
    this.activeKey = undefined;
    this.viewport.removeAttribute('aria-activedescendant');
  }

  /** Scrolls so that `abs` is the top row (restoring a saved position). Returns false if it is not shown. */
  scrollToEntry(abs: number): boolean {
    this.model = this.host.rows();
    const row = this.model.rowOf(abs);
    if (row < 0) return false;
    this.setFollow(false);
    // Applied by the next render, once the spacer has the height to scroll that far.
    this.pendingTopRow = row;
    this.schedule();
    return true;
  }

  /** Renders now instead of at the next frame (tests and first paint). */
  renderNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.render();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.model = this.host.rows();
    const count = this.model.count;
    const total = count * ROW_HEIGHT;
    this.spacer.style.height = `${total}px`;
    const height = this.viewport.clientHeight;
    if (this.follow) this.setTop(Math.max(0, total - height));
    else if (this.pendingTopRow !== undefined) this.setTop(Math.min(this.pendingTopRow * ROW_HEIGHT, Math.max(0, total - height)));
    this.pendingTopRow = undefined;
    const top = Math.min(this.viewport.scrollTop, Math.max(0, total - height));
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const needed = Math.min(count - first, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    this.layer.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const selected = this.selectionRange();
    const activeRow = this.rowOfKey(this.activeKey);
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i];
      if (i >= needed) {
        if (!el.root.hidden) el.root.hidden = true;
        continue;
      }
      el.root.hidden = false;
      const r = first + i;
      this.fillRow(el, r, this.model.at(r), r >= selected[0] && r <= selected[1], r === activeRow);
    }
    if (activeRow >= 0) this.viewport.setAttribute('aria-activedescendant', `log-row-${activeRow}`);
    this.markBottom();
    const topRow = Math.floor(top / ROW_HEIGHT);
    const topAbs = topRow < count ? this.entryOfRow(topRow) : undefined;
    if (topAbs !== this.lastTop) {
      this.lastTop = topAbs;
      this.host.onTopChange(this.follow ? undefined : topAbs);
    }
  }

  private createRow(): RowElement {
    const root = document.createElement('div');
    root.className = 'row';
    root.setAttribute('role', 'row');
    const cell = (cls: string): HTMLSpanElement => {
      const s = document.createElement('span');
      s.className = cls;
      s.setAttribute('role', 'gridcell');
      root.append(s);
      return s;
    };
    const twistie = cell('twistie codicon');
    const time = cell('time');
    const level = cell('level');
    const fn = cell('fn');
    const req = cell('req');
    const msg = cell('msg');
    this.layer.append(root);
    return { root, twistie, time, level, fn, req, msg };
  }

  private fillRow(el: RowElement, r: number, row: Row, selected: boolean, active: boolean): void {
    el.root.id = `log-row-${r}`;
    el.root.dataset.row = String(r);
    el.root.setAttribute('aria-rowindex', String(r + 1));
    el.root.classList.toggle('selected', selected);
    el.root.setAttribute('aria-selected', String(selected));
    el.root.classList.toggle('active', active);
    const group = this.model.group(row);
    const shows = group ? `g${group.requestId}|${group.count}|${group.collapsed}|${group.end?.seq ?? ''}|${group.failed}` : `e${row}`;
    if (el.shows === shows) return;
    el.shows = shows;
    const fmt = this.host.formatters();
    const t = this.host.strings();
    if (group) {
      this.fillGroup(el, group, fmt, t);
      return;
    }
    const e = this.host.entry(row);
    if (!e) return;
    el.root.className = `row entry ${e.kind ?? 'log'} level-${e.level}${selected ? ' selected' : ''}${active ? ' active' : ''}`;
    el.root.removeAttribute('aria-expanded');
    el.twistie.className = 'twistie';
    el.time.textContent = fmt.time(e.time);
    el.time.removeAttribute('title');
    el.level.textContent = e.level.toUpperCase();
    el.fn.textContent = e.functionName;
    el.fn.title = e.functionName;
    el.req.textContent = shortRequestId(e.requestId);
    el.req.title = `${e.requestId}\n${t.filterByRequest}`;
    el.req.dataset.requestId = e.requestId;
    el.req.className = 'req link';
    el.msg.textContent = shownMessage(e, t);
    // A row shows one line of it: the mark says more is there, and how to see it whole.
    const more = hasMore(e);
    el.msg.className = more ? 'msg more' : 'msg';
    el.msg.title = more ? `${e.message.length > 1000 ? `${e.message.slice(0, 1000)}…` : e.message}\n\n${t.showWholeEntry}` : e.message;
  }

  private fillGroup(el: RowElement, g: Group, fmt: Formatters, t: LogPanelStrings): void {
    el.root.className = `row group${g.failed ? ' failed' : ''}${el.root.classList.contains('selected') ? ' selected' : ''}${el.root.classList.contains('active') ? ' active' : ''}`;
    el.root.setAttribute('aria-expanded', String(!g.collapsed));
    el.twistie.className = `twistie codicon ${g.collapsed ? 'codicon-chevron-right' : 'codicon-chevron-down'}`;
    el.twistie.title = g.collapsed ? t.expandGroup : t.collapseGroup;
    el.time.textContent = fmt.time(g.first.time);
    el.time.removeAttribute('title');
    el.level.textContent = g.failed ? 'ERROR' : '';
    el.fn.textContent = g.functionName;
    el.req.textContent = shortRequestId(g.requestId);
    el.req.title = `${g.requestId}\n${t.filterByRequest}`;
    el.req.dataset.requestId = g.requestId;
    el.req.className = 'req link';
    const parts = [fill(t.groupSummary, fmt.count(g.count))];
    if (g.end?.durationMs !== undefined) parts.push(fill(t.duration, g.end.durationMs));
    if (g.end?.memoryMB !== undefined) parts.push(fill(t.memory, g.end.memoryMB));
    el.msg.textContent = parts.join(' · ');
    el.msg.className = 'msg';
    el.msg.title = '';
  }

  private atBottom(): boolean {
    return this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT / 2;
  }

  /** Lets the page hide "Jump to Newest" when the newest row is in sight anyway. */
  private markBottom(): void {
    this.viewport.parentElement?.classList.toggle('at-bottom', this.atBottom());
  }

  private onScroll(): void {
    const top = this.viewport.scrollTop;
    const ours = this.programmaticTop >= 0 && Math.abs(top - this.programmaticTop) <= 1;
    if (!ours) this.setFollow(this.atBottom());
    this.markBottom();
    this.programmaticTop = -1;
    this.schedule();
  }

  private setTop(top: number): void {
    if (Math.abs(this.viewport.scrollTop - top) < 1) return;
    this.programmaticTop = top;
    this.viewport.scrollTop = top;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.row');
    if (!rowEl) return;
    const r = Number(rowEl.dataset.row);
    const row = this.model.at(r);
    const requestId = target.closest<HTMLElement>('.req')?.dataset.requestId;
    if (requestId !== undefined) {
      this.host.onRequestClick(requestId);
      return;
    }
    const group = this.model.group(row);
    if (group && target.closest('.twistie')) {
      this.host.onToggleGroup(group.requestId);
      return;
    }
    this.select(r, e.shiftKey);
    if (group && e.detail === 1 && !e.shiftKey && !e.ctrlKey && !e.metaKey) this.host.onToggleGroup(group.requestId);
    this.viewport.focus({ preventScroll: true });
  }

  private keyOfEvent(e: Event): RowKey | undefined {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
    return rowEl ? this.keyOfRow(Number(rowEl.dataset.row)) : undefined;
  }

  private onKey(e: KeyboardEvent): void {
    const count = this.model.count;
    if (count === 0) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const current = this.rowOfKey(this.activeKey);
    const mod = e.ctrlKey || e.metaKey;
    let target: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
        target = current < 0 ? 0 : current + 1;
        break;
      case 'ArrowUp':
        target = current < 0 ? count - 1 : current - 1;
        break;
      case 'PageDown':
        target = (current < 0 ? 0 : current) + page;
        break;
      case 'PageUp':
        target = (current < 0 ? count - 1 : current) - page;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = count - 1;
        break;
      case 'Enter':
      case ' ': {
        if (current < 0) return;
        const row = this.model.at(current);
        const group = this.model.group(row);
        if (group) this.host.onToggleGroup(group.requestId);
        else if (e.key === 'Enter') this.host.onOpenDetails(row);
        e.preventDefault();
        return;
      }
      case 'a':
      case 'A':
        if (!mod) return;
        this.anchorKey = this.keyOfRow(0);
        this.activeKey = this.keyOfRow(count - 1);
        e.preventDefault();
        this.schedule();
        return;
      case 'c':
      case 'C':
        if (!mod) return;
        this.host.onCopy(this.selectedKeys());
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    const clamped = Math.max(0, Math.min(count - 1, target));
    if (clamped < count - 1) this.setFollow(false);
    this.select(clamped, e.shiftKey);
    this.reveal(clamped);
  }

  private select(row: number, extend: boolean): void {
    const key = this.keyOfRow(row);
    if (!extend || this.anchorKey === undefined) this.anchorKey = key;
    this.activeKey = key;
    this.schedule();
  }

  private reveal(row: number): void {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight;
    const y = row * ROW_HEIGHT;
    if (y < top) this.setTop(y);
    else if (y + ROW_HEIGHT > top + height) this.setTop(y + ROW_HEIGHT - height);
    this.schedule();
  }

  private selectionRange(): [number, number] {
    const a = this.rowOfKey(this.anchorKey);
    const b = this.rowOfKey(this.activeKey);
    if (b < 0) return [-1, -2];
    if (a < 0) return [b, b];
    return a <= b ? [a, b] : [b, a];
  }

  private keyOfRow(r: number): RowKey {
    const row = this.model.at(r);
    const group = this.model.group(row);
    return group ? group.requestId : row;
  }

  private entryOfRow(r: number): number | undefined {
    const row = this.model.at(r);
    return row >= 0 ? row : this.model.group(row)?.firstAbs;
  }

  private rowOfKey(key: RowKey | undefined): number {
    if (key === undefined) return -1;
    return typeof key === 'number' ? this.model.rowOf(key) : this.model.rowOfGroup(key);
  }
}
