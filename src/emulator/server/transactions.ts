/**
 * Transactions of one local environment, as the SDKs' `db.startTransaction()` and
 * `db.runTransaction(fn)` use them. A transaction reads committed documents and its own writes;
 * its writes wait in the transaction until commit, which hands them to the engine's writeBatch
 * with every document the transaction read or wrote as a precondition (`expect`). So a committed
 * transaction saw one consistent state and none of its writes is lost, an aborted one leaves
 * nothing, and the loser of a race gets DATABASE_TRANSACTION_CONFLICT, on which the SDKs'
 * runTransaction tries again.
 * Conflicts are found early too: writing a document another open transaction has written, or one
 * that changed since this transaction read it, conflicts at once, as in the cloud (MongoDB's WriteConflict).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { StudioError, isStudioError } from '../../shared/errors';
import type { BatchWrite, Database, StoredDocument } from '../database/api';
import { IdGenerator } from '../database/ids';
import { compileFilter } from '../database/query';
import { applyUpdate, parseUpdate } from '../database/update';
import { normalizeDocument } from '../database/values';

/** Open transactions that are neither committed nor aborted are dropped after this long, like the cloud's. */
export const TRANSACTION_LIFETIME_MS = 60_000;

interface Touched {
  collection: string;
  id: string;
  /** The committed document when the transaction first met it (null: absent). */
  snapshot: StoredDocument | null;
  /** The document as the transaction sees it now. */
  current: StoredDocument | null;
  written: boolean;
}

interface OpenTransaction {
  id: string;
  expiresAt: number;
  docs: Map<string, Touched>;
}

const keyOf = (collection: string, id: string): string => `${collection}\u0000${id}`;

function conflict(message: string): StudioError {
  return new StudioError('TransactionConflict', message);
}

export class Transactions {
  private readonly open = new Map<string, OpenTransaction>();
  /** Documents with a write waiting in some transaction, by key: that transaction's id. */
  private readonly claims = new Map<string, string>();
  private readonly ids = new IdGenerator();

  constructor(
    private readonly db: Database,
    private readonly lifetimeMs = TRANSACTION_LIFETIME_MS,
    private readonly now: () => number = Date.now,
  ) {}

  start(): string {
    this.sweep();
    const id = randomUUID();
    this.open.set(id, { id, expiresAt: this.now() + this.lifetimeMs, docs: new Map() });
    return id;
  }

  /** Open transactions (for tests and diagnostics). */
  get size(): number {
    this.sweep();
    return this.open.size;
  }

  read(txId: unknown, collection: string, id: string): StoredDocument | null {
    return this.touch(this.take(txId), collection, id).current;
  }

  /** A query inside a transaction: committed matches with the transaction's own writes laid over them. */
  query(txId: unknown, collection: string, filter: Record<string, unknown>): StoredDocument[] {
    const tx = this.take(txId);
    const compiled = compileFilter(filter);
    const out = new Map<string, StoredDocument>();
    for (const doc of this.db.collection(collection).find(filter, { limit: Number.MAX_SAFE_INTEGER }).documents) {
      const seen = this.touch(tx, collection, doc._id).current;
      if (seen && compiled.test(seen)) out.set(doc._id, seen);
    }
    for (const t of tx.docs.values()) {
      if (t.collection === collection && t.current && compiled.test(t.current)) out.set(t.id, t.current);
      if (t.collection === collection && !t.current) out.delete(t.id);
    }
    return [...out.values()];
  }

  insert(txId: unknown, collection: string, document: Record<string, unknown>): string {
    const tx = this.take(txId);
    this.db.collection(collection);
    const doc = normalizeDocument(document) as StoredDocument;
    if (doc._id === undefined) doc._id = this.ids.next();
    const touched = this.touch(tx, collection, doc._id);
    if (touched.current) throw new StudioError('DuplicateKey', `A document with _id "${doc._id}" already exists in "${collection}".`);
    this.write(tx, touched, { ...doc, _id: doc._id });
    return doc._id;
  }

