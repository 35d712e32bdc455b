/**
 * The log panel page: toolbar (pause, follow, clear, copy, export, filters, grouping, history),
 * the virtualized list, an entry's details and a status line. It renders into the light DOM so
 * the page's codicon stylesheet reaches the rows; vscode-elements bring their own shadow styles.
 * State that should survive hiding, moving or a reload goes through setState.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { LogLevel } from '../../src/shared/model';
import type {
  LogFilter,
  LogHostMessage,
  LogPageMessage,
  LogPanelState,
  LogPanelStatus,
  LogPanelStrings,
  LogPanelTarget,
  PanelLogEntry,
  TimeRange,
} from '../../src/shared/protocol/logPanel';
import { LOG_PANEL_STATE_VERSION } from '../../src/shared/protocol/logPanel';
import { isLogHostMessage, isLogPanelState } from '../../src/shared/protocol/logPanelGuards';
import { HostBridge } from '../shared/host';
import { ALL_LEVELS, defaultFilter, sameFilter } from './filter';
import { displayedText, entryAsText, fill, formatters, type Formatters } from './format';
import { VirtualList, type RowKey } from './list';
import { EntryStore, type RowModel } from './store';

const HISTORY_PRESETS = [15, 60, 24 * 60];
/** Until the host says otherwise (init); the session uses the same default. */
const DEFAULT_CAP = 100_000;

type Bridge = HostBridge<LogHostMessage, LogPageMessage, LogPanelState>;

export class LogPanel extends LitElement {
  private readonly bridge: Bridge = new HostBridge({ isMessage: isLogHostMessage, isState: isLogPanelState });
  readonly store = new EntryStore(DEFAULT_CAP);
  private readonly list: VirtualList;
  private target?: LogPanelTarget;
  private strings?: LogPanelStrings;
  private fmt: Formatters = formatters('en');
  private filter: LogFilter = defaultFilter();
  private follow = true;
  private paused = false;
  /** While paused, rows stop at this absolute index; entries after it are collected, not shown. */
  private pausedAt = Infinity;
  private grouped = false;
  private collapsed = new Set<string>();
  private collapsedVersion = 0;
  private status: LogPanelStatus = 'connecting';
  private statusMessage?: string;
  /** A polled environment: when its service was last asked, and the pause before the next poll. */
  private lastPoll?: { at: number; nextInMs: number };
  private dropped = 0;
  private historyMinutes = 60;
  private historyCustom = false;
  private rangeFrom = '';
  private rangeTo = '';
  private historyRequest = 0;
  private historyNote?: { text: string; error: boolean };
  private detailsAbs?: number;
  private notice?: string;
  private noticeTimer?: number;
  /** A replay in progress: entries still to come, then the saved position is restored. */
  private replayLeft = 0;
  private restoreAnchor?: { seq: number; time: number };
  private anchor?: { seq: number; time: number };
  private saveTimer?: number;
  private rowsCache?: { key: string; rows: RowModel };
  private updateQueued = false;

  constructor() {
    super();
    this.list = new VirtualList({
      rows: () => this.rows(),
      entry: (abs) => this.store.entry(abs),
      strings: () => this.t,
      formatters: () => this.fmt,
      showFunction: () => this.target?.functionName === undefined,
      onFollowChange: (follow) => {
        this.follow = follow;
        this.saveState();
        this.queueUpdate();
      },
      onRequestClick: (requestId) => this.setFilter({ ...this.filter, requestId }),
      onToggleGroup: (requestId) => this.toggleGroup(requestId),
      onOpenDetails: (abs) => {
        this.detailsAbs = abs;
        this.requestUpdate();
      },
      onCopy: (keys) => this.copy(keys),
      onTopChange: (abs) => {
        const e = abs === undefined ? undefined : this.store.entry(abs);
        if (e?.seq === this.anchor?.seq) return;
        this.anchor = e ? { seq: e.seq, time: e.time } : undefined;
        this.saveStateSoon();
      },
    });
    this.restoreState();
  }

