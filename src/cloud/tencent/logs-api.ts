/**
 * Function logs of one Tencent CloudBase environment: tcb SearchClsLog through manager-node's
 * `log` service (its GetFunctionLogs family is dead in 5.6.5). The environment's log service
 * (CLS) must be on; a search reads at most 100 rows per request and follows `Context` until
 * `ListOver`. Times go out as `YYYY-MM-DD HH:mm:ss` in China Standard Time, the console's zone.
 *
 * Only `request_id`, `src` and `log` are documented fields of a row's `Content`; the function
 * name, level, duration and memory are read from the names SCF and TCB topics use, whichever a
 * row carries.
 */
import type CloudBase from '@cloudbase/manager-node';
import { StudioError, isStudioError, throwIfAborted } from '../../shared/errors';
import type { LogEntry, LogLevel } from '../../shared/model';
import type { LogQuery, LogsApi, TailHooks } from '../backend';
import { pollLogs, RequestPacer, type PollOptions } from '../logPolling';
import { callCloud, type CallPolicy } from './calls';
import { checkLogQuery } from '../log-query';

/** CLS allows 20 requests a second per account; the pacer keeps this environment under it. */
const MAX_REQUESTS_PER_SECOND = 20;
const MAX_ROWS_PER_REQUEST = 100;
/** A search cursor reaches 10 000 rows at most. */
const MAX_ROWS = 10_000;
const DEFAULT_QUERY_LIMIT = 1000;
const DEFAULT_SPAN_MS = 24 * 60 * 60 * 1000;
/** One poll reads at most this many rows; the next window starts where it stopped. */
const TAIL_ROWS = 1000;
/** A log service seen on is not asked about again for this long. */
const SERVICE_CHECK_MS = 5 * 60 * 1000;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const LOG_SERVICE_OFF = "The environment's log service is off, so there are no function logs to show. Turn it on in the CloudBase console (Logs) and try again.";

