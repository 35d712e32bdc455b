/**
 * A database in one folder:
 *   LOCK                 the owning process (one at a time)
 *   database.json        the catalogue: collections, their file stems, their indexes
 *   collections/         per collection a snapshot and journals (see collection-files.ts)
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CollectionInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Database, StoredDocument } from './api';
import { LocalCollection, type CollectionHost } from './collection';
import { syncFolder } from './files';
import { IdGenerator } from './ids';
import { lockFolder, type FolderLock } from './lock';
import { fileStem, readMetadata, writeMetadata, type Metadata } from './metadata';
import { checkCollectionName } from './names';
import { writeBatch, type BatchResult, type BatchWrite } from './write-batch';

export interface DatabaseOptions {
  /**
   * A collection's journals are compacted into its snapshot once they exceed both this many bytes
   * and `compactionRatio` times the snapshot's size. Default 16 MiB.
   */
  compactionMinBytes?: number;
  /** How large the journals may grow relative to the snapshot before compaction. Default 1. */
  compactionRatio?: number;
}

const DEFAULT_COMPACTION_MIN_BYTES = 16 * 1024 * 1024;
const COLLECTIONS_FOLDER = 'collections';

/** The stem a collection file belongs to, or undefined for names the engine does not write. */
function stemOf(fileName: string): string | undefined {
  const m = /^(.*)\.(?:snapshot|snapshot\.tmp|\d+\.journal)$/.exec(fileName);
  return m?.[1];
}

class LocalDatabase implements Database {
  private readonly collections = new Map<string, LocalCollection>();
  private readonly ids = new IdGenerator();
  private nextFile = 1;
  private catalogWrites: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly host: CollectionHost;

  constructor(
    readonly dir: string,
    private readonly lock: FolderLock,
    options: DatabaseOptions,
  ) {
    const db = this;
    this.host = {
      folder: join(dir, COLLECTIONS_FOLDER),
      ids: this.ids,
      compactionMinBytes: options.compactionMinBytes ?? DEFAULT_COMPACTION_MIN_BYTES,
      compactionRatio: options.compactionRatio ?? 1,
      documentsOf: (name) => db.collections.get(name)?.allDocuments(),
      saveCatalog: () => db.saveCatalog(),
    };
  }

  async load(): Promise<void> {
    await fs.mkdir(this.host.folder, { recursive: true });
    // A catalogue write cut short leaves its temporary file; the catalogue itself is intact.
    for (const name of await fs.readdir(this.dir)) {
      if (/^\.database\.json\.\d+\.tmp$/.test(name)) await fs.rm(join(this.dir, name), { force: true });
    }
    const metadata = await readMetadata(this.dir);
    this.nextFile = metadata.nextFile;
    const stems = new Set(metadata.collections.map((c) => c.file));
    // Files of collections deleted from the catalogue before their files were.
    for (const name of await fs.readdir(this.host.folder)) {
      const stem = stemOf(name);
      if (stem === undefined || !stems.has(stem)) await fs.rm(join(this.host.folder, name), { force: true, recursive: true });
    }
    for (const entry of metadata.collections) {
      this.collections.set(entry.name, await LocalCollection.open(entry, this.host));
    }
    await syncFolder(this.dir);
  }

  private checkOpen(): void {
    if (this.closed) throw new StudioError('Internal', 'The database is closed.');
  }

  private metadata(): Metadata {
    return {
      format: 1,
      nextFile: this.nextFile,
      collections: [...this.collections.values()].map((c) => c.catalogEntry()),
    };
  }

  /** Writes the catalogue as it is when the write starts; writes never overlap. */
  saveCatalog(): Promise<void> {
    const write = this.catalogWrites.then(() => writeMetadata(this.dir, this.metadata()));
    this.catalogWrites = write.catch(() => undefined);
    return write;
  }

  listCollections(): CollectionInfo[] {
    this.checkOpen();
    return [...this.collections.values()]
      .map((c) => ({ name: c.name, count: c.documentCount, sizeBytes: c.sizeBytes, indexCount: c.listIndexes().length }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  collection(name: string): LocalCollection {
    this.checkOpen();
    const c = this.collections.get(name);
    if (!c) throw new StudioError('CollectionNotFound', `Collection ${String(name)} does not exist.`);
    return c;
  }

  hasCollection(name: string): boolean {
    this.checkOpen();
    return this.collections.has(name);
  }

  async createCollection(name: string): Promise<LocalCollection> {
    this.checkOpen();
    checkCollectionName(name);
    if (this.collections.has(name)) throw new StudioError('CollectionExists', `Collection ${name} already exists.`);
    const entry = { name, file: fileStem(this.nextFile++, name), createdAt: new Date().toISOString(), indexes: [] };
    const collection = await LocalCollection.open(entry, this.host);
    if (this.collections.has(name)) throw new StudioError('CollectionExists', `Collection ${name} already exists.`);
    this.collections.set(name, collection);
    try {
      await this.saveCatalog();
    } catch (e) {
      this.collections.delete(name);
      throw e;
    }
    return collection;
  }

  async dropCollection(name: string): Promise<void> {
    const collection = this.collection(name);
    this.collections.delete(name);
    collection.markDropped();
    try {
      await this.saveCatalog();
    } catch (e) {
      collection.unmarkDropped();
      this.collections.set(name, collection);
      throw e;
    }
    await collection.destroy();
  }

  writeBatch(writes: BatchWrite[]): Promise<BatchResult> {
    return writeBatch(this, writes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const c of this.collections.values()) await c.close();
      await this.catalogWrites;
    } finally {
      await this.lock.release();
    }
  }
}

/** Opens (creating if needed) the database in `dir`, taking its lock. */
export async function openDatabase(dir: string, options: DatabaseOptions = {}): Promise<Database> {
  const folder = resolve(dir);
  await fs.mkdir(folder, { recursive: true });
  const lock = await lockFolder(folder);
  const db = new LocalDatabase(folder, lock, options);
  try {
    await db.load();
  } catch (e) {
    await lock.release();
    throw e;
  }
  return db;
}

export type { StoredDocument };
