/** The panel's filter as one test per entry, compiled once per change (not per entry). */
import type { LogEntry, LogLevel } from '../../src/shared/model';
import type { LogFilter } from '../../src/shared/protocol/logPanel';

export const ALL_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function defaultFilter(): LogFilter {
  return { text: '', regex: false, levels: [...ALL_LEVELS] };
}

export interface CompiledFilter {
  test(e: LogEntry): boolean;
  /** True when every entry passes (the store then skips testing). */
  readonly all: boolean;
  /** The regular expression did not compile: the text part is ignored until it does. */
  readonly error?: string;
}

/**
 * `shown`: an entry's text as the panel shows it (time, level, function, request ID, the message
 * as displayed, then the whole message); without it the raw fields are searched.
 */
export function compileFilter(filter: LogFilter, shown?: (e: LogEntry) => string): CompiledFilter {
  const levels = new Set<LogLevel>(filter.levels);
  const allLevels = ALL_LEVELS.every((l) => levels.has(l));
  const requestId = filter.requestId;
  let matchText: ((s: string) => boolean) | undefined;
  let error: string | undefined;
  if (filter.text !== '') {
    if (filter.regex) {
      try {
        const re = new RegExp(filter.text, 'i');
        matchText = (s) => re.test(s);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    } else {
      const needle = filter.text.toLowerCase();
      matchText = (s) => s.toLowerCase().includes(needle);
    }
  }
  const all = allLevels && requestId === undefined && matchText === undefined;
  return {
    all,
    error,
    test: (e) =>
      (allLevels || levels.has(e.level)) &&
      (requestId === undefined || e.requestId === requestId) &&
      (matchText === undefined || (shown ? matchText(shown(e)) : matchText(e.message) || matchText(e.functionName) || matchText(e.requestId))),
  };
}

export function sameFilter(a: LogFilter, b: LogFilter): boolean {
  return a.text === b.text && a.regex === b.regex && a.requestId === b.requestId && a.levels.length === b.levels.length && a.levels.every((l) => b.levels.includes(l));
}
