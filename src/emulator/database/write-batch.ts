/**
 * Several writes to several collections as one store transaction: all of them or none, across a
 * crash too. Preconditions (`expect`) are checked inside the transaction, so nothing can change
 * between the check and the writes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UpdateResult } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { StoredDocument, UpdateOptions } from './api';
import type { LocalCollection } from './collection';
import type { Store } from './store';

export type BatchWrite =
  | { collection: string; op: 'insert'; documents: Record<string, unknown>[] }
  | { collection: string; op: 'update'; filter: Record<string, unknown>; update: Record<string, unknown>; options: UpdateOptions }
  | { collection: string; op: 'remove'; filter: Record<string, unknown>; options: { multi: boolean } }
  /** Precondition: fails the whole batch with StudioError 'TransactionConflict' when the stored document differs (deep-equal) / exists or not. */
  | { collection: string; op: 'expect'; id: string; document: StoredDocument | null };

export interface BatchResult {
  results: Array<string[] | UpdateResult | number | null>;
}

export async function runBatch(store: Store, collection: (name: string) => LocalCollection, writes: BatchWrite[]): Promise<BatchResult> {
  // Arguments are checked (and new ids made) before the transaction; bad ones change nothing.
  const steps = writes.map((w): (() => string[] | UpdateResult | number | null) => {
    const c = collection(w.collection);
    switch (w.op) {
      case 'expect':
        return () => {
          if (!isDeepStrictEqual(c.stored(w.id), w.document)) {
            throw new StudioError('TransactionConflict', `The document "${w.id}" in "${w.collection}" changed since it was read.`);
          }
          return null;
        };
      case 'insert': {
        const docs = c.prepareInsert(w.documents);
        return () => c.insertNow(docs);
      }
      case 'update': {
        const { compiled, parsed } = c.prepareUpdate(w.filter, w.update, w.options);
        return () => c.updateNow(compiled, parsed, w.options);
      }
      default: {
        const compiled = c.prepareRemove(w.filter, w.options);
        return () => c.removeNow(compiled, w.options);
      }
    }
  });
  // Preconditions first, as before: a conflict fails the batch before any write runs.
  const order = [...steps.keys()].sort((a, b) => Number(writes[b].op === 'expect') - Number(writes[a].op === 'expect'));
  return store.write(() => {
    const results: (string[] | UpdateResult | number | null)[] = new Array(steps.length);
    for (const i of order) results[i] = steps[i]();
    return { results };
  });
}
