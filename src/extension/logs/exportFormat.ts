/**
 * What "Export…" writes: the entries the panel shows, as readable text lines or as JSON Lines (one
 * LogEntry per line, for tools). The format follows the file name the user chose. No vscode import.
 */
import type { LogEntry } from '../../shared/model';

export type ExportFormat = 'text' | 'jsonl';

export function exportFormatFor(path: string): ExportFormat {
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'text';
}

/** `2026-11-23T10:00:00.123Z INFO  login 5f0c… message`; later lines of a message are indented. */
export function entryAsText(e: LogEntry): string {
  const parts = [new Date(e.time).toISOString(), e.level.toUpperCase().padEnd(5), e.functionName, e.requestId];
  let message = e.message.replace(/\r?\n/g, '\n    ');
  if (e.result !== undefined) message += ` Result: ${e.result}`;
  return `${parts.join(' ')} ${message}`;
}

export function formatEntries(entries: readonly LogEntry[], format: ExportFormat): string {
  const lines = entries.map((e) =>
    format === 'jsonl'
      ? JSON.stringify({
          time: new Date(e.time).toISOString(),
          level: e.level,
          functionName: e.functionName,
          requestId: e.requestId,
          ...(e.kind === undefined ? {} : { kind: e.kind }),
          message: e.message,
          ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }),
          ...(e.memoryMB === undefined ? {} : { memoryMB: e.memoryMB }),
          ...(e.result === undefined ? {} : { result: e.result }),
        })
      : entryAsText(e),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
