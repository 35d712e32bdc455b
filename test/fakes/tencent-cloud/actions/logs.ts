/**
 * Log service actions of service tcb. SearchClsLog reads the function logs the local environment
 * underneath keeps, encoded as CLS rows: `Timestamp` in epoch milliseconds, `Content` a JSON
 * string of `{function_name, request_id, src, log, level}` (end rows add `duration`, `mem_usage`
 * in bytes and `ret_msg`). Times in and out of the search are China Standard Time without a zone.
 * The query language is the small part the client sends: `*`, or `field:"value"` terms joined by AND.
 */
import type { LogEntry } from '../../../../src/shared/model';
import { CloudApiError, str, type ActionHandler } from './common';

const MAX_LIMIT = 100;

function parseCst(params: Record<string, unknown>, name: string): number {
  const text = str(params, name);
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text);
  if (!m) throw new CloudApiError('InvalidParameter', `Parameter \`${name}\` must look like 2006-01-02 15:04:05.`);
  return Date.parse(`${m[1]}T${m[2]}+08:00`);
}

function contentOf(e: LogEntry): Record<string, unknown> {
  const content: Record<string, unknown> = {
    function_name: e.functionName,
    request_id: e.requestId,
    src: e.kind === 'log' || e.kind === undefined ? 'app' : 'system',
    log: e.message,
    level: e.level.toUpperCase(),
  };
  if (e.kind === 'end') {
    if (e.durationMs !== undefined) content.duration = e.durationMs;
    if (e.memoryMB !== undefined) content.mem_usage = Math.round(e.memoryMB * 1024 * 1024);
    if (e.result !== undefined) content.ret_msg = e.result;
  }
  return content;
}

function matcher(query: string): (content: Record<string, unknown>) => boolean {
  const trimmed = query.trim();
  if (trimmed === '' || trimmed === '*') return () => true;
  const terms = trimmed.split(/\s+AND\s+/).map((term) => {
    const m = /^([A-Za-z_]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(term);
    if (!m) throw new CloudApiError('InvalidParameter', `The fake cannot read the query term ${term}.`);
    return { field: m[1]!, value: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]! };
  });
  return (content) => terms.every((t) => String(content[t.field] ?? '') === t.value);
}

function encodeContext(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

function decodeContext(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return 0;
  try {
    const offset = (JSON.parse(Buffer.from(String(raw), 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // refused below
  }
  throw new CloudApiError('InvalidParameter', 'Parameter `Context` is not valid.');
}

export const logActions: Record<string, ActionHandler> = {
  SearchClsLog: (params, env) => {
    const e = env();
    if (!e.logService) throw new CloudApiError('ResourceNotFound.LogService', 'The log service of the environment is not enabled.');
    const limit = typeof params.Limit === 'number' ? params.Limit : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new CloudApiError('InvalidParameter', `Parameter \`Limit\` must be from 1 to ${MAX_LIMIT}.`);
    const since = parseCst(params, 'StartTime');
    // The end second is inclusive to its last millisecond.
    const until = parseCst(params, 'EndTime') + 999;
    const matches = matcher(typeof params.QueryString === 'string' ? params.QueryString : '*');
    const rows = e.local.functions.logs
      .query({ since, until })
      .map((entry) => ({ entry, content: contentOf(entry) }))
      .filter((r) => matches(r.content));
    if (params.Sort !== 'asc') rows.reverse();
    const offset = decodeContext(params.Context);
    const page = rows.slice(offset, offset + limit);
    const over = offset + page.length >= rows.length;
    return {
      LogResults: {
        Context: over ? '' : encodeContext(offset + page.length),
        ListOver: over,
        Results: page.map((r) => ({ Timestamp: String(r.entry.time), Content: JSON.stringify(r.content), TopicId: `topic-${e.envId}`, TopicName: `tcb-${e.envId}`, Source: '127.0.0.1', FileName: '' })),
      },
    };
  },

  CreateEnvResource: (params, env) => {
    const resources = params.Resources;
    if (!Array.isArray(resources) || !resources.includes('log')) throw new CloudApiError('InvalidParameter', 'Parameter `Resources` must include "log".');
    env().logService = true;
    return {};
  },
};
