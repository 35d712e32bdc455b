/**
 * Follows the function folders of every running environment (the backend's `functions.watch`) and
 * reports each change with the environment's key, so the tree redraws that environment's
 * Functions node without a reload. Watches start when an environment runs and end when it stops
 * or goes away. No vscode import: unit tests drive it with a fake registry.
 */
import type { FunctionsChange } from '../../cloud/backend';
import { messageOf } from '../../shared/errors';
import type { EnvironmentRegistry } from '../environments/registry';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';

export class FunctionsWatcher {
  private readonly watches = new Map<string, { dispose(): void }>();
  /** Keys whose watch is being set up, so a stop in the meantime is not missed. */
  private readonly generation = new Map<string, number>();
  private readonly subscription: { dispose(): void };
  private disposed = false;

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly onChange: (envKey: string, change: FunctionsChange) => void,
    private readonly log: Logger = silentLogger,
  ) {
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'state' && change.state === 'running') void this.follow(change.key);
      else if (change.kind === 'removed' || change.kind === 'state') this.unfollow(change.key);
    });
    for (const entry of registry.list()) if (entry.state === 'running') void this.follow(entry.key);
  }

  /** Environment keys being watched (for tests and diagnostics). */
  get watched(): string[] {
    return [...this.watches.keys()];
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    for (const key of [...this.watches.keys()]) this.unfollow(key);
  }

  private async follow(key: string): Promise<void> {
    this.unfollow(key);
    const generation = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, generation);
    try {
      // Asking for the backend of an environment that is stopping would start it again.
      if (this.registry.get(key)?.state !== 'running') return;
      const functions = (await this.registry.backend(key)).functions;
      if (!functions?.watch || this.disposed || this.generation.get(key) !== generation) return;
      this.watches.set(
        key,
        functions.watch((change) => {
          try {
            this.onChange(key, change);
          } catch (e) {
            this.log.error(`Showing changed functions failed: ${messageOf(e)}`);
          }
        }),
      );
    } catch (e) {
      this.log.warn(`Cannot follow the functions of ${key}: ${messageOf(e)}`);
    }
  }

  private unfollow(key: string): void {
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
    this.watches.get(key)?.dispose();
    this.watches.delete(key);
  }
}