/** A search refused because the log service was switched off after it was seen on. */
function isLogServiceOff(e: unknown): boolean {
  const code = isStudioError(e) ? (e.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' && code.startsWith('ResourceNotFound.LogService');
}

export function clsTime(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** A row's Timestamp: epoch milliseconds or seconds as digits, or a China Standard Time date. */
export function parseClsTime(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d+$/.test(value)) return parseClsTime(Number(value));
  const ms = Date.parse(`${value.trim().replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? undefined : ms;
}

function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function clsQuery(filter: { functionName?: string; requestId?: string }): string {
  const terms: string[] = [];
  if (filter.functionName !== undefined) terms.push(`function_name:${quoted(filter.functionName)}`);
  if (filter.requestId !== undefined) terms.push(`request_id:${quoted(filter.requestId)}`);
  return terms.length > 0 ? terms.join(' AND ') : '*';
}

function text(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v !== '') return v;
  return undefined;
}

function number(...values: unknown[]): number | undefined {
  for (const v of values) {
    const n = typeof v === 'string' && v !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  return undefined;
}

function levelOf(raw: string | undefined, fallback: LogLevel): LogLevel {
  switch (raw?.toLowerCase()) {
    case 'error':
    case 'fatal':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'debug':
    case 'trace':
      return 'debug';
    case 'info':
    case 'log':
      return 'info';
    default:
      return fallback;
  }
}

export interface ClsRow {
  Timestamp?: unknown;
  Content?: unknown;
}

/** One search row as a LogEntry; a Content that is not JSON is the message itself. */
export function toLogEntry(row: ClsRow): LogEntry | undefined {
  const time = parseClsTime(row.Timestamp);
  if (time === undefined) return undefined;
  const raw = typeof row.Content === 'string' ? row.Content : JSON.stringify(row.Content ?? '');
  let c: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) c = parsed as Record<string, unknown>;
  } catch {
    // plain text
  }
  const message = text(c.log, c.msg, c.message, c.SCF_Message) ?? raw;
  const kind = /^START RequestId/.test(message) ? 'start' : /^(END|REPORT) RequestId/.test(message) ? 'end' : 'log';
  const entry: LogEntry = {
    time,
    level: levelOf(text(c.level, c.SCF_Level), 'info'),
    functionName: text(c.function_name, c.functionName, c.SCF_FunctionName) ?? '',
    requestId: text(c.request_id, c.requestId, c.SCF_RequestId) ?? '',
    message,
    kind,
  };
  if (kind === 'end') {
    const duration = number(c.duration, c.SCF_Duration);
    const memoryBytes = number(c.mem_usage, c.SCF_MemUsage);
    const result = text(c.ret_msg, c.SCF_RetMsg);
    if (duration !== undefined) entry.durationMs = duration;
    if (memoryBytes !== undefined) entry.memoryMB = Math.round((memoryBytes / (1024 * 1024)) * 100) / 100;
    if (result !== undefined) entry.result = result;
  }
  return entry;
}

interface SearchAnswer {
  LogResults?: { Context?: string; ListOver?: boolean; Results?: ClsRow[] };
}

export class TencentLogs implements LogsApi {
  /** The tail itself hands on each line once, but its first window overlaps the history a panel loads. */
  readonly overlapping = true;
  private readonly pacer = new RequestPacer(MAX_REQUESTS_PER_SECOND);
  private serviceSeenOn = 0;

  constructor(
    private readonly app: CloudBase,
    private readonly policy: CallPolicy,
    private readonly pollOptions: PollOptions = {},
  ) {}

  private async ensureLogService(signal?: AbortSignal): Promise<void> {
    if (Date.now() - this.serviceSeenOn < SERVICE_CHECK_MS) return;
    await this.pacer.wait(signal);
    const on = await callCloud('DescribeEnvInfo', () => this.app.log.checkLogServiceEnabled(), this.policy, signal);
    if (!on) throw new StudioError('LogServiceOff', LOG_SERVICE_OFF);
    this.serviceSeenOn = Date.now();
  }

  /** Rows in [since, until] (inclusive, ms), in `sort` order, up to `max`. */
  private async search(filter: LogQuery, sort: 'asc' | 'desc', max: number, signal?: AbortSignal): Promise<LogEntry[]> {
    throwIfAborted(signal);
    await this.ensureLogService(signal);
    const until = filter.until ?? Date.now();
    const since = filter.since ?? Math.max(0, until - DEFAULT_SPAN_MS);
    const out: LogEntry[] = [];
    let context: string | undefined;
    for (let read = 0; out.length < max && read < MAX_ROWS; ) {
      await this.pacer.wait(signal);
      const res = (await callCloud(
        'SearchClsLog',
        () =>
          this.app.log.searchClsLog({
            queryString: clsQuery(filter),
            // Whole seconds on the wire: the edges are widened and cut again below.
            StartTime: clsTime(Math.floor(since / 1000) * 1000),
            EndTime: clsTime(Math.ceil(until / 1000) * 1000),
            Limit: Math.min(MAX_ROWS_PER_REQUEST, MAX_ROWS - read),
            Context: context,
            Sort: sort,
          }),
        this.policy,
        signal,
      ).catch((e: unknown) => {
        if (!isLogServiceOff(e)) throw e;
        this.serviceSeenOn = 0;
        throw new StudioError('LogServiceOff', LOG_SERVICE_OFF, { cause: e });
      })) as SearchAnswer;
      const results = res.LogResults?.Results ?? [];
      read += results.length;
      for (const row of results) {
        const entry = toLogEntry(row);
        if (entry && entry.time >= since && entry.time <= until && out.length < max) out.push(entry);
      }
      context = res.LogResults?.Context;
      if (res.LogResults?.ListOver !== false || !context || results.length === 0) break;
    }
    return out;
  }

  async query(filter: LogQuery, signal?: AbortSignal): Promise<LogEntry[]> {
    checkLogQuery(filter);
    const limit = Math.min(filter.limit ?? DEFAULT_QUERY_LIMIT, MAX_ROWS);
    if (limit === 0) return [];
    // Newest first on the wire, so the cut keeps the most recent; oldest first for the caller.
    return (await this.search(filter, 'desc', limit, signal)).reverse();
  }

  tail(filter: { functionName?: string }, signal: AbortSignal, hooks?: TailHooks): AsyncIterable<LogEntry[]> {
    const options: PollOptions = {
      ...this.pollOptions,
      onPolled: (at, nextInMs) => {
        this.pollOptions.onPolled?.(at, nextInMs);
        hooks?.onPolled?.({ at, nextInMs });
      },
    };
    return pollLogs((window, s) => this.search(window, 'asc', TAIL_ROWS, s), filter, signal, options);
  }
}
