/**
 * Import and export of a collection's documents through the backend contract. Imports write in
 * batches and account for every record: written, or failed with its line and reason; a cancel
 * stops between batches and says how many were written. Exports stream by cursor pages into a
 * temporary file that replaces the target only when complete. No vscode import.
 */
import { promises as fs } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { DatabaseApi } from '../../cloud/backend';
import { StudioError, isCancellation, messageOf } from '../../shared/errors';
import type { DocumentJson, DocumentQuery, JsonObject } from '../../shared/model';
import { csvHeader, csvRow, readDocuments, type DocumentFormat } from './documentFormats';

export type ImportMode = 'insert' | 'upsert';

export interface ImportOptions {
  format: DocumentFormat;
  /** insert: every record is a new document (an existing _id fails); upsert: records with an _id replace or create it. */
  mode: ImportMode;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { read: number; written: number; failed: number }) => void;
}

export interface ImportFailure {
  line: number;
  message: string;
}

export interface ImportReport {
  /** Records read from the file (good and bad). */
  read: number;
  written: number;
  failures: ImportFailure[];
  cancelled: boolean;
}

const DEFAULT_BATCH = 500;

export async function importDocuments(db: DatabaseApi, collection: string, path: string, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = { read: 0, written: 0, failures: [], cancelled: false };
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batch: { line: number; document: JsonObject }[] = [];
  const progress = (): void => options.onProgress?.({ read: report.read, written: report.written, failed: report.failures.length });

  const flush = async (): Promise<void> => {
    const records = batch;
    batch = [];
    if (records.length === 0) return;
    if (options.mode === 'insert') await insertBatch(db, collection, records, report, options.signal);
    else await upsertBatch(db, collection, records, report, options.signal);
    progress();
  };

  try {
    for await (const record of readDocuments(path, options.format)) {
      if (options.signal?.aborted) throw new StudioError('Cancelled', 'The import was cancelled.');
      report.read++;
      if ('error' in record) report.failures.push({ line: record.line, message: record.error });
      else batch.push(record);
      if (batch.length >= batchSize) await flush();
    }
    if (options.signal?.aborted) throw new StudioError('Cancelled', 'The import was cancelled.');
    await flush();
  } catch (e) {
    if (!isCancellation(e)) throw Object.assign(e as Error, { report });
    report.cancelled = true;
  }
  report.failures.sort((a, b) => a.line - b.line);
  return report;
}

/** A batch is all or nothing in the backend; when it fails, its records go one by one to find the culprits. */
async function insertBatch(
  db: DatabaseApi,
  collection: string,
  records: { line: number; document: JsonObject }[],
  report: ImportReport,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await db.insertDocuments(collection, records.map((r) => r.document), signal);
    report.written += records.length;
    return;
  } catch (e) {
    if (isCancellation(e)) throw e;
  }
  for (const record of records) {
    try {
      await db.insertDocuments(collection, [record.document], signal);
      report.written++;
    } catch (e) {
      if (isCancellation(e)) throw e;
      report.failures.push({ line: record.line, message: messageOf(e) });
    }
  }
}

async function upsertBatch(
  db: DatabaseApi,
  collection: string,
  records: { line: number; document: JsonObject }[],
  report: ImportReport,
  signal?: AbortSignal,
): Promise<void> {
  const withoutId = records.filter((r) => r.document._id === undefined);
  if (withoutId.length > 0) await insertBatch(db, collection, withoutId, report, signal);
  for (const record of records) {
    if (record.document._id === undefined) continue;
    const { _id, ...fields } = record.document;
    try {
      await db.updateDocuments(collection, { _id }, fields, { multi: false, upsert: true }, signal);
      report.written++;
    } catch (e) {
      if (isCancellation(e)) throw e;
      report.failures.push({ line: record.line, message: messageOf(e) });
    }
  }
}

export interface ExportOptions {
  format: DocumentFormat;
  query?: DocumentQuery;
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (written: number) => void;
}

/** Writes every matching document and returns how many; the target appears only once complete. */
export async function exportDocuments(db: DatabaseApi, collection: string, path: string, options: ExportOptions): Promise<number> {
  const query = options.query ?? {};
  const pageSize = options.pageSize ?? 1000;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temp, 'w');
  let count = 0;
  try {
    const columns = options.format === 'csv' ? await csvColumns(db, collection, query, pageSize, options.signal) : [];
    if (options.format === 'json') await handle.write('[');
    if (options.format === 'csv') await handle.write(csvHeader(columns));
    for await (const page of pages(db, collection, query, pageSize, options.signal)) {
      const lines = page.map((d, i) => {
        if (options.format === 'csv') return csvRow(d, columns);
        const json = JSON.stringify(d);
        return options.format === 'jsonl' ? `${json}\n` : `${count + i === 0 ? '\n' : ',\n'}  ${json}`;
      });
      await handle.write(lines.join(''));
      count += page.length;
      options.onProgress?.(count);
    }
    if (options.format === 'json') await handle.write(count === 0 ? ']\n' : '\n]\n');
    await handle.sync();
    await handle.close();
    await fs.rename(temp, path);
    return count;
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw e;
  }
}

async function* pages(db: DatabaseApi, collection: string, query: DocumentQuery, limit: number, signal?: AbortSignal): AsyncGenerator<DocumentJson[]> {
  let cursor: string | undefined;
  do {
    const page = await db.queryDocuments(collection, query, { limit, cursor }, signal);
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** CSV needs its columns first: every top-level field of the export, `_id` first, then in order of appearance. */
async function csvColumns(db: DatabaseApi, collection: string, query: DocumentQuery, limit: number, signal?: AbortSignal): Promise<string[]> {
  const columns = new Set<string>(['_id']);
  for await (const page of pages(db, collection, query, limit, signal)) {
    for (const d of page) for (const k of Object.keys(d)) columns.add(k);
  }
  return [...columns];
}
