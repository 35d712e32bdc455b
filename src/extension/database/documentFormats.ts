/**
 * Files of documents: JSON Lines, a JSON array, or CSV. Reading yields one entry per record with
 * its line number (or the record's position in an array), so a bad record is reported where it
 * is; writing turns documents into lines. CSV comes from csv-parse / csv-stringify. No vscode import.
 */
import { createReadStream } from 'node:fs';
import { promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { StudioError } from '../../shared/errors';
import type { DocumentJson, JsonObject, JsonValue } from '../../shared/model';

export type DocumentFormat = 'jsonl' | 'json' | 'csv';

/** One record read from a file: a document, or why the record is not one. */
export type ReadRecord = { line: number; document: JsonObject } | { line: number; error: string };

export function formatOf(path: string): DocumentFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return 'jsonl';
}

function asDocument(value: unknown, line: number): ReadRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, error: 'A document must be a JSON object.' };
  const document = value as JsonObject;
  if (document._id !== undefined && (typeof document._id !== 'string' || document._id === '')) {
    return { line, error: '_id must be a non-empty string.' };
  }
  return { line, document };
}

export async function* readDocuments(path: string, format: DocumentFormat): AsyncGenerator<ReadRecord> {
  if (format === 'jsonl') yield* readJsonLines(path);
  else if (format === 'json') yield* readJsonArray(path);
  else yield* readCsv(path);
}

async function* readJsonLines(path: string): AsyncGenerator<ReadRecord> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (trimmed === '') continue;
    try {
      yield asDocument(JSON.parse(trimmed), line);
    } catch (e) {
      yield { line, error: `Not valid JSON: ${(e as Error).message}` };
    }
  }
}

/** The line on which each top-level element of a JSON array starts, found while parsing it once. */
async function* readJsonArray(path: string): AsyncGenerator<ReadRecord> {
  const text = (await fs.readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StudioError('InvalidJson', `${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(parsed)) throw new StudioError('InvalidJson', `${path} must hold a JSON array of documents.`);
  const starts = elementLines(text);
  for (let i = 0; i < parsed.length; i++) yield asDocument(parsed[i], starts[i] ?? 1);
}

function elementLines(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expectElement && c !== ']') {
      starts.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return starts;
}

async function* readCsv(path: string): AsyncGenerator<ReadRecord> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false, info: true }),
  );
  try {
    for await (const entry of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = entry.info.lines;
      try {
        yield asDocument(fromCsvRecord(entry.record), line);
      } catch (e) {
        yield { line, error: (e as Error).message };
      }
    }
  } catch (e) {
    // csv-parse stops at a malformed row; what was read before stays counted.
    const line = (e as { lines?: number }).lines;
    throw new StudioError('InvalidArgument', `${path}${line ? `, line ${line}` : ''}: ${(e as Error).message}`, { cause: e });
  }
}

/** CSV cells: JSON for objects, arrays, numbers, booleans and null; dotted headers nest; empty cells are absent. */
function fromCsvRecord(record: Record<string, string>): JsonObject {
  const document: JsonObject = {};
  for (const [header, cell] of Object.entries(record)) {
    if (cell === '') continue;
    let value: JsonValue = cell;
    if (/^[[{]/.test(cell) || /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)$/.test(cell)) {
      try {
        value = JSON.parse(cell) as JsonValue;
      } catch {
        throw new Error(`Column "${header}" holds invalid JSON: ${cell}`);
      }
    }
    const path = header.split('.');
    let target = document;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === undefined) target = target[key] = {};
      else if (next !== null && typeof next === 'object' && !Array.isArray(next)) target = next;
      else throw new Error(`Column "${header}" conflicts with column "${key}".`);
    }
    target[path[path.length - 1]] = value;
  }
  return document;
}

/** A CSV cell for a value: strings as they are, everything else as JSON (dates as {"$date": …}). */
function csvCell(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function csvHeader(columns: string[]): string {
  return stringify([columns]);
}

export function csvRow(document: DocumentJson, columns: string[]): string {
  return stringify([columns.map((c) => csvCell(document[c]))]);
}
