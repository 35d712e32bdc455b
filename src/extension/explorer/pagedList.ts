/**
 * One tree level loaded page by page with the backend's cursor. The page size stays constant
 * (never a growing limit); "Load more" appends the next page; a failure is kept as state so the
 * tree shows it as a node with Retry. No vscode import.
 */
import type { Page, PageRequest } from '../../shared/model';

export type PageFetcher<T> = (page: PageRequest, signal: AbortSignal) => Promise<Page<T>>;

export type ListChild<T> =
  | { kind: 'item'; value: T }
  | { kind: 'loadMore' }
  | { kind: 'error'; error: unknown }
  | { kind: 'empty' };

export class PagedList<T> {
  private items: T[] = [];
  private nextCursor?: string;
  private loaded = false;
  private error?: unknown;
  private inflight?: Promise<void>;
  private controller = new AbortController();

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly pageSize: () => number,
  ) {}

  get hasMore(): boolean {
    return this.nextCursor !== undefined;
  }

  get failed(): boolean {
    return this.error !== undefined;
  }

  /** Loads the first page unless it is loaded, loading, or failed (a failure waits for retry()). */
  async ensureLoaded(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.loaded || this.failed) return;
    return this.load(undefined);
  }

  /** Appends the next page. Calls while a page loads share that load instead of skipping ahead. */
  async loadMore(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (!this.loaded) return this.ensureLoaded();
    if (this.nextCursor === undefined) return;
    return this.load(this.nextCursor);
  }

  /** After a failure: the first page again, or the page that failed to append. */
  async retry(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.error = undefined;
    return this.loaded ? this.loadMore() : this.ensureLoaded();
  }

  /** Forgets every page and abandons a load in flight; the next ensureLoaded() starts over. */
  reset(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.items = [];
    this.nextCursor = undefined;
    this.loaded = false;
    this.error = undefined;
    this.inflight = undefined;
  }

  /** Drops loaded items (e.g. a deleted document) without reloading; the cursor stays valid. */
  removeWhere(predicate: (item: T) => boolean): number {
    const before = this.items.length;
    this.items = this.items.filter((item) => !predicate(item));
    return before - this.items.length;
  }

  children(): ListChild<T>[] {
    const out: ListChild<T>[] = this.items.map((value) => ({ kind: 'item', value }));
    if (this.error !== undefined) out.push({ kind: 'error', error: this.error });
    else if (this.nextCursor !== undefined) out.push({ kind: 'loadMore' });
    else if (this.loaded && this.items.length === 0) out.push({ kind: 'empty' });
    return out;
  }

  private load(cursor: string | undefined): Promise<void> {
    const controller = this.controller;
    const request: PageRequest = cursor === undefined ? { limit: this.pageSize() } : { limit: this.pageSize(), cursor };
    const run = new Promise<Page<T>>((resolve) => resolve(this.fetchPage(request, controller.signal))).then(
      (page) => {
        // A reset abandoned this load: its outcome belongs to nobody.
        if (controller.signal.aborted) return;
        this.items = cursor === undefined ? [...page.items] : [...this.items, ...page.items];
        this.nextCursor = page.nextCursor;
        this.loaded = true;
        this.error = undefined;
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        this.error = e;
      },
    );
    const settled = run.finally(() => {
      if (this.inflight === settled) this.inflight = undefined;
    });
    this.inflight = settled;
    return settled;
  }
}
