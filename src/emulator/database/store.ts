/**
 * The database's one file: an LMDB store (lmdb-js), memory-mapped, so opening reads nothing of the
 * data and memory does not grow with it. No vscode import.
 *
 *   documents  <collection prefix><_id component> → the document (document-bytes.ts: MessagePack, or EJSON text),
 *              decoded straight from LMDB's read buffer, so a scan allocates no copy of each value
 *   entries    <index prefix><values…><_id component> → empty; secondary index entries (key-encoding.ts)
 *   meta       "catalog" → the catalogue; "count:<stem>", "multi:<stem>:<index>" → counters
 *
 * Every write is one child transaction of LMDB's write batch: all of it or none, and it resolves
 * after the batch's commit reached the disk (overlappingSync off, so nothing is visible earlier).
 * Writes that arrive together share one commit.
 */
import { open, type RootDatabase } from 'lmdb';
import { StudioError } from '../../shared/errors';
import type { StoredDocument } from './api';
import { decodeStored } from './document-bytes';

export const STORE_FILE = 'store.mdb';

/** Ordered reads of an LMDB table with binary keys. */
export interface RangeTable<V> {
  getRange(options: { start?: Buffer; end?: Buffer; reverse?: boolean }): Iterable<{ key: Buffer; value: V }>;
  getKeys(options: { start?: Buffer; end?: Buffer; reverse?: boolean }): Iterable<Buffer>;
}

/** The part of an LMDB table the engine uses, with binary keys. */
export interface Table<V> extends RangeTable<V> {
  get(key: Buffer): V | undefined;
  put(key: Buffer, value: V): Promise<boolean>;
  remove(key: Buffer): Promise<boolean>;
}

/** Documents: written as `encodeStored`'s bytes, read back decoded. */
export interface DocumentTable extends RangeTable<StoredDocument> {
  get(key: Buffer): StoredDocument | undefined;
  /** The stored bytes without decoding them, valid until the next read. */
  getBinaryFast(key: Buffer): Uint8Array | undefined;
  doesExist(key: Buffer): boolean;
  put(key: Buffer, encoded: Buffer): Promise<boolean>;
  remove(key: Buffer): Promise<boolean>;
}

/**
 * LMDB hands a decoder its shared read buffer (its `length` set to the value's) and reuses it for
 * the next read; decodeStored copies everything out, so no buffer is made per value.
 */
const DOCUMENT_ENCODER = { encode: (encoded: Buffer): Buffer => encoded, decode: (bytes: Uint8Array): unknown => decodeStored(bytes) };

export interface MetaTable {
  get(key: string): unknown;
  put(key: string, value: unknown): Promise<boolean>;
  remove(key: string): Promise<boolean>;
}

export class Store {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pendingCounts = new Map<string, number>();
  private writes = 0;

  private constructor(
    private readonly env: RootDatabase,
    readonly documents: DocumentTable,
    readonly entries: Table<Buffer>,
    readonly meta: MetaTable,
  ) {}

  static open(file: string): Store {
    // eventTurnBatching off: every write is already a child transaction, and lmdb-js's event-turn
    // batch leaves a promise nobody observes, which a failed commit (a full disk) rejects unhandled.
    const env = open({ path: file, overlappingSync: false, eventTurnBatching: false, maxDbs: 4 });
    return new Store(
      env,
      // lmdb-js takes an `encoder` its typings leave out.
      env.openDB('documents', { keyEncoding: 'binary', encoder: DOCUMENT_ENCODER } as Parameters<RootDatabase['openDB']>[1]) as unknown as DocumentTable,
      env.openDB('entries', { keyEncoding: 'binary', encoding: 'binary' }) as unknown as Table<Buffer>,
      env.openDB('meta', { encoding: 'json' }) as unknown as MetaTable,
    );
  }

  /**
   * Moves when a write begins and again once it has settled, after readers see its commit: a result
   * read at one generation holds for as long as the generation stays the same.
   */
  get generation(): number {
    return this.writes;
  }

  /** Runs `fn` in a transaction; a throw undoes everything it wrote. Resolves once durable. */
  write<T>(fn: () => T): Promise<T> {
    const done = this.env.childTransaction(() => {
      this.writes++;
      this.pendingCounts.clear();
      const result = fn();
      this.flushCounts();
      return result;
    }).then(
      (v) => v as T,
      async (e: unknown) => {
        throw diskError(await commitCause(e)) ?? e;
      },
    );
    this.inFlight.add(done);
    const settled = (): void => {
      this.writes++;
      this.inFlight.delete(done);
    };
    void done.then(settled, settled);
    return done;
  }

  count(key: string): number {
    return (this.meta.get(key) as number | undefined) ?? 0;
  }

  /** Inside `write` only: counter changes, summed and written once when `flushCounts` runs. */
  addCount(key: string, delta: number): void {
    if (delta !== 0) this.pendingCounts.set(key, (this.pendingCounts.get(key) ?? 0) + delta);
  }

  private flushCounts(): void {
    for (const [key, delta] of this.pendingCounts) {
      const n = this.count(key) + delta;
      if (n === 0) void this.meta.remove(key);
      else void this.meta.put(key, n);
    }
    this.pendingCounts.clear();
  }

  /** Bytes the store's file holds. */
  sizeBytes(): number {
    const stat = this.env.getStats() as { treeBranchPageCount?: number; pageSize?: number; lastPageNumber?: number };
    return (stat.lastPageNumber ?? 0) * (stat.pageSize ?? 4096);
  }

  /**
   * A consistent copy of the whole store at `file`, taken by LMDB inside one read transaction, so
   * writes go on meanwhile and none is half in it.
   */
  async backup(file: string): Promise<void> {
    await this.env.backup(file, false);
  }

  /** Waits for the writes in flight, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.env.close();
  }
}

/**
 * lmdb-js rejects a failed commit with a generic error whose `commitError` promise rejects with the
 * cause (ENOSPC…) once the write thread reports it; a moment is long enough.
 */
async function commitCause(e: unknown): Promise<unknown> {
  const pending = (e as { commitError?: Promise<unknown> } | undefined)?.commitError;
  if (!pending || typeof pending.then !== 'function') return e;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<unknown>((resolve) => (timer = setTimeout(() => resolve(e), 1000)));
  try {
    return await Promise.race([pending.then(() => e, (cause: unknown) => cause), late]);
  } finally {
    clearTimeout(timer);
  }
}

function diskError(e: unknown): StudioError | undefined {
  const err = e as NodeJS.ErrnoException;
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`;
  if (!/ENOSPC|EDQUOT|No space left|MDB_MAP_FULL|Disk quota/i.test(text)) return undefined;
  return new StudioError('DiskFull', 'The write failed: the disk is full. Free some space and try again; nothing was kept of it.', { cause: e });
}
