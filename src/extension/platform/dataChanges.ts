/**
 * The one place that hears "the data changed": whoever wrote (a command, an editor's save, the
 * collection grid, a function or script seen on a local environment's write events) says what
 * changed, and everything that shows data (the explorer, open collection panels, open document
 * editors) follows by subscribing. Writers never look up tree nodes or panels themselves.
 * No vscode import.
 */
import { messageOf } from '../../shared/errors';
import type { Logger } from './logger';
import { silentLogger } from './logger';

/**
 * `functions` includes their timer triggers; `httpAccess`: the HTTP access routes;
 * `users`: the simulated WeChat users of a local environment, or who functions run as;
 * `payments`: its simulated WeChat Pay orders;
 * `snapshots`: a local environment's list of saved snapshots.
 */
export type DataArea = 'database' | 'storage' | 'functions' | 'httpAccess' | 'users' | 'payments' | 'snapshots';

export interface DataChange {
  envKey: string;
  area: DataArea;
  /** The collection whose documents, indexes or permission changed; none: the collection list itself. */
  collection?: string;
  /** One document of `collection` changed. */
  documentId?: string;
  /** The document is gone: loaded pages drop it instead of reloading. */
  deleted?: boolean;
  /** The storage folder whose entries changed (`` the root); none: the whole bucket. */
  prefix?: string;
  /** Who raised it: a subscriber that already shows the change (it made it) skips it. */
  origin?: object;
}

export interface Subscription {
  dispose(): void;
}

export class DataChanges {
  private readonly listeners = new Set<(change: DataChange) => void>();

  constructor(private readonly log: Logger = silentLogger) {}

  changed(change: DataChange): void {
    for (const listener of [...this.listeners]) {
      // One subscriber failing must not keep the others stale.
      try {
        listener(change);
      } catch (e) {
        this.log.error(`A subscriber to data changes failed: ${messageOf(e)}`);
      }
    }
  }

  onDidChange(listener: (change: DataChange) => void): Subscription {
    // Wrapped, so the same function subscribed twice is two subscriptions.
    const entry = (change: DataChange): void => listener(change);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Whether a change touches a document: the environment's database, its collection, that document. */
export function touchesDocument(change: DataChange, address: { envKey: string; collection: string; id: string }): boolean {
  if (change.area !== 'database' || change.envKey !== address.envKey) return false;
  if (change.collection === undefined) return false;
  if (change.collection !== address.collection) return false;
  return change.documentId === undefined || change.documentId === address.id;
}
