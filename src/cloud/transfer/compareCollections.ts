/**
 * Compares a collection in one environment with a collection in another (or the same) through the
 * backend contract: both sides are read in `_id` order, a page at a time (`_id` greater than the
 * last one read, as the copy does, since Tencent's cursors are offsets), and merged by `_id`, so
 * memory holds two pages per side however large the collections are. The counts are exact; the
 * lists of ids stop at `listLimit` each. No vscode import.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DatabaseApi } from '../backend';
import { StudioError, isCancellation, isStudioError, messageOf } from '../../shared/errors';
import type { DocumentJson } from '../../shared/model';
import { MAX_PAGE } from './copyCollection';
import { DEFAULT_PACING, Pacer, throwIfCancelled, type PacerOptions } from './pacer';

export type CompareSide = 'left' | 'right';

export interface CollectionCompareRequest {
  left: DatabaseApi;
  right: DatabaseApi;
  collection: string;
  /** Defaults to the left side's name. */
  rightCollection?: string;
  pageSize?: number;
  /** Ids kept per list (different, only left, only right); the counts go on past it. */
  listLimit?: number;
  pacing?: Partial<Omit<PacerOptions, 'signal'>>;
  signal?: AbortSignal;
  onProgress?: (progress: CompareProgress) => void;
}

export interface CompareProgress {
  leftRead: number;
  rightRead: number;
  /** Each side's count when the comparison started. */
  leftTotal: number;
  rightTotal: number;
}

export interface DifferentDocument {
  id: string;
  /** Top-level fields whose values differ (or that one side lacks). */
  fields: string[];
}

export interface CompareReport {
  collection: string;
  rightCollection: string;
  /** A side whose collection does not exist is compared as empty. */
  leftMissing: boolean;
  rightMissing: boolean;
  /** Documents read on each side (all of them when complete). */
  leftCount: number;
  rightCount: number;
  same: number;
  different: number;
  onlyLeft: number;
  onlyRight: number;
  differentDocuments: DifferentDocument[];
  onlyLeftIds: string[];
  onlyRightIds: string[];
  listLimit: number;
  complete: boolean;
  cancelled: boolean;
  requests: number;
  retried: number;
}

export const DEFAULT_LIST_LIMIT = 1000;

export async function compareCollections(request: CollectionCompareRequest): Promise<CompareReport> {
  const { collection, signal } = request;
  const rightCollection = request.rightCollection ?? collection;
  const pageSize = Math.min(Math.max(1, request.pageSize ?? MAX_PAGE), MAX_PAGE);
  const listLimit = Math.max(0, request.listLimit ?? DEFAULT_LIST_LIMIT);
  const pacer = new Pacer({ ...DEFAULT_PACING, ...request.pacing, signal });
  const report: CompareReport = {
    collection,
    rightCollection,
    leftMissing: false,
    rightMissing: false,
    leftCount: 0,
    rightCount: 0,
    same: 0,
    different: 0,
    onlyLeft: 0,
    onlyRight: 0,
    differentDocuments: [],
    onlyLeftIds: [],
    onlyRightIds: [],
    listLimit,
    complete: false,
    cancelled: false,
    requests: 0,
    retried: 0,
  };
  const finish = (complete: boolean, cancelled: boolean): CompareReport => Object.assign(report, { complete, cancelled, requests: pacer.requests, retried: pacer.retried });

  try {
    const [leftTotal, rightTotal] = await Promise.all([
      countOrMissing(request.left, collection, pacer),
      countOrMissing(request.right, rightCollection, pacer),
    ]);
    report.leftMissing = leftTotal === undefined;
    report.rightMissing = rightTotal === undefined;
    const totals = { leftTotal: leftTotal ?? 0, rightTotal: rightTotal ?? 0 };
    const progress = (): void => request.onProgress?.({ leftRead: report.leftCount, rightRead: report.rightCount, ...totals });
    progress();
    const left = new IdOrderedReader(request.left, collection, leftTotal === undefined, pageSize, pacer, () => progress());
    const right = new IdOrderedReader(request.right, rightCollection, rightTotal === undefined, pageSize, pacer, () => progress());
    let [a, b] = await Promise.all([left.next(), right.next()]);
    while (a || b) {
      throwIfCancelled(signal);
      if (a && (!b || a._id < b._id)) {
        report.leftCount++;
        report.onlyLeft++;
        if (report.onlyLeftIds.length < listLimit) report.onlyLeftIds.push(a._id);
        a = await left.next();
      } else if (b && (!a || b._id < a._id)) {
        report.rightCount++;
        report.onlyRight++;
        if (report.onlyRightIds.length < listLimit) report.onlyRightIds.push(b._id);
        b = await right.next();
      } else {
        report.leftCount++;
        report.rightCount++;
        const fields = differingFields(a!, b!);
        if (fields.length === 0) report.same++;
        else {
          report.different++;
          if (report.differentDocuments.length < listLimit) report.differentDocuments.push({ id: a!._id, fields });
        }
        [a, b] = await Promise.all([left.next(), right.next()]);
      }
    }
    progress();
    return finish(true, false);
  } catch (e) {
    if (isCancellation(e)) return finish(false, true);
    throw Object.assign(e instanceof Error ? e : new StudioError('Internal', messageOf(e)), { report: finish(false, false) });
  }
}

