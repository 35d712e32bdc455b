/**
 * Copies a collection's documents from one environment to another through the backend contract,
 * so every pair works (local ↔ Tencent, Tencent ↔ Tencent, local ↔ local). Documents are read in
 * `_id` order, a page at a time (at most 1,000, QueryRecords' limit), and each page is written
 * before the next is read, so memory stays bounded. The checkpoint is the last `_id` whose page is
 * fully written: a copy that failed or was cancelled resumes from there, and documents the target
 * already holds are counted as skipped rather than written twice. No vscode import.
 */
import type { DatabaseApi } from '../backend';
import { StudioError, isCancellation, isStudioError, messageOf } from '../../shared/errors';
import type { DocumentJson, JsonObject } from '../../shared/model';
import { DEFAULT_PACING, Pacer, isPassingFailure, throwIfCancelled, type PacerOptions } from './pacer';

/** insert: documents the target has are skipped; upsert: they are replaced; replace: the target is emptied first. */
export type CopyMode = 'insert' | 'upsert' | 'replace';

export interface CopyFailure {
  id: string;
  message: string;
}

/** Where a copy stands; hand it back as `resume` to go on from there. */
export interface CopyCheckpoint {
  afterId?: string;
  /** Ids written from the page after `afterId` before the copy stopped: not counted twice on resume. */
  pageWritten: string[];
  /** The target's collection exists, its indexes and rule were copied, and (replace) it was emptied. */
  prepared: boolean;
  read: number;
  written: number;
  skipped: number;
  failures: CopyFailure[];
  indexesCreated: string[];
  permissionCopied: boolean;
}

export interface CopyProgress {
  read: number;
  written: number;
  skipped: number;
  failed: number;
  /** Documents the copy will read, when known (the source's count, capped by the sample). */
  total?: number;
}

