/**
 * The text an invocation leaves in the "CloudBase: Function Results" channel: which function and
 * event, the request ID, duration and memory, the return value or the error with its stack, and
 * that invocation's logs. Stack frames keep their absolute `file:line:column`, which the output
 * view turns into links to the user's files. Labels come from the caller (localized there); no
 * vscode import, so the layout is unit-tested in plain Node.
 */
import type { InvokeResult, LogEntry } from '../../shared/model';

export interface ReportLabels {
  requestId: string;
  duration: string;
  memory: string;
  result: string;
  noResult: string;
  error: string;
  logs: string;
  /** `{0}`: how many further log lines were left out. */
  moreLogs: string;
}

export interface ReportInput {
  functionName: string;
  /** The saved event's name, when the payload came from one. */
  eventName?: string;
  startedAt: Date;
  result: InvokeResult;
}

/** Past these, the channel says how much was left out (the log panel has everything). */
export const REPORT_MAX_LOG_LINES = 500;
export const REPORT_MAX_RESULT_CHARS = 200_000;

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

function logLine(entry: LogEntry): string {
  const level = entry.kind === 'start' || entry.kind === 'end' ? '' : `${entry.level.toUpperCase().padEnd(5)} `;
  return `${time(entry.time)} ${level}${entry.message}`;
}

function format(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (values[Number(i)] === undefined ? m : String(values[Number(i)])));
}

export function invocationReport(input: ReportInput, labels: ReportLabels): string {
  const { result } = input;
  const title = input.eventName ? `${input.functionName} · ${input.eventName}` : input.functionName;
  const lines: string[] = [`── ${title} · ${input.startedAt.toISOString().replace('T', ' ').slice(0, 19)} ──`];
  const facts = [`${labels.requestId}: ${result.requestId}`, `${labels.duration}: ${result.durationMs} ms`];
  if (result.memoryMB !== undefined) facts.push(`${labels.memory}: ${result.memoryMB} MB`);
  lines.push(facts.join(' · '));

  if (result.error) {
    const code = result.error.code ? ` (${result.error.code})` : '';
    lines.push(`${labels.error}${code}: ${result.error.message}`);
    // The stack repeats the message; the rest (frames, or a syntax error's file:line and caret) stays as is.
    const message = result.error.message;
    const stack = (result.error.stack ?? '').split('\n').filter((l) => l.trim() !== '' && !message.includes(l.trim()));
    lines.push(...stack.map((l) => `    ${l.replace(/^ {4}/, '')}`));
  } else if (result.result === undefined) {
    lines.push(`${labels.result}: ${labels.noResult}`);
  } else {
    let json = JSON.stringify(result.result, null, 2);
    if (json.length > REPORT_MAX_RESULT_CHARS) json = `${json.slice(0, REPORT_MAX_RESULT_CHARS)}\n…`;
    lines.push(`${labels.result}:`, json);
  }

  if (result.logs.length > 0) {
    lines.push(`${labels.logs}:`);
    const shown = result.logs.length > REPORT_MAX_LOG_LINES ? [...result.logs.slice(0, REPORT_MAX_LOG_LINES - 1), result.logs[result.logs.length - 1]] : result.logs;
    shown.forEach((entry, i) => {
      if (i === REPORT_MAX_LOG_LINES - 1 && shown.length < result.logs.length) lines.push(`  … ${format(labels.moreLogs, result.logs.length - shown.length)}`);
      lines.push(`  ${logLine(entry)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
