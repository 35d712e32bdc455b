/**
 * What each level of the explorer holds, independent of how VS Code draws it: environments,
 * their areas, cursor-paged collections, documents, functions and storage folders, and the
 * error, empty and placeholder states. Every paged level is one PagedList kept here, so paging,
 * logging of failures and cache resets follow one set of rules. Nodes map these children to tree items; commands call loadMore/retry/invalidate.
 * No vscode import, so the paging and state rules are unit-tested in plain Node.
 */
import type { CloudBackend } from '../../cloud/backend';
import { StudioError, messageOf } from '../../shared/errors';
import type { StorageApi, WeChatApi } from '../../cloud/backend';
import type { CollectionInfo, DocumentJson, FunctionInfo, StorageEntry } from '../../shared/model';
import { functionCapabilities, type FunctionCapability } from '../environments/capabilities';
import type { EnvironmentEntry, EnvironmentRegistry, EnvironmentState } from '../environments/registry';
import { projectsHoldingFunction } from '../functions/functionSources';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import type { ListChild, PageFetcher } from './pagedList';
import { PagedList } from './pagedList';

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

/**
 * Which paged list: an environment's collections, one collection's documents, the environment's
 * functions, or one storage folder's direct children (`storage` is the folder's prefix, `` the root).
 */
export type ListRef =
  | { envKey: string; collection?: string; functions?: undefined; storage?: undefined }
  | { envKey: string; functions: true; collection?: undefined; storage?: undefined }
  | { envKey: string; storage: string; collection?: undefined; functions?: undefined };

type AnyList = PagedList<CollectionInfo> | PagedList<DocumentJson> | PagedList<FunctionInfo> | PagedList<StorageEntry>;

export interface ExplorerModelOptions {
  pageSize: () => number;
  log?: Logger;
}

const AREAS: Area[] = ['database', 'storage', 'functions'];
/** States whose backend is gone: idle is where a Tencent environment goes when it is stopped (sign-out). */
const GONE = new Set<EnvironmentState>(['idle', 'stopping', 'stopped', 'failed']);

