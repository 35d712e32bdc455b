/**
 * The tree, open grids and editors follow every write to a local environment's database, whoever
 * made it (a function, an SDK script in a terminal, another window): the environment's process
 * announces writes on its event stream, and they are raised as data changes, a few writes at a time.
 * A write this window made was already announced by whoever made it, so its echo is not raised again.
 * No vscode import.
 */
import type { CloudBackend } from '../../cloud/backend';
import type { EnvironmentRegistry } from '../environments/registry';
import type { DataChanges } from '../platform/dataChanges';

/** Writes closer together than this redraw once. */
const COALESCE_MS = 300;
/**
 * A write event this close to a change this window raised for the same collection is taken for
 * its echo (the process announces a write about when the call that made it returns). Each change
 * absorbs one write event only, so another writer's write right after ours is still raised.
 */
const ECHO_MS = 250;

interface WriteSource {
  onDatabaseWrite(listener: (event: { collection?: string }) => void): { dispose(): void };
}

function announcesWrites(backend: CloudBackend): backend is CloudBackend & WriteSource {
  return typeof (backend as Partial<WriteSource>).onDatabaseWrite === 'function';
}

export class DatabaseWriteFollower {
  private readonly watched = new Map<string, { backend: CloudBackend; subscription: { dispose(): void } }>();
  /** Per environment and collection (undefined: the collection list): when each unraised write was heard. */
  private readonly pending = new Map<string, Map<string | undefined, number[]>>();
  /** When this window raised changes not yet matched with their echo, per environment and collection. */
  private readonly announced = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly changes: DataChanges,
    private readonly now: () => number = Date.now,
  ) {
    this.subscriptions = [
      registry.onDidChange((change) => {
        if (change.kind === 'state') void this.follow(change.key);
        if (change.kind === 'removed') this.unfollow(change.key);
      }),
      changes.onDidChange((change) => {
        if (change.origin === this || change.area !== 'database') return;
        this.announce(echoKey(change.envKey, change.collection));
        // Creating or deleting a collection is announced by its process as a change of the list.
        if (change.collection !== undefined) this.announce(echoKey(change.envKey, undefined));
      }),
    ];
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

  /** Exposed for the unit test, which has no environment process. */
  noted(key: string, collection: string | undefined): void {
    let collections = this.pending.get(key);
    if (!collections) this.pending.set(key, (collections = new Map()));
    collections.set(collection, [...(collections.get(collection) ?? []), this.now()]);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  /** Exposed for the unit test. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [envKey, collections] of this.pending) {
      for (const [collection, heard] of collections) {
        const unannounced = heard.filter((at) => !this.absorbed(echoKey(envKey, collection), at));
        if (unannounced.length > 0) this.changes.changed({ envKey, area: 'database', collection, origin: this });
      }
    }
    this.pending.clear();
  }

  private announce(key: string): void {
    const now = this.now();
    // Changes whose echo never came (a write that failed, a command that wrote nothing) expire.
    const recent = (this.announced.get(key) ?? []).filter((at) => now - at <= COALESCE_MS + ECHO_MS);
    this.announced.set(key, [...recent, now]);
  }

  /** Whether a write heard at `at` is the echo of a change this window raised; that change is then used up. */
  private absorbed(key: string, at: number): boolean {
    const times = this.announced.get(key) ?? [];
    const match = times.findIndex((announced) => Math.abs(at - announced) <= ECHO_MS);
    if (match < 0) return false;
    times.splice(match, 1);
    return true;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    for (const key of [...this.watched.keys()]) this.unfollow(key);
  }
}

function echoKey(envKey: string, collection: string | undefined): string {
  return JSON.stringify([envKey, collection ?? null]);
}