  /** Light DOM: see the header comment. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.bridge.listen((m) => this.onMessage(m));
    this.bridge.reportErrors((message) => ({ type: 'pageError', message }));
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.detailsAbs !== undefined) {
        this.detailsAbs = undefined;
        this.requestUpdate();
        this.list.viewport.focus();
      }
    });
    this.bridge.post({ type: 'ready' });
  }

  private get t(): LogPanelStrings {
    if (!this.strings) throw new Error('The log panel got no strings from the host yet.');
    return this.strings;
  }

  // ---- messages from the host ----

  private onMessage(m: LogHostMessage): void {
    switch (m.type) {
      case 'init':
        this.target = m.target;
        this.strings = m.strings;
        this.fmt = formatters(m.locale);
        {
          const strings = m.strings;
          const fmt = this.fmt;
          // The filter searches what the rows show (formatted time, END summaries), not only raw fields.
          this.store.setShownText((e) => displayedText(e, strings, fmt));
          this.store.setFilter(this.filter);
        }
        this.store.setCapacity(m.maxEntries);
        this.classList.toggle('single-function', m.target.functionName !== undefined);
        // From now on the serializer can reopen this panel after a reload.
        this.saveState();
        break;
      case 'reset':
        this.store.clear();
        this.list.clearSelection();
        this.dropped = m.dropped;
        this.replayLeft = m.total;
        this.detailsAbs = undefined;
        if (m.total === 0) this.replayDone();
        break;
      case 'append': {
        this.store.append(m.entries);
        this.dropped = m.dropped;
        if (this.replayLeft > 0) {
          this.replayLeft -= m.entries.length;
          if (this.replayLeft <= 0) this.replayDone();
        }
        break;
      }
      case 'history':
        if (this.pausedAt !== Infinity) this.pausedAt += m.entries.length;
        this.store.merge(m.entries);
        this.list.clearSelection();
        this.detailsAbs = undefined;
        this.dropped = m.dropped;
        if (m.requestId === this.historyRequest) {
          this.historyNote = { text: this.counted(this.t.historyLoaded, this.t.historyLoadedOne, m.entries.length), error: false };
        }
        break;
      case 'historyFailed':
        if (m.requestId === this.historyRequest) this.historyNote = { text: fill(this.t.historyFailed, m.message), error: true };
        break;
      case 'status':
        this.status = m.status;
        this.statusMessage = typeof m.message === 'string' ? m.message : undefined;
        // A new tail (or none) has not polled yet; what the last one said would mislead.
        if (m.status === 'connecting' || m.status === 'waiting' || m.status === 'stopped' || m.status === 'unsupported') this.lastPoll = undefined;
        break;
      case 'polled':
        // The guard refused a time the page could not format, so what it showed stays.
        this.lastPoll = { at: m.at, nextInMs: m.nextInMs };
        break;
      case 'maxEntries':
        this.store.setCapacity(m.maxEntries);
        break;
    }
    this.list.invalidate();
    this.queueUpdate();
  }

  private replayDone(): void {
    this.replayLeft = 0;
    if (this.paused) this.pausedAt = this.store.nextAbs;
    const anchor = this.restoreAnchor;
    // An empty replay (the environment is not running yet) keeps the position for a later one.
    if (!anchor || this.follow || this.store.size === 0) return;
    this.restoreAnchor = undefined;
    // The same session numbers entries the same way; after a reload only the time is left to go by.
    let found: number | undefined;
    let byTime: number | undefined;
    for (let abs = this.store.firstAbs; abs < this.store.nextAbs; abs++) {
      const e = this.store.entry(abs);
      if (!e) continue;
      if (e.seq === anchor.seq && e.time === anchor.time) {
        found = abs;
        break;
      }
      if (byTime === undefined && e.time >= anchor.time) byTime = abs;
    }
    const start = found ?? byTime;
    if (start === undefined) return;
    const rows = this.rows();
    for (let abs = start; abs < this.store.nextAbs; abs++) {
      if (rows.rowOf(abs) >= 0) {
        this.updateComplete.then(() => this.list.scrollToEntry(abs), () => undefined);
        return;
      }
    }
  }

  // ---- state ----

  private restoreState(): void {
    // A state of another version (or a malformed one) does not pass: the panel opens fresh.
    const saved = this.bridge.savedState();
    if (!saved) return;
    this.filter = { text: saved.filter.text, regex: saved.filter.regex, levels: saved.filter.levels, requestId: saved.filter.requestId };
    this.store.setFilter(this.filter);
    this.follow = saved.follow;
    this.paused = saved.paused;
    this.grouped = saved.grouped;
    this.collapsed = new Set(saved.collapsed);
    if (saved.historyMinutes !== undefined) this.historyMinutes = saved.historyMinutes;
    this.anchor = saved.anchor;
    this.restoreAnchor = saved.follow === false ? saved.anchor : undefined;
    if (!this.follow) this.list.setFollow(false);
  }

  private state(): LogPanelState | undefined {
    if (!this.target) return undefined;
    return {
      version: LOG_PANEL_STATE_VERSION,
      target: this.target,
      filter: this.pendingText === undefined ? this.filter : { ...this.filter, text: this.pendingText },
      follow: this.follow,
      paused: this.paused,
      grouped: this.grouped,
      collapsed: [...this.collapsed].slice(-500),
      anchor: this.follow ? undefined : this.anchor,
      historyMinutes: this.historyMinutes,
    };
  }

  private saveState(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const state = this.state();
    if (state) this.bridge.saveState(state);
  }

  private saveStateSoon(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => this.saveState(), 250);
  }

  // ---- rows ----

  private rows(): RowModel {
    const key = `${this.store.version}|${this.grouped}|${this.collapsedVersion}|${this.pausedAt}`;
    if (this.rowsCache?.key === key) return this.rowsCache.rows;
    const rows = this.grouped ? this.store.groupedRows(this.collapsed, this.pausedAt) : this.store.flatRows(this.pausedAt);
    this.rowsCache = { key, rows };
    return rows;
  }

  // ---- actions ----

  private setFilter(filter: LogFilter): void {
    if (sameFilter(filter, this.filter)) return;
    this.filter = filter;
    this.store.setFilter(filter);
    this.list.clearSelection();
    this.saveState();
    this.list.invalidate();
    this.requestUpdate();
  }

  private toggleLevel(level: LogLevel, on: boolean): void {
    const levels = ALL_LEVELS.filter((l) => (l === level ? on : this.filter.levels.includes(l)));
    this.setFilter({ ...this.filter, levels });
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.pausedAt = paused ? this.store.nextAbs : Infinity;
    this.saveState();
    this.list.invalidate();
    this.requestUpdate();
  }

  private setFollow(follow: boolean): void {
    this.list.setFollow(follow);
    if (follow) this.list.viewport.focus({ preventScroll: true });
  }

  private setGrouped(grouped: boolean): void {
    if (grouped === this.grouped) return;
    this.grouped = grouped;
    this.list.clearSelection();
    this.saveState();
    this.list.invalidate();
    this.requestUpdate();
  }

  private toggleGroup(requestId: string): void {
    if (this.collapsed.has(requestId)) this.collapsed.delete(requestId);
    else this.collapsed.add(requestId);
    this.collapsedVersion++;
    this.saveState();
    this.list.invalidate();
  }

  private clear(): void {
    this.store.clear();
    this.dropped = 0;
    this.pausedAt = this.paused ? this.store.nextAbs : Infinity;
    this.detailsAbs = undefined;
    this.historyNote = undefined;
    this.list.clearSelection();
    this.bridge.post({ type: 'clear' });
    this.list.invalidate();
    this.requestUpdate();
  }

  private loadHistory(): void {
    const now = Date.now();
    let range: TimeRange = { since: now - this.historyMinutes * 60_000, until: now };
    if (this.historyCustom) {
      // datetime-local values are local times without a zone, which Date reads as local.
      const since = this.rangeFrom === '' ? Number.NaN : new Date(this.rangeFrom).getTime();
      const until = this.rangeTo === '' ? now : new Date(this.rangeTo).getTime();
      if (!Number.isFinite(since) || !Number.isFinite(until) || since < 0 || until < since) {
        this.historyNote = { text: this.t.invalidRange, error: true };
        this.requestUpdate();
        return;
      }
      range = { since, until };
    }
    this.historyRequest++;
    this.historyNote = undefined;
    this.bridge.post({ type: 'loadHistory', requestId: this.historyRequest, range });
    this.requestUpdate();
  }

  private copy(keys: RowKey[]): void {
    // Text the user selected with the mouse is copied by the browser as usual.
    const native = window.getSelection()?.toString() ?? '';
    if (native !== '') return;
    const lines: string[] = [];
    const groups = new Set(keys.filter((k): k is string => typeof k === 'string'));
    const shown = groups.size > 0 ? this.store.shown(this.pausedAt) : [];
    for (const key of keys) {
      if (typeof key === 'number') {
        const e = this.store.entry(key);
        if (e && !(this.grouped && groups.has(e.requestId))) lines.push(entryAsText(e));
      } else {
        for (const e of shown) if (e.requestId === key) lines.push(entryAsText(e));
      }
    }
    if (lines.length === 0) return;
    this.bridge.post({ type: 'copy', text: lines.join('\n') });
    this.flash(this.counted(this.t.copied, this.t.copiedOne, lines.length));
  }

  /** `one` for exactly one, else `many` with the count in the page's locale. */
  private counted(many: string, one: string, n: number): string {
    return n === 1 ? one : fill(many, this.fmt.count(n));
  }

