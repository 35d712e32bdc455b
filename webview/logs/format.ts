/** Text the page shows or copies; formatters are created once per locale. */
import type { LogEntry } from '../../src/shared/model';
import type { LogPanelStrings, PanelLogEntry } from '../../src/shared/protocol/logPanel';

/** `{0}`, `{1}`… replaced by the values, as vscode.l10n.t does on the host. */
export function fill(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (values[Number(i)] === undefined ? m : String(values[Number(i)])));
}

export interface Formatters {
  time(ms: number): string;
  /** Hours, minutes, seconds: when the service was last asked. */
  clock(ms: number): string;
  dateTime(ms: number): string;
  count(n: number): string;
}

export function formatters(locale: string): Formatters {
  const safe = (make: () => Intl.DateTimeFormat): Intl.DateTimeFormat => {
    try {
      return make();
    } catch {
      return new Intl.DateTimeFormat('en', { hour12: false });
    }
  };
  const time = safe(() => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false }));
  const dateTime = safe(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }));
  const clock = safe(() => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }));
  let numbers: Intl.NumberFormat;
  try {
    numbers = new Intl.NumberFormat(locale);
  } catch {
    numbers = new Intl.NumberFormat('en');
  }
  // Rows are redrawn many times a second while following; formatting a time is the costly part.
  const times = new Map<number, string>();
  const timeOf = (ms: number): string => {
    let s = times.get(ms);
    if (s === undefined) {
      if (times.size >= 4096) times.clear();
      s = time.format(ms);
      times.set(ms, s);
    }
    return s;
  };
  return { time: timeOf, clock: (ms) => clock.format(ms), dateTime: (ms) => dateTime.format(ms), count: (n) => numbers.format(n) };
}

/** The first line of a message; the rest shows in the details pane. */
export function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.length > 2000 ? line.slice(0, 2000) : line;
}

/** What Copy puts on the clipboard for one entry: one line per entry, later lines indented. */
export function entryAsText(e: LogEntry): string {
  const parts = [new Date(e.time).toISOString(), e.level.toUpperCase().padEnd(5), e.functionName, e.requestId];
  let message = e.message.replace(/\r?\n/g, '\n    ');
  if (e.result !== undefined) message += ` Result: ${e.result}`;
  return `${parts.join(' ')} ${message}`;
}

/** Request IDs are UUIDs: the first block tells them apart on screen. */
export function shortRequestId(id: string): string {
  return id.length > 13 ? id.slice(0, 8) : id;
}

/** Messages longer than this get the "more" mark: the row cuts them, the details show them whole. */
export const LONG_MESSAGE = 160;

/** True when the row cannot show the whole entry: more lines, a long line, or a result. */
export function hasMore(e: PanelLogEntry): boolean {
  return e.message.includes('\n') || e.message.length > LONG_MESSAGE || (e.kind !== 'end' && e.result !== undefined);
}

/** An end line: duration, memory, then the result or the error. */
export function endSummary(e: PanelLogEntry, t: Pick<LogPanelStrings, 'duration' | 'memory' | 'result'>): string {
  const parts: string[] = ['END'];
  if (e.durationMs !== undefined) parts.push(fill(t.duration, e.durationMs));
  if (e.memoryMB !== undefined) parts.push(fill(t.memory, e.memoryMB));
  const error = / Error: (.*)$/s.exec(firstLine(e.message))?.[1];
  if (error !== undefined) parts.push(error);
  else if (e.result !== undefined) parts.push(fill(t.result, firstLine(e.result)));
  return parts.length === 1 ? firstLine(e.message) : parts.join(' · ');
}

/** What the row's message cell shows. */
export function shownMessage(e: PanelLogEntry, t: Pick<LogPanelStrings, 'duration' | 'memory' | 'result'>): string {
  return e.kind === 'end' ? endSummary(e, t) : firstLine(e.message);
}

/**
 * Everything a row shows, as the filter reads it: time, level, function, request ID and message as
 * displayed, then the whole message and result (what the details show), so a filter finds what
 * the user sees.
 */
export function displayedText(e: PanelLogEntry, t: Pick<LogPanelStrings, 'duration' | 'memory' | 'result'>, fmt: Pick<Formatters, 'time'>): string {
  const parts = [fmt.time(e.time), e.level.toUpperCase(), e.functionName, e.requestId, shownMessage(e, t), e.message];
  if (e.result !== undefined) parts.push(fill(t.result, e.result));
  return parts.join('\n');
}
