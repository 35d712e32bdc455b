/**
 * Tells listeners which collection a write changed, whoever made it: the /admin server (functions,
 * SDK scripts) and the backend share one Database, so wrapping it here sees every writer. It sits
 * outside the engine, on its public surface only: a write is announced after it resolved.
 */
import type { Collection, Database } from '../database/api';

export interface WriteEvent {
  /** Undefined when the list of collections itself changed. */
  collection?: string;
  kind: 'documents' | 'indexes' | 'permission' | 'collections';
}

export type WriteListener = (event: WriteEvent) => void;

const COLLECTION_WRITES: Record<string, WriteEvent['kind']> = {
  insertMany: 'documents',
  update: 'documents',
  findOneAndUpdate: 'documents',
  remove: 'documents',
  createIndex: 'indexes',
  dropIndex: 'indexes',
  setPermission: 'permission',
};

export interface ObservedDatabase {
  database: Database;
  subscribe(listener: WriteListener): () => void;
}

export function observeWrites(inner: Database): ObservedDatabase {
  const listeners = new Set<WriteListener>();
  const emit = (event: WriteEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the write already happened.
      }
    }
  };
  const after = <T>(result: Promise<T>, event: WriteEvent): Promise<T> =>
    result.then((value) => {
      emit(event);
      return value;
    });

  const wrapCollection = (collection: Collection): Collection =>
    new Proxy(collection, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        const kind = typeof property === 'string' ? COLLECTION_WRITES[property] : undefined;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        if (!kind) return bound;
        return (...args: unknown[]) => after(bound(...args) as Promise<unknown>, { collection: target.name, kind });
      },
    });

  const database: Database = {
    listCollections: () => inner.listCollections(),
    collection: (name) => wrapCollection(inner.collection(name)),
    hasCollection: (name) => inner.hasCollection(name),
    createCollection: (name) => after(inner.createCollection(name), { collection: name, kind: 'collections' }).then(wrapCollection),
    dropCollection: (name) => after(inner.dropCollection(name), { collection: name, kind: 'collections' }),
    writeBatch: (writes) =>
      inner.writeBatch(writes).then((result) => {
        for (const collection of new Set(writes.filter((w) => w.op !== 'expect').map((w) => w.collection))) emit({ collection, kind: 'documents' });
        return result;
      }),
    backup: (dir) => inner.backup(dir),
    close: () => inner.close(),
  };
  return {
    database,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
