/**
 * The log panel's messages. The host (src/extension/panels/logPanel.ts) and the page
 * (webview/logs/) share these declarations; each side checks what the other sends with the guards
 * of ./logPanelGuards.ts (`isLogPageMessage` on the host, `isLogHostMessage` on the page).
 *
 * Flow: the page posts `ready` once it listens; the host answers `init`, then replays the entries
 * its session holds (`reset` + `append` chunks) and streams new ones as `append` batches.
 */
import type { LogEntry, LogLevel } from '../model';

export const LOG_PANEL_VIEW_TYPE = 'cloudbase.logs';
/** The bundle the page loads: dist/webview/<name>.js, built from webview/<name>/main.ts (the view type's last part). */
export const LOG_PANEL_BUNDLE = 'logs';
/** The version of the state the page saves; a state of another version is dropped on restore. */
export const LOG_PANEL_STATE_VERSION = 1;

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** What a panel tails: one function, or every function of an environment. */
export interface LogPanelTarget {
  envKey: string;
  envLabel: string;
  /** Absent: all functions of the environment. */
  functionName?: string;
}

/** An entry as the panel holds it; `seq` numbers entries in the order the session accepted them. */
export interface PanelLogEntry extends LogEntry {
  seq: number;
}

export interface LogFilter {
  /** Matched against message, function name and request ID. */
  text: string;
  /** `text` is a regular expression (case-insensitive). */
  regex: boolean;
  /** Levels shown; all four by default. */
  levels: LogLevel[];
  /** Only this invocation's entries. */
  requestId?: string;
}

/** Inclusive bounds in milliseconds since the epoch; no `until` means up to now. */
export interface TimeRange {
  since: number;
  until?: number;
}

/**
 * What the page keeps with setState: it survives hiding and moving the panel, and the serializer
 * gets it back after a window reload to reopen the same target.
 */
export interface LogPanelState {
  version: typeof LOG_PANEL_STATE_VERSION;
  target: LogPanelTarget;
  filter: LogFilter;
  follow: boolean;
  paused: boolean;
  grouped: boolean;
  /** Invocations collapsed in grouped mode. */
  collapsed: string[];
  /** When not following: the entry at the top of the view, found again by seq (same session) or time. */
  anchor?: { seq: number; time: number };
  /** The history preset last chosen, in minutes. */
  historyMinutes?: number;
}

/**
 * `serviceOff`: the environment's log service is switched off (the tail stopped; Retry after
 * turning it on). `waiting`: a restored panel whose environment is not known yet (not signed in,
 * or its account's environments not listed yet); it connects once the environment appears.
 */
export type LogPanelStatus = 'connecting' | 'live' | 'stopped' | 'unsupported' | 'error' | 'serviceOff' | 'waiting';

/** Every user-facing string of the page, localized by the host. `{0}` marks a value. */
export interface LogPanelStrings {
  pause: string;
  resume: string;
  follow: string;
  jumpToNewest: string;
  clear: string;
  export: string;
  filterPlaceholder: string;
  regex: string;
  invalidRegex: string;
  levels: string;
  levelDebug: string;
  levelInfo: string;
  levelWarn: string;
  levelError: string;
  requestFilter: string;
  clearRequestFilter: string;
  filterByRequest: string;
  group: string;
  collapseGroup: string;
  expandGroup: string;
  groupSummary: string;
  history: string;
  lastMinutes: string;
  lastHour: string;
  lastHours: string;
  customRange: string;
  rangeFrom: string;
  rangeTo: string;
  invalidRange: string;
  loadHistory: string;
  historyLoaded: string;
  historyLoadedOne: string;
  historyFailed: string;
  columnTime: string;
  columnLevel: string;
  columnFunction: string;
  columnRequest: string;
  columnMessage: string;
  duration: string;
  memory: string;
  result: string;
  statusConnecting: string;
  statusLive: string;
  statusStopped: string;
  statusUnsupported: string;
  statusError: string;
  statusServiceOff: string;
  statusWaiting: string;
  retry: string;
  reconnect: string;
  /** `{0}`: the time of the last poll. */
  lastPolled: string;
  /** `{0}`: seconds until the next poll. */
  pollingEvery: string;
  pausedCount: string;
  pausedCountOne: string;
  shownCount: string;
  dropped: string;
  empty: string;
  emptyFiltered: string;
  copy: string;
  copied: string;
  copiedOne: string;
  details: string;
  closeDetails: string;
  /** The hint on a row that shows only part of its entry. */
  showWholeEntry: string;
  allFunctions: string;
}

/** Host → page. */
export type LogHostMessage =
  | {
      type: 'init';
      target: LogPanelTarget;
      maxEntries: number;
      strings: LogPanelStrings;
      /** BCP 47, for dates and numbers. */
      locale: string;
    }
  /** The page drops what it holds; `total` entries follow in `append` chunks (a replay). */
  | { type: 'reset'; total: number; dropped: number }
  /** New entries in order; `dropped` is how many the session has let go since the last clear. */
  | { type: 'append'; entries: PanelLogEntry[]; dropped: number }
  /** Older entries for a time range, merged by time; answers `loadHistory` with the same `requestId`. */
  | { type: 'history'; requestId: number; entries: PanelLogEntry[]; dropped: number; truncated: boolean }
  | { type: 'historyFailed'; requestId: number; message: string }
  | { type: 'status'; status: LogPanelStatus; message?: string }
  /**
   * A polled environment's service was just asked (ms since the epoch) and is asked again in
   * `nextInMs` (0: not again). Pushed feeds never send it.
   */
  | { type: 'polled'; at: number; nextInMs: number }
  /** The host changed the cap (setting). */
  | { type: 'maxEntries'; maxEntries: number };

/** Page → host. */
export type LogPageMessage =
  | { type: 'ready' }
  | { type: 'loadHistory'; requestId: number; range: TimeRange }
  | { type: 'clear' }
  /** Connect the tail again (after an error, the log service turned on, or to stop waiting). */
  | { type: 'retry' }
  | { type: 'copy'; text: string }
  /** Saves the entries the page shows; the host asks where and picks the format by extension. */
  | { type: 'export'; entries: LogEntry[] }
  /** The page hit something it cannot handle; the host logs it. */
  | { type: 'pageError'; message: string };

export type LogPageMessageType = LogPageMessage['type'];