/** Top-level fields that differ, in the left document's order then the right's; none when the documents are equal. */
export function differingFields(a: DocumentJson, b: DocumentJson): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].filter((f) => !(f in a) || !(f in b) || !isDeepStrictEqual(a[f], b[f]));
}

async function countOrMissing(db: DatabaseApi, collection: string, pacer: Pacer): Promise<number | undefined> {
  try {
    return await pacer.run((s) => db.countDocuments(collection, undefined, s));
  } catch (e) {
    if (isStudioError(e, 'CollectionNotFound')) return undefined;
    throw e;
  }
}

/**
 * One side's documents in `_id` order, the next page asked for while this one is merged. The merge
 * compares ids as JavaScript strings (UTF-16 units, the local engine's order); a backend whose
 * order differs (MongoDB compares UTF-8 bytes, which differs only past U+E000) is caught by
 * checking that each id is above the one before, rather than reporting wrong differences.
 */
class IdOrderedReader {
  private page: DocumentJson[] = [];
  private index = 0;
  private lastId: string | undefined;
  private pending: Promise<DocumentJson[]> | undefined;
  private ended: boolean;

  constructor(
    private readonly db: DatabaseApi,
    private readonly collection: string,
    missing: boolean,
    private readonly pageSize: number,
    private readonly pacer: Pacer,
    private readonly onPage: () => void,
  ) {
    this.ended = missing;
  }

  async next(): Promise<DocumentJson | undefined> {
    if (this.index < this.page.length) return this.checked(this.page[this.index++]);
    if (this.ended) return undefined;
    const page = await (this.pending ?? this.fetch(undefined));
    this.pending = undefined;
    if (page.length < this.pageSize) this.ended = true;
    if (page.length === 0) return undefined;
    this.page = page;
    this.index = 0;
    if (!this.ended) {
      this.pending = this.fetch(page[page.length - 1]._id);
      // Awaited on the next page; a failure meanwhile must not count as unhandled.
      this.pending.catch(() => undefined);
    }
    this.onPage();
    return this.checked(this.page[this.index++]);
  }

  private fetch(afterId: string | undefined): Promise<DocumentJson[]> {
    const filter = afterId === undefined ? undefined : { _id: { $gt: afterId } };
    return this.pacer
      .run((s) => this.db.queryDocuments(this.collection, { filter, sort: [{ field: '_id', direction: 1 }] }, { limit: this.pageSize }, s))
      .then((p) => p.items);
  }

  private checked(doc: DocumentJson): DocumentJson {
    if (this.lastId !== undefined && !(doc._id > this.lastId)) {
      throw new StudioError('NotSupported', `"${this.collection}" returned _id ${JSON.stringify(doc._id)} after ${JSON.stringify(this.lastId)}: its ids sort in an order this comparison cannot merge.`);
    }
    this.lastId = doc._id;
    return doc;
  }
}

/** The report a failed comparison carried: what it had compared before it stopped. */
export function compareReportOf(e: unknown): CompareReport | undefined {
  return (e as { report?: CompareReport } | undefined)?.report;
}
