/**
 * A collection's catalogue entry, and the earlier format's catalogue file (database.json), read
 * once when a folder is converted to the store (migration.ts).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { CollectionPermission, IndexInfo } from '../../shared/model';
import { StudioError } from '../../shared/errors';

export const METADATA_FILE = 'database.json';
const FORMAT = 1;

export interface CollectionEntry {
  name: string;
  /** Stem of the collection's files; unique even on case-insensitive file systems. */
  file: string;
  createdAt: string;
  /** Secondary indexes (the `_id_` index is implied). */
  indexes: IndexInfo[];
  /** Absent in catalogues written before permissions existed: the default applies. */
  permission?: CollectionPermission;
}

export interface Metadata {
  format: number;
  nextFile: number;
  collections: CollectionEntry[];
}

export async function readMetadata(dir: string): Promise<Metadata> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, METADATA_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { format: FORMAT, nextFile: 1, collections: [] };
    throw e;
  }
  let parsed: Metadata;
  try {
    parsed = JSON.parse(text) as Metadata;
  } catch (e) {
    throw new StudioError('Internal', `The database catalogue ${join(dir, METADATA_FILE)} is damaged.`, { cause: e });
  }
  if (parsed.format !== FORMAT || !Array.isArray(parsed.collections) || typeof parsed.nextFile !== 'number') {
    throw new StudioError('Internal', `The database catalogue ${join(dir, METADATA_FILE)} has an unknown format.`);
  }
  return parsed;
}

/** A file stem from a collection name: the counter keeps stems distinct where names differ only in case. */
export function fileStem(counter: number, name: string): string {
  return `c${counter}-${name}`;
}
