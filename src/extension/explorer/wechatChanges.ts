/**
 * The Users nodes follow a local environment's simulated users and inboxes, whoever changed them
 * (a function that sent a message, a timer, another window's switch): the environment's process
 * announces each change on its event stream, and they are raised as `users` data changes, a few
 * at a time. No vscode import.
 */
import type { WeChatApi } from '../../cloud/backend';
import type { EnvironmentRegistry } from '../environments/registry';
import type { DataChanges } from '../platform/dataChanges';

/** Changes closer together than this redraw once. */
const COALESCE_MS = 300;

export class WeChatChangeFollower {
  private readonly watched = new Map<string, { wechat: WeChatApi; subscription: { dispose(): void } }>();
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly changes: DataChanges,
  ) {
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'state') void this.follow(change.key);
      if (change.kind === 'removed') this.unfollow(change.key);
    });
    for (const entry of registry.list()) void this.follow(entry.key);
  }

  private async follow(key: string): Promise<void> {
    const entry = this.registry.get(key);
    if (!entry || entry.state !== 'running') {
      this.unfollow(key);
      return;
    }
    const wechat = (await this.registry.backend(key).catch(() => undefined))?.wechat;
    if (!wechat?.onChange || this.watched.get(key)?.wechat === wechat) return;
    this.unfollow(key);
    this.watched.set(key, { wechat, subscription: wechat.onChange(() => this.noted(key)) });
  }

  private unfollow(key: string): void {
    this.watched.get(key)?.subscription.dispose();
    this.watched.delete(key);
  }

  private noted(key: string): void {
    this.pending.add(key);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    for (const envKey of this.pending) this.changes.changed({ envKey, area: 'users', origin: this });
    this.pending.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    for (const key of [...this.watched.keys()]) this.unfollow(key);
  }
}
