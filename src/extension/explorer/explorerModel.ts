/**
 * What each level of the explorer holds, independent of how VS Code draws it: environments,
 * their areas, cursor-paged collections, documents and functions, and the error, empty and
 * placeholder states. Nodes map these children to tree items; commands call loadMore/retry/invalidate.
 * No vscode import, so the paging and state rules are unit-tested in plain Node.
 */
import type { CloudBackend } from '../../cloud/backend';
import { StudioError, messageOf } from '../../shared/errors';
import type { CollectionInfo, DocumentJson, FunctionInfo } from '../../shared/model';
import type { EnvironmentEntry, EnvironmentRegistry, EnvironmentState } from '../environments/registry';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import type { ListChild } from './pagedList';
import { PagedList } from './pagedList';
import { StorageListing } from '../storage/storageListing';

export const DEFAULT_PAGE_SIZE = 50;
export const MIN_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 500;

/** The setting as the explorer uses it: whole, within bounds, the default when unusable. */
export function clampPageSize(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, Math.round(value)));
}

export type Area = 'database' | 'storage' | 'functions';

export type EnvironmentChild =
  | { kind: 'area'; area: Area }
  | { kind: 'error'; error: unknown }
  /** Stopped on purpose: the tree waits for Start instead of starting it again. */
  | { kind: 'stopped' };

/** Which paged list: an environment's collections, one collection's documents, or the environment's functions. */
export interface ListRef {
  envKey: string;
  collection?: string;
  functions?: true;
}

export interface ExplorerModelOptions {
  pageSize: () => number;
  log?: Logger;
}

const AREAS: Area[] = ['database', 'storage', 'functions'];
const GONE = new Set<EnvironmentState>(['stopping', 'stopped', 'failed']);