export class ExplorerModel {
  private readonly lists = new Map<string, { ref: ListRef; list: AnyList }>();
  private readonly log: Logger;
  private readonly reported = new WeakSet<object>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly options: ExplorerModelOptions,
  ) {
    this.log = options.log ?? silentLogger;
    // A stopped or removed environment's pages point at a backend that is gone.
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'removed' || (change.kind === 'state' && GONE.has(change.state))) this.invalidate(change.key);
      // Failures from while it was down say nothing about the environment that now runs.
      if (change.kind === 'state' && change.state === 'running') this.drop((ref, list) => ref.envKey === change.key && list.failed);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { list } of this.lists.values()) list.reset();
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
   * What a listed function offers, from its environment's kind and whether its code is in this
   * workspace (a local function's own folder; for a cloud function, a project's folder of that
   * name). Read from the registry and the disk, without asking (or starting) the backend.
   */
  functionCapabilities(envKey: string, info: FunctionInfo): FunctionCapability[] {
    const entry = this.registry.get(envKey);
    if (!entry) return [];
    const workspaceSource = entry.info.kind === 'local' ? entry.project !== undefined : projectsHoldingFunction(this.registry.list(), info.name).length > 0;
    return functionCapabilities(entry.info.kind, { workspaceSource, dependenciesMissing: info.status === 'DependenciesMissing' });
  }

  /** Just the function list of an environment (a function was added, removed or edited). */
  invalidateFunctions(envKey: string): void {
    this.forget({ envKey, functions: true });
  }

  /** A storage folder's direct children: folders first, then files. */
  async storageEntries(envKey: string, prefix: string): Promise<ListChild<StorageEntry>[]> {
    const ref: ListRef = { envKey, storage: prefix };
    const list = this.storageList(envKey, prefix);
    await list.ensureLoaded();
    return this.logged(list.children(), ref);
  }

  /**
   * Forgets a storage folder's pages and those of every folder under it (the whole bucket
   * without a prefix, every environment's without an environment).
   */
  invalidateStorage(envKey?: string, prefix?: string): void {
    this.drop((ref) => ref.storage !== undefined && (envKey === undefined || ref.envKey === envKey) && (prefix === undefined || ref.storage.startsWith(prefix)));
  }

  /** The environment's storage; a stopped environment is not started again by asking. */
  async storageOf(envKey: string): Promise<StorageApi> {
    const backend = await this.backend(envKey);
    if (!backend.storage) throw new StudioError('NotSupported', `Storage is not available for ${backend.environment.label}.`);
    return backend.storage;
  }

  /** The environment's simulated WeChat users (local environments); read at each expand, never cached. */
  async wechatOf(envKey: string): Promise<WeChatApi> {
    const backend = await this.backend(envKey);
    if (!backend.wechat) throw new StudioError('NotSupported', `Simulated WeChat users are not available for ${backend.environment.label}.`);
    return backend.wechat;
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
   * Forgets loaded pages: of one collection's documents, of an environment's collections, every
   * collection under it, its functions and its storage (no collection given), or of everything
   * (no environment given).
   */
  invalidate(envKey?: string, collection?: string): void {
    this.drop((ref) => (envKey === undefined || ref.envKey === envKey) && (collection === undefined || ref.collection === collection));
  }

  /** Just the collection list (counts changed) of an environment. */
  invalidateCollections(envKey: string): void {
    this.forget({ envKey });
  }

  /** A deleted document leaves the loaded pages without reloading them. */
  forgetDocument(envKey: string, collection: string, id: string): void {
    const list = this.lists.get(listKey({ envKey, collection }))?.list as PagedList<DocumentJson> | undefined;
    list?.removeWhere((d) => d._id === id);
  }

  private forget(ref: ListRef): void {
    const key = listKey(ref);
    this.lists.get(key)?.list.reset();
    this.lists.delete(key);
  }

  private drop(which: (ref: ListRef, list: { failed: boolean }) => boolean): void {
    for (const [key, { ref, list }] of this.lists) {
      if (!which(ref, list)) continue;
      list.reset();
      this.lists.delete(key);
    }
  }

  private listFor(ref: ListRef): AnyList {
    if (ref.functions) return this.functionList(ref.envKey);
    if (ref.storage !== undefined) return this.storageList(ref.envKey, ref.storage);
    return ref.collection === undefined ? this.collectionList(ref.envKey) : this.documentList(ref.envKey, ref.collection);
  }

  /** The list a ref names, made on first use with the fetcher that loads its pages. */
  private listOf<T>(ref: ListRef, fetch: PageFetcher<T>): PagedList<T> {
    const key = listKey(ref);
    const known = this.lists.get(key);
    if (known) return known.list as unknown as PagedList<T>;
    const list = new PagedList<T>(fetch, this.pageSize);
    this.lists.set(key, { ref, list: list as unknown as AnyList });
    return list;
  }

  private functionList(envKey: string): PagedList<FunctionInfo> {
    return this.listOf<FunctionInfo>({ envKey, functions: true }, async (page, signal) => {
      const functions = (await this.backend(envKey)).functions;
      if (!functions) throw new StudioError('NotSupported', 'This environment does not offer cloud functions.');
      return functions.listFunctions(page, signal);
    });
  }

  private collectionList(envKey: string): PagedList<CollectionInfo> {
    return this.listOf<CollectionInfo>({ envKey }, async (page, signal) => (await this.backend(envKey)).database.listCollections(page, signal));
  }

  private documentList(envKey: string, collection: string): PagedList<DocumentJson> {
    return this.listOf<DocumentJson>({ envKey, collection }, async (page, signal) => (await this.backend(envKey)).database.queryDocuments(collection, {}, page, signal));
  }

  private storageList(envKey: string, prefix: string): PagedList<StorageEntry> {
    return this.listOf<StorageEntry>({ envKey, storage: prefix }, async (page, signal) => (await this.storageOf(envKey)).list(prefix, page, signal));
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
        this.log.error(`Loading ${describe(ref)} failed: ${messageOf(child.error)}`);
      }
    }
    return children;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function listKey(ref: ListRef): string {
  if (ref.functions) return JSON.stringify([ref.envKey, 'functions']);
  if (ref.storage !== undefined) return JSON.stringify([ref.envKey, 'storage', ref.storage]);
  return ref.collection === undefined ? JSON.stringify([ref.envKey, 'collections']) : JSON.stringify([ref.envKey, 'documents', ref.collection]);
}

function describe(ref: ListRef): string {
  if (ref.functions) return `functions of ${ref.envKey}`;
  if (ref.storage !== undefined) return `storage folder /${ref.storage} of ${ref.envKey}`;
  return ref.collection === undefined ? `collections of ${ref.envKey}` : `documents of ${ref.collection} in ${ref.envKey}`;
}
