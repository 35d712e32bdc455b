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

/** A write to a collection's documents with what realtime watchers need to name each change. */
export interface DocumentWrite {
  collection: string;
  /** `replace`: an update without operators (the SDK's `set`); `batch`: a transaction's writes. */
  operation: 'insert' | 'update' | 'replace' | 'remove' | 'batch';
  /** Documents this write created (inserts, upserts). */
  insertedIds: string[];
}

export type DocumentWriteListener = (write: DocumentWrite) => void;

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
  /** Document writes only, with their kind and created ids; told before `subscribe`'s listeners. */
  subscribeDocuments(listener: DocumentWriteListener): () => void;
}

const hasOperators = (update: unknown): boolean => typeof update === 'object' && update !== null && Object.keys(update).some((k) => k.startsWith('$'));

/** What a resolved collection write created and how to name it. */
function documentWrite(collection: string, method: string, args: unknown[], result: unknown): DocumentWrite | undefined {
  switch (method) {
    case 'insertMany':
      return { collection, operation: 'insert', insertedIds: Array.isArray(result) ? (result as string[]) : [] };
    case 'update': {
      const upserted = (result as { upsertedId?: string } | undefined)?.upsertedId;
      return { collection, operation: hasOperators(args[1]) ? 'update' : 'replace', insertedIds: upserted ? [upserted] : [] };
    }
    case 'findOneAndUpdate':
      return { collection, operation: hasOperators(args[1]) ? 'update' : 'replace', insertedIds: [] };
    case 'remove':
      return { collection, operation: 'remove', insertedIds: [] };
    default:
      return undefined;
  }
}

export function observeWrites(inner: Database): ObservedDatabase {
  const listeners = new Set<WriteListener>();
  const documentListeners = new Set<DocumentWriteListener>();
  const emitDocuments = (write: DocumentWrite): void => {
    for (const listener of [...documentListeners]) {
      try {
        listener(write);
      } catch {
        // As below: the write already happened.
      }
    }
  };
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
        return (...args: unknown[]) =>
          (bound(...args) as Promise<unknown>).then((result) => {
            const write = documentWrite(target.name, property as string, args, result);
            if (write) emitDocuments(write);
            emit({ collection: target.name, kind });
            return result;
          });
      },
    });

  const database: Database = {
    listCollections: () => inner.listCollections(),
    collection: (name) => wrapCollection(inner.collection(name)),
    hasCollection: (name) => inner.hasCollection(name),
    createCollection: (name) => after(inner.createCollection(name), { collection: name, kind: 'collections' }).then(wrapCollection),
    dropCollection: (name) =>
      inner.dropCollection(name).then(() => {
        emitDocuments({ collection: name, operation: 'remove', insertedIds: [] });
        emit({ collection: name, kind: 'collections' });
      }),
    writeBatch: (writes) =>
      inner.writeBatch(writes).then((result) => {
        const collections = new Set(writes.filter((w) => w.op !== 'expect').map((w) => w.collection));
        for (const collection of collections) {
          const insertedIds = writes.flatMap((w, i) => (w.collection === collection && w.op === 'insert' && Array.isArray(result.results[i]) ? (result.results[i] as string[]) : []));
          emitDocuments({ collection, operation: 'batch', insertedIds });
        }
        for (const collection of collections) emit({ collection, kind: 'documents' });
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
    subscribeDocuments(listener) {
      documentListeners.add(listener);
      return () => documentListeners.delete(listener);
    },
  };
}
