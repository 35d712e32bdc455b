/**
 * Several writes to several collections as one: all of them or none. Preconditions (`expect`) and
 * collections are checked first; then every write starts in the same turn of the event loop, so
 * each one's in-memory change lands before any other request runs (the engine applies a write
 * before it waits for the disk); a write that fails has its finished siblings undone. Best effort:
 * a crash between the journal appends of two collections can keep some of them.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UpdateResult } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Collection, Database, StoredDocument, UpdateOptions } from './api';

export type BatchWrite =
  | { collection: string; op: 'insert'; documents: Record<string, unknown>[] }
  | { collection: string; op: 'update'; filter: Record<string, unknown>; update: Record<string, unknown>; options: UpdateOptions }
  | { collection: string; op: 'remove'; filter: Record<string, unknown>; options: { multi: boolean } }
  /** Precondition: fails the whole batch with StudioError 'TransactionConflict' when the stored document differs (deep-equal) / exists or not. */
  | { collection: string; op: 'expect'; id: string; document: StoredDocument | null };

export interface BatchResult {
  results: Array<string[] | UpdateResult | number | null>;
}

/** What puts one write's documents back: the documents it replaced or removed, and the ids it created. */
interface Undo {
  collection: Collection;
  before: StoredDocument[];
  created: () => string[];
}

function stored(collection: Collection, id: string): StoredDocument | null {
  return collection.find({ _id: id }, { limit: 1 }).documents[0] ?? null;
}

function checkExpectations(db: Database, writes: BatchWrite[]): void {
  for (const w of writes) {
    const collection = db.collection(w.collection);
    if (w.op !== 'expect') continue;
    if (!isDeepStrictEqual(stored(collection, w.id), w.document)) {
      throw new StudioError('TransactionConflict', `The document "${w.id}" in "${w.collection}" changed since it was read.`);
    }
  }
}

async function undo(undos: Undo[]): Promise<void> {
  for (const u of undos.reverse()) {
    const created = u.created();
    if (created.length > 0) await u.collection.remove({ _id: { $in: created } }, { multi: true });
    for (const doc of u.before) {
      const { _id, ...rest } = doc;
      if (stored(u.collection, _id)) await u.collection.update({ _id }, rest, { multi: false });
      else await u.collection.insertMany([doc]);
    }
  }
}

export async function writeBatch(db: Database, writes: BatchWrite[]): Promise<BatchResult> {
  checkExpectations(db, writes);
  const undos: (Undo | undefined)[] = [];
  const pending: Promise<string[] | UpdateResult | number | null>[] = [];
  // One synchronous pass: nothing else runs between the checks above and these writes' changes.
  for (const w of writes) {
    const collection = db.collection(w.collection);
    if (w.op === 'expect') {
      pending.push(Promise.resolve(null));
      undos.push(undefined);
    } else if (w.op === 'insert') {
      let ids: string[] = [];
      const p = collection.insertMany(w.documents).then((r) => (ids = r));
      undos.push({ collection, before: [], created: () => ids });
      pending.push(p);
    } else if (w.op === 'update') {
      const before = collection.find(w.filter, { limit: w.options.multi ? undefined : 1 }).documents;
      let upserted: string[] = [];
      const p = collection.update(w.filter, w.update, w.options).then((r) => {
        if (r.upsertedId) upserted = [r.upsertedId];
        return r;
      });
      undos.push({ collection, before, created: () => upserted });
      pending.push(p);
    } else {
      const before = collection.find(w.filter, { limit: w.options.multi ? undefined : 1 }).documents;
      undos.push({ collection, before, created: () => [] });
      pending.push(collection.remove(w.filter, w.options));
    }
  }
  const settled = await Promise.allSettled(pending);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failure) return { results: settled.map((s) => (s as PromiseFulfilledResult<string[] | UpdateResult | number | null>).value) };
  // Only the writes that went through have anything to put back.
  await undo(undos.filter((u, i): u is Undo => u !== undefined && settled[i].status === 'fulfilled'));
  throw failure.reason;
}
