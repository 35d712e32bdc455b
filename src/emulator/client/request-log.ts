/**
 * The local environment's record of client requests: one entry per request with the decision,
 * the rule that made it and, for a denial, why. Bounded (oldest first out) and pushed to
 * subscribers as entries arrive, like the function log.
 */
export interface ClientRequestEntry {
  /** Milliseconds since the epoch. */
  time: number;
  requestId: string;
  /** `auth.signin.anonymously`, `database.get`, `functions.call`, `storage.upload`, … */
  operation: string;
  collection?: string;
  /** The function called (`functions.call`) or the file's path (`storage.*`). */
  target?: string;
  /** The signed-in user's uid; undefined for a request without a user. */
  uid?: string;
  decision: 'allowed' | 'denied' | 'refused' | 'failed';
  /** The rule that decided, e.g. `PRIVATE (read: doc._openid == auth.openid)`. */
  rule?: string;
  /** The conditions that failed or could not be decided. */
  failed?: string[];
  /** A form of the query that the rule would allow. */
  rewrite?: string;
  /** One English line saying all of the above. */
  message: string;
}

export type ClientRequestListener = (entry: ClientRequestEntry) => void;

export class ClientRequestLog {
  private entries: ClientRequestEntry[] = [];
  private readonly listeners = new Set<ClientRequestListener>();

  constructor(readonly capacity = 5_000) {}

  append(entry: ClientRequestEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity * 1.25) this.entries = this.entries.slice(-this.capacity);
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // One failing subscriber must not hide the entry from the others.
      }
    }
  }

  subscribe(listener: ClientRequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): ClientRequestEntry[] {
    return this.entries.slice(-this.capacity);
  }
}