export interface CollectionCopyRequest {
  source: DatabaseApi;
  target: DatabaseApi;
  collection: string;
  /** Defaults to the source's name. */
  targetCollection?: string;
  filter?: JsonObject;
  /** Copy at most this many documents (the first in `_id` order). */
  sample?: number;
  mode: CopyMode;
  indexes?: boolean;
  permission?: boolean;
  /** Applied to each document before it is written (see anonymise.ts). */
  transform?: (doc: JsonObject) => JsonObject;
  pageSize?: number;
  pacing?: Partial<Omit<PacerOptions, 'signal'>>;
  resume?: CopyCheckpoint;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyReport extends CopyCheckpoint {
  collection: string;
  targetCollection: string;
  /** Every document the filter and sample named was read and accounted for. */
  complete: boolean;
  cancelled: boolean;
  /** Requests sent to both environments, and how many of them were retries. */
  requests: number;
  retried: number;
}

export const MAX_PAGE = 1000;

/** Copies; a failure that retries did not overcome is thrown with `report` (and its checkpoint) attached. */
export async function copyCollection(request: CollectionCopyRequest): Promise<CopyReport> {
  const { source, collection, signal } = request;
  const targetCollection = request.targetCollection ?? collection;
  const pageSize = Math.min(Math.max(1, request.pageSize ?? MAX_PAGE), MAX_PAGE);
  const pacer = new Pacer({ ...DEFAULT_PACING, ...request.pacing, signal });
  const state: CopyCheckpoint = request.resume
    ? { ...request.resume, pageWritten: [...request.resume.pageWritten], failures: [...request.resume.failures], indexesCreated: [...request.resume.indexesCreated] }
    : { pageWritten: [], prepared: false, read: 0, written: 0, skipped: 0, failures: [], indexesCreated: [], permissionCopied: false };
  const report = (complete: boolean, cancelled: boolean): CopyReport => ({
    ...state,
    collection,
    targetCollection,
    complete,
    cancelled,
    requests: pacer.requests,
    retried: pacer.retried,
  });

  try {
    const counted = await pacer.run((s) => source.countDocuments(collection, request.filter, s));
    const total = request.sample === undefined ? counted : Math.min(counted, request.sample);
    const progress = (): void =>
      request.onProgress?.({ read: state.read, written: state.written, skipped: state.skipped, failed: state.failures.length, total });
    if (!state.prepared) {
      await prepareTarget(request, targetCollection, pacer, state);
      state.prepared = true;
    }
    progress();
    for (;;) {
      throwIfCancelled(signal);
      const wanted = request.sample === undefined ? pageSize : Math.min(pageSize, request.sample - state.read);
      if (wanted <= 0) break;
      const page = await pacer.run((s) =>
        source.queryDocuments(collection, { filter: after(request.filter, state.afterId), sort: [{ field: '_id', direction: 1 }] }, { limit: wanted }, s),
      );
      if (page.items.length === 0) break;
      await writePage(request, targetCollection, page.items, pacer, state);
      state.read += page.items.length;
      state.afterId = page.items[page.items.length - 1]._id;
      state.pageWritten = [];
      progress();
      if (page.items.length < wanted) break;
    }
    return report(true, false);
  } catch (e) {
    if (isCancellation(e)) return report(false, true);
    throw Object.assign(e instanceof Error ? e : new StudioError('Internal', messageOf(e)), { report: report(false, false) });
  }
}

/** The report a failed copy carried, if any: its checkpoint resumes the copy. */
export function reportOf(e: unknown): CopyReport | undefined {
  return (e as { report?: CopyReport } | undefined)?.report;
}

async function prepareTarget(request: CollectionCopyRequest, name: string, pacer: Pacer, state: CopyCheckpoint): Promise<void> {
  const { source, target } = request;
  try {
    await pacer.run((s) => target.createCollection(name, s));
  } catch (e) {
    if (!isStudioError(e, 'CollectionExists')) throw e;
  }
  if (request.mode === 'replace') await pacer.run((s) => target.deleteDocuments(name, {}, { multi: true }, s));
  if (request.indexes) {
    const existing = new Set((await pacer.run((s) => target.listIndexes(name, s))).map((i) => i.name));
    for (const index of await pacer.run((s) => source.listIndexes(request.collection, s))) {
      if (index.name === '_id_' || existing.has(index.name)) continue;
      await pacer.run((s) => target.createIndex(name, { name: index.name, keys: index.keys, unique: index.unique }, s));
      state.indexesCreated.push(index.name);
    }
  }
  if (request.permission && source.getPermission && target.setPermission) {
    const permission = await pacer.run((s) => source.getPermission!(request.collection, s));
    await pacer.run((s) => target.setPermission!(name, permission, s));
    state.permissionCopied = true;
  }
}

/**
 * Writes one page: documents the target lacks in one insert; in upsert mode, the ones it has are
 * replaced one by one (each a single request, so none is ever lost between a delete and an insert).
 */
async function writePage(request: CollectionCopyRequest, name: string, documents: DocumentJson[], pacer: Pacer, state: CopyCheckpoint): Promise<void> {
  const { target } = request;
  const ids = documents.map((d) => d._id);
  // A page redone after a stop is accounted afresh: its earlier failures are tried again.
  const inPage = new Set(ids);
  state.failures = state.failures.filter((f) => !inPage.has(f.id));
  const present = await pacer.run((s) => target.queryDocuments(name, { filter: { _id: { $in: ids } }, projection: { _id: 1 } }, { limit: ids.length }, s));
  const existing = new Set(present.items.map((d) => d._id));
  const done = new Set(state.pageWritten);
  const prepared = documents.map((d) => ({ id: d._id, doc: request.transform ? { ...request.transform(d), _id: d._id } : d }));
  const fresh = prepared.filter((d) => !existing.has(d.id));
  await insertAll(target, name, fresh, pacer, state);
  for (const { id, doc } of prepared) {
    if (!existing.has(id) || done.has(id)) continue;
    if (request.mode !== 'upsert') {
      state.skipped++;
      continue;
    }
    const { _id, ...fields } = doc;
    try {
      await pacer.run((s) => target.updateDocuments(name, { _id: id }, fields, { multi: false, upsert: true }, s));
      state.written++;
      state.pageWritten.push(id);
    } catch (e) {
      if (isCancellation(e) || isPassingFailure(e)) throw e;
      state.failures.push({ id, message: messageOf(e) });
    }
  }
}

/** One insert for the page; if the target refuses it, one by one to find the documents it refuses. */
async function insertAll(target: DatabaseApi, name: string, docs: { id: string; doc: JsonObject }[], pacer: Pacer, state: CopyCheckpoint): Promise<void> {
  if (docs.length === 0) return;
  try {
    await pacer.run((s) => target.insertDocuments(name, docs.map((d) => d.doc), s));
    state.written += docs.length;
    state.pageWritten.push(...docs.map((d) => d.id));
    return;
  } catch (e) {
    if (isCancellation(e) || isPassingFailure(e)) throw e;
  }
  for (const { id, doc } of docs) {
    try {
      await pacer.run((s) => target.insertDocuments(name, [doc], s));
      state.written++;
      state.pageWritten.push(id);
    } catch (e) {
      if (isCancellation(e) || isPassingFailure(e)) throw e;
      if (isStudioError(e, 'DuplicateKey')) state.skipped++;
      else state.failures.push({ id, message: messageOf(e) });
    }
  }
}

function after(filter: JsonObject | undefined, afterId: string | undefined): JsonObject | undefined {
  if (afterId === undefined) return filter;
  const range = { _id: { $gt: afterId } };
  return filter && Object.keys(filter).length > 0 ? { $and: [filter, range] } : range;
}