export class ExplorerModel {
  private readonly lists = new Map<string, PagedList<CollectionInfo> | PagedList<DocumentJson> | PagedList<FunctionInfo>>();
  private readonly log: Logger;
  private readonly reported = new WeakSet<object>();
  private readonly subscription: { dispose(): void };
  /** The Storage area's folders, paged the same way. */
  readonly storage: StorageListing;

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly options: ExplorerModelOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.storage = new StorageListing(registry, { pageSize: () => clampPageSize(options.pageSize()) });
    // A stopped or removed environment's pages point at a backend that is gone.
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'removed' || (change.kind === 'state' && GONE.has(change.state))) this.invalidate(change.key);
      // Failures from while it was down say nothing about the environment that now runs.
      if (change.kind === 'state' && change.state === 'running') this.drop((ref, list) => ref.envKey === change.key && list.failed);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.storage.dispose();
    for (const list of this.lists.values()) list.reset();
    this.lists.clear();
  }

  environments(): EnvironmentEntry[] {
    return this.registry.list();
  }

  /** Starts an idle environment (first use); a failed or stopped one waits for Retry or Start. */
  async environmentChildren(envKey: string): Promise<EnvironmentChild[]> {
    const entry = this.registry.get(envKey);
    if (!entry) return [];
    // Asking the backend while a stop is under way would start the environment right again.
    if (entry.state === 'stopped' || entry.state === 'stopping') return [{ kind: 'stopped' }];
    if (entry.state === 'failed') return [{ kind: 'error', error: entry.error }];
    let backend: CloudBackend;
    try {
      backend = await this.registry.backend(envKey);
    } catch (e) {
      return [{ kind: 'error', error: e }];
    }
    // A local environment offers every area; a Tencent one shows only those its backend implements.
    const offered = (area: Area): boolean => entry.info.kind === 'local' || area === 'database' || backend[area] !== undefined;
    return AREAS.filter(offered).map((area) => ({ kind: 'area', area }));
  }

  async functions(envKey: string): Promise<ListChild<FunctionInfo>[]> {
    const list = this.functionList(envKey);
    await list.ensureLoaded();
    return this.logged(list.children(), { envKey, functions: true });
  }

  /**
   * Whether the environment keeps a deployed copy of its functions apart from the folders, so
   * Compare with Deployed applies: a cloud environment does; a local one runs the folders
   * themselves. Read from the registry, without asking (or starting) the backend.
   */
  keepsDeployedCode(envKey: string): boolean {
    const entry = this.registry.get(envKey);
    return entry !== undefined && entry.info.kind !== 'local';
  }

  /** Just the function list of an environment (a function was added, removed or edited). */
  invalidateFunctions(envKey: string): void {
    const key = listKey({ envKey, functions: true });
    this.lists.get(key)?.reset();
    this.lists.delete(key);
  }

  async collections(envKey: string): Promise<ListChild<CollectionInfo>[]> {
    const list = this.collectionList(envKey);
    await list.ensureLoaded();
    return this.logged(list.children(), { envKey });
  }

  async documents(envKey: string, collection: string): Promise<ListChild<DocumentJson>[]> {
    const list = this.documentList(envKey, collection);
    await list.ensureLoaded();
    return this.logged(list.children(), { envKey, collection });
  }

  async loadMore(ref: ListRef): Promise<void> {
    await this.listFor(ref).loadMore();
  }

  async retry(ref: ListRef): Promise<void> {
    await this.listFor(ref).retry();
  }

  /**
   * Forgets loaded pages: of one collection's documents, of an environment's collections and
   * every collection under it (no collection given), or of everything (no environment given).
   */
  invalidate(envKey?: string, collection?: string): void {
    this.drop((ref) => (envKey === undefined || ref.envKey === envKey) && (collection === undefined || ref.collection === collection));
    if (collection === undefined) this.storage.invalidate(envKey);
  }

  /** Just the collection list (counts changed) of an environment. */
  invalidateCollections(envKey: string): void {
    const key = listKey({ envKey });
    this.lists.get(key)?.reset();
    this.lists.delete(key);
  }

  /** A deleted document leaves the loaded pages without reloading them. */
  forgetDocument(envKey: string, collection: string, id: string): void {
    const list = this.lists.get(listKey({ envKey, collection })) as PagedList<DocumentJson> | undefined;
    list?.removeWhere((d) => d._id === id);
  }

  private drop(which: (ref: ListRef, list: { failed: boolean }) => boolean): void {
    for (const [key, list] of this.lists) {
      const [envKey, collection, functions] = JSON.parse(key) as [string, string | null, boolean?];
      const ref: ListRef = functions ? { envKey, functions: true } : collection === null ? { envKey } : { envKey, collection };
      if (!which(ref, list)) continue;
      list.reset();
      this.lists.delete(key);
    }
  }

  private listFor(ref: ListRef): PagedList<CollectionInfo> | PagedList<DocumentJson> | PagedList<FunctionInfo> {
    if (ref.functions) return this.functionList(ref.envKey);
    return ref.collection === undefined ? this.collectionList(ref.envKey) : this.documentList(ref.envKey, ref.collection);
  }

  private functionList(envKey: string): PagedList<FunctionInfo> {
    const key = listKey({ envKey, functions: true });
    let list = this.lists.get(key) as PagedList<FunctionInfo> | undefined;
    if (!list) {
      list = new PagedList<FunctionInfo>(async (page, signal) => {
        const functions = (await this.backend(envKey)).functions;
        if (!functions) throw new StudioError('NotSupported', 'This environment does not offer cloud functions.');
        return functions.listFunctions(page, signal);
      }, this.pageSize);
      this.lists.set(key, list);
    }
    return list;
  }

  private collectionList(envKey: string): PagedList<CollectionInfo> {
    const key = listKey({ envKey });
    let list = this.lists.get(key) as PagedList<CollectionInfo> | undefined;
    if (!list) {
      list = new PagedList<CollectionInfo>(async (page, signal) => (await this.backend(envKey)).database.listCollections(page, signal), this.pageSize);
      this.lists.set(key, list);
    }
    return list;
  }

  private documentList(envKey: string, collection: string): PagedList<DocumentJson> {
    const key = listKey({ envKey, collection });
    let list = this.lists.get(key) as PagedList<DocumentJson> | undefined;
    if (!list) {
      list = new PagedList<DocumentJson>(
        async (page, signal) => (await this.backend(envKey)).database.queryDocuments(collection, {}, page, signal),
        this.pageSize,
      );
      this.lists.set(key, list);
    }
    return list;
  }

  private readonly pageSize = (): number => clampPageSize(this.options.pageSize());

  /** Loads start an idle environment (first use) but never one the user stopped. */
  private async backend(envKey: string): Promise<CloudBackend> {
    const entry = this.registry.get(envKey);
    if (entry && (entry.state === 'stopping' || entry.state === 'stopped')) {
      throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} is stopped.`);
    }
    return this.registry.backend(envKey);
  }

  private firstReport(error: unknown): boolean {
    if (!isObject(error)) return true;
    if (this.reported.has(error)) return false;
    this.reported.add(error);
    return true;
  }

  /** Each failure reaches the log once, however often the tree asks for the level again. */
  private logged<T>(children: ListChild<T>[], ref: ListRef): ListChild<T>[] {
    for (const child of children) {
      if (child.kind === 'error' && this.firstReport(child.error)) {
        const where = ref.functions ? `functions of ${ref.envKey}` : ref.collection === undefined ? `collections of ${ref.envKey}` : `documents of ${ref.collection} in ${ref.envKey}`;
        this.log.error(`Loading ${where} failed: ${messageOf(child.error)}`);
      }
    }
    return children;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function listKey(ref: ListRef): string {
  return ref.functions ? JSON.stringify([ref.envKey, null, true]) : JSON.stringify([ref.envKey, ref.collection ?? null]);
}