  /** Updates (operators) or replaces (`replace`) one document by id; upsert creates it. */
  update(txId: unknown, collection: string, id: string, update: Record<string, unknown>, upsert: boolean): { updated: number; upsertedId?: string } {
    const tx = this.take(txId);
    const parsed = parseUpdate(update);
    const touched = this.touch(tx, collection, id);
    if (!touched.current) {
      if (!upsert) return { updated: 0 };
      const created = applyUpdate({ _id: id }, parsed, { _id: id }, true) ?? { _id: id };
      this.write(tx, touched, created as StoredDocument);
      return { updated: 0, upsertedId: id };
    }
    const next = applyUpdate(touched.current, parsed, { _id: id }) as StoredDocument | undefined;
    if (next) this.write(tx, touched, next);
    else this.claim(tx, touched);
    return { updated: 1 };
  }

  remove(txId: unknown, collection: string, id: string): number {
    const tx = this.take(txId);
    const touched = this.touch(tx, collection, id);
    if (!touched.current) return 0;
    this.write(tx, touched, null);
    return 1;
  }

  /** All the transaction's writes, or none of them (TransactionConflict when another writer got there first). */
  async commit(txId: unknown): Promise<void> {
    const tx = this.take(txId);
    this.close(tx);
    const writes: BatchWrite[] = [];
    for (const t of tx.docs.values()) writes.push({ collection: t.collection, op: 'expect', id: t.id, document: t.snapshot });
    for (const t of tx.docs.values()) {
      if (!t.written || isDeepStrictEqual(t.snapshot, t.current)) continue;
      if (!t.current) writes.push({ collection: t.collection, op: 'remove', filter: { _id: t.id }, options: { multi: false } });
      else if (!t.snapshot) writes.push({ collection: t.collection, op: 'insert', documents: [t.current] });
      else {
        const { _id, ...replacement } = t.current;
        writes.push({ collection: t.collection, op: 'update', filter: { _id }, update: replacement, options: { multi: false } });
      }
    }
    await this.db.writeBatch(writes);
  }

  abort(txId: unknown): void {
    this.close(this.take(txId));
  }

  private take(txId: unknown): OpenTransaction {
    this.sweep();
    const tx = typeof txId === 'string' ? this.open.get(txId) : undefined;
    // An unknown or expired transaction is MongoDB's NoSuchTransaction, which is retried like a conflict.
    if (!tx) throw conflict(`The transaction ${JSON.stringify(txId)} is not open: it was committed, aborted or ran longer than ${this.lifetimeMs / 1000} s.`);
    return tx;
  }

  private touch(tx: OpenTransaction, collection: string, id: string): Touched {
    const key = keyOf(collection, id);
    let touched = tx.docs.get(key);
    if (!touched) {
      const committed = this.committed(collection, id);
      touched = { collection, id, snapshot: committed, current: committed, written: false };
      tx.docs.set(key, touched);
    }
    return touched;
  }

  private committed(collection: string, id: string): StoredDocument | null {
    return this.db.collection(collection).find({ _id: id }, { limit: 1 }).documents[0] ?? null;
  }

  private claim(tx: OpenTransaction, touched: Touched): void {
    const key = keyOf(touched.collection, touched.id);
    const holder = this.claims.get(key);
    if (holder !== undefined && holder !== tx.id) throw conflict(`The document "${touched.id}" in "${touched.collection}" is being written by another transaction.`);
    if (!isDeepStrictEqual(this.committed(touched.collection, touched.id), touched.snapshot)) {
      throw conflict(`The document "${touched.id}" in "${touched.collection}" changed since this transaction read it.`);
    }
    this.claims.set(key, tx.id);
  }

  private write(tx: OpenTransaction, touched: Touched, next: StoredDocument | null): void {
    this.claim(tx, touched);
    touched.current = next;
    touched.written = true;
  }

  private close(tx: OpenTransaction): void {
    this.open.delete(tx.id);
    for (const t of tx.docs.values()) {
      const key = keyOf(t.collection, t.id);
      if (this.claims.get(key) === tx.id) this.claims.delete(key);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const tx of this.open.values()) if (tx.expiresAt <= now) this.close(tx);
  }
}

export const isTransactionConflict = (e: unknown): boolean => isStudioError(e, 'TransactionConflict');
