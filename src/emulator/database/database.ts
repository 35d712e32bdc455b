/**
 * A database in one folder:
 *   LOCK        the owning process (one at a time)
 *   store.mdb   documents, indexes and the catalogue, in one LMDB store (store.ts)
 * A folder in the earlier format (database.json and collections/) is converted on first open
 * (migration.ts). Opening reads the catalogue and nothing of the documents.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CollectionInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Database, StoredDocument } from './api';
import { CATALOG_KEY, type Catalog } from './catalog';
import { LocalCollection, type CollectionHost } from './collection';
import { IdGenerator } from './ids';
import { lockFolder, type FolderLock } from './lock';
import { fileStem } from './metadata';
import { migrateLegacyFolder, type MigrationProgress } from './migration';
import { checkCollectionName } from './names';
import { STORE_FILE, Store } from './store';
import { runBatch, type BatchResult, type BatchWrite } from './write-batch';

export interface DatabaseOptions {
  /** Reports the conversion of a folder in the earlier format, which happens once. */
  onMigrationProgress?(progress: MigrationProgress): void;
}

class LocalDatabase implements Database {
  private readonly collections = new Map<string, LocalCollection>();
  private nextFile = 1;
  private closed = false;
  private readonly host: CollectionHost;

  constructor(
    readonly dir: string,
    private readonly lock: FolderLock,
    private readonly store: Store,
    ids: IdGenerator,
  ) {
    this.host = {
      store,
      ids,
      documentsOf: (name) => this.collections.get(name)?.allDocuments(),
      writeCatalog: () => void store.meta.put(CATALOG_KEY, this.catalog()),
    };
  }

  load(): void {
    const catalog = this.store.meta.get(CATALOG_KEY) as Catalog | undefined;
    if (catalog === undefined) return;
    if (catalog.format !== 2 || !Array.isArray(catalog.collections)) {
      throw new StudioError('Internal', `The database catalogue in ${join(this.dir, STORE_FILE)} has an unknown format.`);
    }
    this.nextFile = catalog.nextFile;
    for (const entry of catalog.collections) this.collections.set(entry.name, LocalCollection.open(entry, this.host));
  }

  private checkOpen(): void {
    if (this.closed) throw new StudioError('Internal', 'The database is closed.');
  }

  private catalog(): Catalog {
    return { format: 2, nextFile: this.nextFile, collections: [...this.collections.values()].map((c) => c.catalogEntry()) };
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
    let created: LocalCollection | undefined;
    try {
      return await this.store.write(() => {
        if (this.collections.has(name)) throw new StudioError('CollectionExists', `Collection ${name} already exists.`);
        const entry = { name, file: fileStem(this.nextFile++, name), createdAt: new Date().toISOString(), indexes: [] };
        created = LocalCollection.open(entry, this.host);
        this.collections.set(name, created);
        this.host.writeCatalog();
        return created;
      });
    } catch (e) {
      if (created && this.collections.get(name) === created) this.collections.delete(name);
      throw e;
    }
  }

  async dropCollection(name: string): Promise<void> {
    const collection = this.collection(name);
    this.collections.delete(name);
    collection.markDropped();
    try {
      await this.store.write(() => {
        this.host.writeCatalog();
        collection.clearStored();
      });
    } catch (e) {
      collection.unmarkDropped();
      if (!this.collections.has(name)) this.collections.set(name, collection);
      throw e;
    }
  }

  writeBatch(writes: BatchWrite[]): Promise<BatchResult> {
    this.checkOpen();
    return runBatch(this.store, (name) => this.collection(name), writes);
  }

  async backup(dir: string): Promise<void> {
    this.checkOpen();
    await fs.mkdir(dir, { recursive: true });
    await this.store.backup(join(dir, STORE_FILE));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const c of this.collections.values()) c.close();
      await this.store.close();
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
  let store: Store | undefined;
  try {
    const ids = new IdGenerator();
    const file = join(folder, STORE_FILE);
    await migrateLegacyFolder(folder, file, ids, options.onMigrationProgress);
    store = Store.open(file);
    const db = new LocalDatabase(folder, lock, store, ids);
    db.load();
    return db;
  } catch (e) {
    await store?.close().catch(() => undefined);
    await lock.release();
    throw e;
  }
}

export type { StoredDocument };
