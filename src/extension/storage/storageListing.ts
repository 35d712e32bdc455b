/**
 * The Storage area's folders, each a cursor-paged list of its direct children, kept per
 * environment and folder so "Load more…" appends to the right one. No vscode import: the paging
 * rules are unit-tested in plain Node with the fake backend.
 */
import type { StorageApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import type { StorageEntry } from '../../shared/model';
import type { EnvironmentRegistry } from '../environments/registry';
import type { ListChild } from '../explorer/pagedList';
import { PagedList } from '../explorer/pagedList';

export interface StorageListingOptions {
  pageSize: () => number;
}

const key = (envKey: string, prefix: string): string => JSON.stringify([envKey, prefix]);

export class StorageListing {
  private readonly lists = new Map<string, PagedList<StorageEntry>>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly registry: Pick<EnvironmentRegistry, 'get' | 'backend' | 'onDidChange'>,
    private readonly options: StorageListingOptions,
  ) {
    // A stopped or removed environment's pages point at a backend that is gone.
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'removed' || (change.kind === 'state' && change.state !== 'running' && change.state !== 'starting')) this.invalidate(change.key);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const list of this.lists.values()) list.reset();
    this.lists.clear();
  }

  async children(envKey: string, prefix: string): Promise<ListChild<StorageEntry>[]> {
    const list = this.list(envKey, prefix);
    await list.ensureLoaded();
    return list.children();
  }

  loadMore(envKey: string, prefix: string): Promise<void> {
    return this.list(envKey, prefix).loadMore();
  }

  retry(envKey: string, prefix: string): Promise<void> {
    return this.list(envKey, prefix).retry();
  }

  /** Forgets a folder's pages and those of every folder under it (all of an environment without a prefix, everything without an environment). */
  invalidate(envKey?: string, prefix?: string): void {
    for (const [k, list] of this.lists) {
      const [env, folder] = JSON.parse(k) as [string, string];
      if ((envKey !== undefined && env !== envKey) || (prefix !== undefined && !folder.startsWith(prefix))) continue;
      list.reset();
      this.lists.delete(k);
    }
  }

  /** The environment's storage; stopped environments are not started again by a listing. */
  async storage(envKey: string): Promise<StorageApi> {
    const entry = this.registry.get(envKey);
    if (entry && (entry.state === 'stopping' || entry.state === 'stopped')) {
      throw new StudioError('EnvironmentNotFound', `The local environment ${entry.info.label} is stopped.`);
    }
    const backend = await this.registry.backend(envKey);
    if (!backend.storage) throw new StudioError('NotSupported', `Storage is not available for ${backend.environment.label}.`);
    return backend.storage;
  }

  private list(envKey: string, prefix: string): PagedList<StorageEntry> {
    const k = key(envKey, prefix);
    let list = this.lists.get(k);
    if (!list) {
      list = new PagedList<StorageEntry>(async (page, signal) => (await this.storage(envKey)).list(prefix, page, signal), this.options.pageSize);
      this.lists.set(k, list);
    }
    return list;
  }
}