  private copySelection(): void {
    const keys = this.list.selectedKeys();
    if (keys.length > 0) this.copy(keys);
  }

  private exportShown(): void {
    this.bridge.post({ type: 'export', entries: this.store.shown(this.pausedAt) });
  }

  private retry(): void {
    this.status = 'connecting';
    this.statusMessage = undefined;
    this.bridge.post({ type: 'retry' });
    this.requestUpdate();
  }

  private flash(text: string): void {
    this.notice = text;
    window.clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => {
      this.notice = undefined;
      this.requestUpdate();
    }, 2500);
    this.requestUpdate();
  }

  /** Entries arrive up to 20 times a second: the toolbar and status redraw at most once a frame. */
  private queueUpdate(): void {
    if (this.updateQueued) return;
    this.updateQueued = true;
    requestAnimationFrame(() => {
      this.updateQueued = false;
      this.requestUpdate();
    });
  }

  // ---- rendering ----

  protected override render(): TemplateResult {
    if (!this.strings) return html``;
    const t = this.strings;
    const shownRows = this.rows().count;
    return html`
      <div class="toolbar" role="toolbar">
        <span class="group">
          <vscode-toolbar-button
            class="pause"
            icon=${this.paused ? 'debug-continue' : 'debug-pause'}
            toggleable
            .checked=${this.paused}
            label=${this.paused ? t.resume : t.pause}
            title=${this.paused ? t.resume : t.pause}
            @change=${(e: Event) => this.setPaused((e.target as HTMLInputElement).checked)}
          ></vscode-toolbar-button>
          <vscode-toolbar-button
            class="follow"
            icon="fold-down"
            toggleable
            .checked=${this.follow}
            label=${t.follow}
            title=${t.follow}
            @change=${(e: Event) => this.setFollow((e.target as HTMLInputElement).checked)}
          ></vscode-toolbar-button>
          <vscode-toolbar-button class="clear" icon="clear-all" label=${t.clear} title=${t.clear} @click=${() => this.clear()}></vscode-toolbar-button>
          <vscode-toolbar-button class="copy" icon="copy" label=${t.copy} title=${t.copy} @click=${() => this.copySelection()}></vscode-toolbar-button>
          <vscode-toolbar-button class="export" icon="save" label=${t.export} title=${t.export} @click=${() => this.exportShown()}></vscode-toolbar-button>
        </span>
        <span class="group">
          <vscode-textfield
            class="filter"
            type="search"
            placeholder=${t.filterPlaceholder}
            aria-label=${t.filterPlaceholder}
            .value=${this.filter.text}
            ?invalid=${this.store.filterError !== undefined}
            title=${this.store.filterError === undefined ? '' : fill(t.invalidRegex, this.store.filterError)}
            @input=${(e: Event) => this.onFilterInput((e.target as HTMLInputElement).value)}
          ></vscode-textfield>
          <vscode-checkbox class="regex" label=${t.regex} .checked=${this.filter.regex} @change=${(e: Event) => this.setFilter({ ...this.filter, regex: (e.target as HTMLInputElement).checked })}></vscode-checkbox>
        </span>
        <span class="group levels" role="group" aria-label=${t.levels}>
          ${ALL_LEVELS.map(
            (l) => html`<vscode-checkbox
              class=${`level-${l}`}
              label=${levelLabel(t, l)}
              .checked=${this.filter.levels.includes(l)}
              @change=${(e: Event) => this.toggleLevel(l, (e.target as HTMLInputElement).checked)}
            ></vscode-checkbox>`,
          )}
        </span>
        ${this.filter.requestId === undefined
          ? nothing
          : html`<vscode-button class="chip request-filter" secondary icon="close" title=${t.clearRequestFilter} @click=${() => this.setFilter({ ...this.filter, requestId: undefined })}
              >${fill(t.requestFilter, this.filter.requestId.slice(0, 13))}</vscode-button
            >`}
        <span class="group">
          <vscode-checkbox class="grouping" label=${t.group} .checked=${this.grouped} @change=${(e: Event) => this.setGrouped((e.target as HTMLInputElement).checked)}></vscode-checkbox>
        </span>
        <span class="group history">
          <vscode-single-select
            class="history-range"
            aria-label=${t.history}
            .value=${this.historyCustom ? 'custom' : String(this.historyMinutes)}
            @change=${(e: Event) => this.onHistoryRange((e.target as HTMLSelectElement).value)}
          >
            ${HISTORY_PRESETS.map((m) => html`<vscode-option value=${String(m)} ?selected=${!this.historyCustom && m === this.historyMinutes}>${historyLabel(t, m)}</vscode-option>`)}
            <vscode-option value="custom" ?selected=${this.historyCustom}>${t.customRange}</vscode-option>
          </vscode-single-select>
          ${this.historyCustom
            ? html`<vscode-textfield class="range-from" type="datetime-local" title=${t.rangeFrom} aria-label=${t.rangeFrom} .value=${this.rangeFrom} @input=${(e: Event) => (this.rangeFrom = (e.target as HTMLInputElement).value)}></vscode-textfield>
                <vscode-textfield class="range-to" type="datetime-local" title=${t.rangeTo} aria-label=${t.rangeTo} .value=${this.rangeTo} @input=${(e: Event) => (this.rangeTo = (e.target as HTMLInputElement).value)}></vscode-textfield>`
            : nothing}
          <vscode-button class="load-history" secondary @click=${() => this.loadHistory()}>${t.loadHistory}</vscode-button>
        </span>
      </div>
      <div class="columns" aria-hidden="true">
        <span></span><span>${t.columnTime}</span><span>${t.columnLevel}</span><span class="fn">${t.columnFunction}</span><span class="req-head">${t.columnRequest}</span><span class="msg-head">${t.columnMessage}</span>
      </div>
      <div class="body">
        ${this.list.viewport}
        ${shownRows > 0 ? nothing : html`<div class="empty-note">${this.store.size > 0 ? t.emptyFiltered : this.status === 'serviceOff' ? t.statusServiceOff : t.empty}</div>`}
        ${this.follow || shownRows === 0
          ? nothing
          : html`<vscode-button class="jump" icon="arrow-down" title=${t.jumpToNewest} @click=${() => this.setFollow(true)}>${t.jumpToNewest}</vscode-button>`}
      </div>
      ${this.renderDetails(t)}
      <div class="statusbar" role="status" aria-live="polite">${this.renderStatus(t)}</div>
    `;
  }

  private renderDetails(t: LogPanelStrings): TemplateResult | typeof nothing {
    if (this.detailsAbs === undefined) return nothing;
    const e: PanelLogEntry | undefined = this.store.entry(this.detailsAbs);
    if (!e) return nothing;
    const facts = [this.fmt.dateTime(e.time), e.level.toUpperCase(), e.functionName];
    if (e.durationMs !== undefined) facts.push(fill(t.duration, e.durationMs));
    if (e.memoryMB !== undefined) facts.push(fill(t.memory, e.memoryMB));
    return html`<section class="details" aria-label=${t.details}>
      <header>
        <span>${facts.join(' · ')}</span>
        <a class="req link" href="#" title=${t.filterByRequest} @click=${(ev: Event) => {
          ev.preventDefault();
          this.setFilter({ ...this.filter, requestId: e.requestId });
        }}>${e.requestId}</a>
        <span class="spacer-flex"></span>
        <vscode-toolbar-button icon="copy" label=${t.copy} title=${t.copy} @click=${() => {
          this.bridge.post({ type: 'copy', text: entryAsText(e) });
          this.flash(t.copiedOne);
        }}></vscode-toolbar-button>
        <vscode-toolbar-button class="close-details" icon="close" label=${t.closeDetails} title=${t.closeDetails} @click=${() => {
          this.detailsAbs = undefined;
          this.requestUpdate();
        }}></vscode-toolbar-button>
      </header>
      <pre>${e.message}${e.result === undefined ? '' : `\n${fill(t.result, e.result)}`}</pre>
    </section>`;
  }

  private renderStatus(t: LogPanelStrings): TemplateResult {
    const statusText: Record<LogPanelStatus, string> = {
      connecting: t.statusConnecting,
      live: t.statusLive,
      stopped: t.statusStopped,
      unsupported: t.statusUnsupported,
      error: t.statusError,
      serviceOff: t.statusServiceOff,
      waiting: t.statusWaiting,
    };
    const retryable = this.status === 'error' || this.status === 'serviceOff' || this.status === 'waiting';
    const poll = this.lastPoll;
    const shown = this.paused ? this.store.flatRows(this.pausedAt).count : this.store.visibleCount;
    const newWhilePaused = this.paused ? this.store.nextAbs - this.pausedAt : 0;
    return html`
      <span class=${`status ${this.status === 'serviceOff' ? 'service-off' : this.status}`}>${statusText[this.status]}${this.statusMessage ? `: ${this.statusMessage}` : ''}</span>
      ${retryable
        ? html`<vscode-button class="retry" secondary @click=${() => this.retry()}>${this.status === 'waiting' ? t.reconnect : t.retry}</vscode-button>`
        : nothing}
      ${poll
        ? // Every few seconds: read on demand, not announced each time.
          html`<span class="last-polled" aria-live="off" title=${this.fmt.dateTime(poll.at)}
            >${fill(t.lastPolled, this.fmt.clock(poll.at))}${this.status === 'live' && poll.nextInMs > 0 ? ` · ${fill(t.pollingEvery, this.fmt.count(Math.round(poll.nextInMs / 100) / 10))}` : ''}</span
          >`
        : nothing}
      <span class="count">${fill(t.shownCount, this.fmt.count(shown), this.fmt.count(this.store.size))}</span>
      ${this.paused ? html`<span class="paused warn">${this.counted(t.pausedCount, t.pausedCountOne, Math.max(0, newWhilePaused))}</span>` : nothing}
      ${this.dropped > 0 ? html`<span class="dropped warn">${fill(t.dropped, this.fmt.count(this.dropped), this.fmt.count(this.store.capacity))}</span>` : nothing}
      ${this.historyNote ? html`<span class=${this.historyNote.error ? 'history-note error-text' : 'history-note'}>${this.historyNote.text}</span>` : nothing}
      ${this.notice ? html`<span class="notice">${this.notice}</span>` : nothing}
    `;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.list.invalidate();
  }

  private filterTimer?: number;
  private pendingText?: string;
  private onFilterInput(text: string): void {
    window.clearTimeout(this.filterTimer);
    // Re-filtering 100,000 entries per keystroke would lag typing; keeping the text is cheap, and
    // a panel hidden or reloaded within the delay must still come back with what was typed.
    this.pendingText = text;
    this.saveState();
    this.filterTimer = window.setTimeout(() => {
      this.pendingText = undefined;
      this.setFilter({ ...this.filter, text });
    }, 150);
  }

  private onHistoryRange(value: string): void {
    this.historyCustom = value === 'custom';
    const minutes = Number(value);
    if (!this.historyCustom && Number.isFinite(minutes) && minutes > 0) this.historyMinutes = minutes;
    this.saveState();
    this.requestUpdate();
  }
}

function historyLabel(t: LogPanelStrings, minutes: number): string {
  if (minutes < 60) return fill(t.lastMinutes, minutes);
  return minutes === 60 ? t.lastHour : fill(t.lastHours, minutes / 60);
}

function levelLabel(t: LogPanelStrings, level: LogLevel): string {
  return { debug: t.levelDebug, info: t.levelInfo, warn: t.levelWarn, error: t.levelError }[level];
}
