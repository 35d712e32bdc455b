/** The catalogue as the store keeps it: collections, their key prefixes (stems), index definitions, permissions. */
import type { CollectionEntry } from './metadata';

export const CATALOG_KEY = 'catalog';

export interface Catalog {
  format: 2;
  /** Counter for new stems. */
  nextFile: number;
  collections: CollectionEntry[];
}
