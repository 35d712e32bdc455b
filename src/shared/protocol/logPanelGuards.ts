/**
 * Runtime checks for what crosses between the log page and its host. A webview is another process
 * running code we did not write line by line (libraries, a bug, a tampered state), so the host
 * trusts nothing the page sends until these say yes; the page checks the host's messages and its
 * own restored state the same way. Kept next to the declarations they check.
 */
import type { LogEntry, LogLevel } from '../model';
import type { LogFilter, LogHostMessage, LogPageMessage, LogPanelState, LogPanelStatus, LogPanelTarget, PanelLogEntry, TimeRange } from './logPanel';
import { LOG_LEVELS, LOG_PANEL_STATE_VERSION } from './logPanel';

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown, max = Infinity): v is string => typeof v === 'string' && v.length <= max;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isOptional = <T>(v: unknown, check: (x: unknown) => x is T): v is T | undefined => v === undefined || check(v);
const isLevel = (v: unknown): v is LogLevel => typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);

/** Copies are capped: a page cannot make the host hold more than this in one message. */
export const MAX_COPY_CHARS = 64 * 1024 * 1024;
export const MAX_EXPORT_ENTRIES = 1_000_000;

export function isLogEntry(v: unknown): v is LogEntry {
  if (!isDict(v)) return false;
  return (
    isTime(v.time) &&
    isLevel(v.level) &&
    isString(v.functionName) &&
    isString(v.requestId) &&
    isString(v.message) &&
    (v.kind === undefined || v.kind === 'start' || v.kind === 'end' || v.kind === 'log') &&
    isOptional(v.durationMs, isTime) &&
    isOptional(v.memoryMB, isTime) &&
    isOptional(v.result, isString)
  );
}

export function isTimeRange(v: unknown): v is TimeRange {
  return isDict(v) && isTime(v.since) && isOptional(v.until, isTime) && (v.until === undefined || (v.until as number) >= v.since);
}

export function isLogPanelTarget(v: unknown): v is LogPanelTarget {
  return isDict(v) && isString(v.envKey, 4096) && v.envKey !== '' && isString(v.envLabel, 4096) && isOptional(v.functionName, (x): x is string => isString(x, 256) && x !== '');
}

export function isLogFilter(v: unknown): v is LogFilter {
  return (
    isDict(v) &&
    isString(v.text, 4096) &&
    typeof v.regex === 'boolean' &&
    Array.isArray(v.levels) &&
    v.levels.every(isLevel) &&
    isOptional(v.requestId, (x): x is string => isString(x, 256))
  );
}

/**
 * The state the page saved; the serializer reopens a panel, and the page takes its filters back,
 * only from a state that passes (one of another version is dropped: the panel opens fresh).
 */
export function isLogPanelState(v: unknown): v is LogPanelState {
  if (!isDict(v) || v.version !== LOG_PANEL_STATE_VERSION) return false;
  return (
    isLogPanelTarget(v.target) &&
    isLogFilter(v.filter) &&
    typeof v.follow === 'boolean' &&
    typeof v.paused === 'boolean' &&
    typeof v.grouped === 'boolean' &&
    Array.isArray(v.collapsed) &&
    v.collapsed.every((c) => isString(c, 256)) &&
    isOptional(v.anchor, (a): a is { seq: number; time: number } => isDict(a) && isTime(a.seq) && isTime(a.time)) &&
    isOptional(v.historyMinutes, isTime)
  );
}

/** True when `v` is exactly one of the messages the page may send. */
export function isLogPageMessage(v: unknown): v is LogPageMessage {
  if (!isDict(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'ready':
    case 'clear':
    case 'retry':
      return true;
    case 'loadHistory':
      return Number.isSafeInteger(v.requestId) && isTimeRange(v.range);
    case 'copy':
      return isString(v.text, MAX_COPY_CHARS);
    case 'export':
      return Array.isArray(v.entries) && v.entries.length <= MAX_EXPORT_ENTRIES && v.entries.every(isLogEntry);
    case 'pageError':
      return isString(v.message, 64 * 1024);
    default:
      return false;
  }
}

const STATUSES: readonly LogPanelStatus[] = ['connecting', 'live', 'stopped', 'unsupported', 'error', 'serviceOff', 'waiting'];
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPanelEntry = (v: unknown): v is PanelLogEntry => isDict(v) && isCount(v.seq) && isLogEntry(v);
const isStrings = (v: unknown): boolean => isDict(v) && Object.values(v).every((x) => typeof x === 'string');

/** True when `v` is exactly one of the messages the host may send (the page drops anything else). */
export function isLogHostMessage(v: unknown): v is LogHostMessage {
  if (!isDict(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'init':
      return isLogPanelTarget(v.target) && isCount(v.maxEntries) && isStrings(v.strings) && isString(v.locale, 256);
    case 'reset':
      return isCount(v.total) && isCount(v.dropped);
    case 'append':
      return Array.isArray(v.entries) && v.entries.every(isPanelEntry) && isCount(v.dropped);
    case 'history':
      return Number.isSafeInteger(v.requestId) && Array.isArray(v.entries) && v.entries.every(isPanelEntry) && isCount(v.dropped) && typeof v.truncated === 'boolean';
    case 'historyFailed':
      return Number.isSafeInteger(v.requestId) && isString(v.message, 64 * 1024);
    case 'status':
      return (STATUSES as readonly unknown[]).includes(v.status) && isOptional(v.message, (x): x is string => isString(x, 64 * 1024));
    case 'polled':
      return isTime(v.at) && isTime(v.nextInMs);
    case 'maxEntries':
      return isCount(v.maxEntries);
    default:
      return false;
  }
}

/**
 * The target a restored panel reopens at: read from a state of any version as long as its target
 * still has this shape (the page then drops the state itself and opens fresh).
 */
export function logPanelTargetOf(state: unknown): LogPanelTarget | undefined {
  if (!isDict(state) || !isLogPanelTarget(state.target)) return undefined;
  const { envKey, envLabel, functionName } = state.target;
  return functionName === undefined ? { envKey, envLabel } : { envKey, envLabel, functionName };
}
