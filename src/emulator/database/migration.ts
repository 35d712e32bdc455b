/**
 * Converts a folder written in the format before the store (database.json, collections/) into the
 * store, once, on first open. No vscode import.
 *
 * The new store is written beside the old files as `store.mdb.migrating`, checked (every
 * collection's count), closed and renamed into place; only then are the old files deleted. A crash
 * or failure before the rename leaves the old folder as it was (the half-written store is deleted
 * on the next try); after the rename the store is complete and the old files are just removed.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { LocalCollection, type CollectionHost } from './collection';
import { syncFolder } from './files';
import type { IdGenerator } from './ids';
import { readLegacyCollection } from './legacy-files';
import { METADATA_FILE, readMetadata } from './metadata';
import { Store } from './store';
import { CATALOG_KEY, type Catalog } from './catalog';

export const LEGACY_COLLECTIONS_FOLDER = 'collections';
const CHUNK = 5000;

export interface MigrationProgress {
  collection: string;
  /** Collections finished before this one, and how many there are. */
  collectionsDone: number;
  collections: number;
  documentsDone: number;
  documents: number;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function removeLegacy(dir: string): Promise<void> {
  await fs.rm(join(dir, LEGACY_COLLECTIONS_FOLDER), { recursive: true, force: true });
  await fs.rm(join(dir, METADATA_FILE), { force: true });
  await syncFolder(dir);
}

async function removeStoreFiles(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fs.rm(`${file}-lock`, { force: true });
}

/** Migrates `dir` when it holds the earlier format; resolves once `storeFile` is complete. */
export async function migrateLegacyFolder(dir: string, storeFile: string, ids: IdGenerator, onProgress?: (p: MigrationProgress) => void): Promise<void> {
  if (!(await exists(join(dir, METADATA_FILE)))) return;
  if (await exists(storeFile)) {
    await removeLegacy(dir);
    return;
  }
  const tmp = `${storeFile}.migrating`;
  await removeStoreFiles(tmp);
  const metadata = await readMetadata(dir);
  const store = Store.open(tmp);
  const expected = new Map<string, number>();
  try {
    const collections: LocalCollection[] = [];
    const host: CollectionHost = {
      store,
      ids,
      documentsOf: () => undefined,
      writeCatalog: () => {
        const catalog: Catalog = { format: 2, nextFile: metadata.nextFile, collections: collections.map((c) => c.catalogEntry()) };
        void store.meta.put(CATALOG_KEY, catalog);
      },
    };
    for (const [i, entry] of metadata.collections.entries()) {
      const docs = await readLegacyCollection(join(dir, LEGACY_COLLECTIONS_FOLDER), entry.file);
      const collection = LocalCollection.open(entry, host);
      collections.push(collection);
      for (let at = 0; at < docs.length; at += CHUNK) {
        onProgress?.({ collection: entry.name, collectionsDone: i, collections: metadata.collections.length, documentsDone: at, documents: docs.length });
        const chunk = docs.slice(at, at + CHUNK);
        await store.write(() => collection.insertNow(chunk));
      }
      expected.set(entry.name, docs.length);
    }
    await store.write(() => host.writeCatalog());
    for (const c of collections) {
      if (c.documentCount !== expected.get(c.name)) {
        throw new StudioError('Internal', `Converting the database failed: ${c.name} has ${c.documentCount} documents instead of ${expected.get(c.name)}.`);
      }
    }
  } catch (e) {
    await store.close().catch(() => undefined);
    await removeStoreFiles(tmp);
    throw e;
  }
  await store.close();
  await fs.rm(`${tmp}-lock`, { force: true });
  await fs.rename(tmp, storeFile);
  await syncFolder(dir);
  await removeLegacy(dir);
}
