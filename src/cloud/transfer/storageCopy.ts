/**
 * Copies a storage folder between environments, file by file through the backend contract (each
 * file's bytes in memory once; storage files are at most tens of megabytes). Files are taken in
 * path order; the checkpoint is the last path copied, so a stopped copy resumes after it. Files
 * the target has are skipped unless `overwrite`. No vscode import.
 */
import type { StorageApi } from '../backend';
import { StudioError, isCancellation, isStudioError, messageOf } from '../../shared/errors';
import { DEFAULT_PACING, Pacer, isPassingFailure, throwIfCancelled, type PacerOptions } from './pacer';

export interface StorageCopyRequest {
  source: StorageApi;
  target: StorageApi;
  /** A folder (`images/`) or `` for the whole bucket. */
  prefix: string;
  /** Where the folder lands in the target; defaults to the same prefix. */
  targetPrefix?: string;
  overwrite: boolean;
  pacing?: Partial<Omit<PacerOptions, 'signal'>>;
  /** The last path of an earlier run's report. */
  afterPath?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface StorageCopyReport {
  total: number;
  copied: number;
  skipped: number;
  failures: { path: string; message: string }[];
  bytes: number;
  afterPath?: string;
  complete: boolean;
  cancelled: boolean;
}

export async function copyStorageFolder(request: StorageCopyRequest): Promise<StorageCopyReport> {
  const { source, target, prefix, signal } = request;
  const targetPrefix = request.targetPrefix ?? prefix;
  const pacer = new Pacer({ ...DEFAULT_PACING, ...request.pacing, signal });
  const report: StorageCopyReport = { total: 0, copied: 0, skipped: 0, failures: [], bytes: 0, afterPath: request.afterPath, complete: false, cancelled: false };
  try {
    const paths = (await pacer.run((s) => source.listFiles(prefix, s))).sort();
    const remaining = request.afterPath === undefined ? paths : paths.filter((p) => p > request.afterPath!);
    report.total = remaining.length;
    for (const path of remaining) {
      throwIfCancelled(signal);
      const destination = targetPrefix + path.slice(prefix.length);
      try {
        if (!request.overwrite && (await pacer.run((s) => target.stat(destination, s)))) report.skipped++;
        else {
          const data = await pacer.run((s) => source.readFile(path, s));
          await pacer.run((s) => target.upload(destination, { data }, { overwrite: request.overwrite }, s));
          report.copied++;
          report.bytes += data.byteLength;
        }
      } catch (e) {
        if (isCancellation(e) || isPassingFailure(e)) throw e;
        if (isStudioError(e, 'FileExists')) report.skipped++;
        else report.failures.push({ path, message: messageOf(e) });
      }
      report.afterPath = path;
      request.onProgress?.({ done: report.copied + report.skipped + report.failures.length, total: report.total });
    }
    report.complete = true;
    return report;
  } catch (e) {
    if (isCancellation(e)) return { ...report, cancelled: true };
    throw Object.assign(e instanceof Error ? e : new StudioError('Internal', messageOf(e)), { report });
  }
}
