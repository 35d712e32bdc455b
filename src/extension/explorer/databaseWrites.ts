/**
 * Tree counts follow every write to a local environment's database, whoever made it (a
 * function, an SDK script in a terminal, another window): the environment's process announces
 * writes on its event stream, and the Database area of that environment is reloaded, a few
 * writes at a time.
 */
import type { CloudBackend } from '../../cloud/backend';
import type { EnvironmentRegistry } from '../environments/registry';
import type { ExplorerModel } from './explorerModel';
import type { ExplorerTreeProvider } from './treeProvider';

/** Writes closer together than this redraw once. */
const COALESCE_MS = 300;

interface WriteSource {
  onDatabaseWrite(listener: (event: { collection?: string }) => void): { dispose(): void };
}

function announcesWrites(backend: CloudBackend): backend is CloudBackend & WriteSource {
  return typeof (backend as Partial<WriteSource>).onDatabaseWrite === 'function';
}

export class DatabaseWriteFollower {
  private readonly watched = new Map<string, { backend: CloudBackend; subscription: { dispose(): void } }>();
  private readonly pending = new Map<string, Set<string | undefined>>();
  private timer?: NodeJS.Timeout;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly model: ExplorerModel,
    private readonly tree: ExplorerTreeProvider,
  ) {
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'state') void this.follow(change.key);
      if (change.kind === 'removed') this.unfollow(change.key);
    });
    for (const entry of registry.list()) void this.follow(entry.key);
  }

  private async follow(key: string): Promise<void> {
    const entry = this.registry.get(key);
    if (!entry || entry.info.kind !== 'local' || entry.state !== 'running') {
      this.unfollow(key);
      return;
    }
    const backend = await this.registry.backend(key).catch(() => undefined);
    if (!backend || !announcesWrites(backend) || this.watched.get(key)?.backend === backend) return;
    this.unfollow(key);
    const subscription = backend.onDatabaseWrite((event) => this.noted(key, event.collection));
    this.watched.set(key, { backend, subscription });
  }

  private unfollow(key: string): void {
    this.watched.get(key)?.subscription.dispose();
    this.watched.delete(key);
  }

  private noted(key: string, collection: string | undefined): void {
    let set = this.pending.get(key);
    if (!set) this.pending.set(key, (set = new Set()));
    set.add(collection);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    for (const [key, collections] of this.pending) {
      this.model.invalidateCollections(key);
      for (const collection of collections) if (collection !== undefined) this.model.invalidate(key, collection);
      const database = this.tree.environmentNode(key)?.database;
      if (database) this.tree.refresh(database);
    }
    this.pending.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    for (const key of [...this.watched.keys()]) this.unfollow(key);
  }
}
