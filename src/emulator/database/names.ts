/** Names the engine accepts for collections and indexes. */
import { StudioError } from '../../shared/errors';
import { MAX_COLLECTION_NAME_LENGTH, MAX_INDEX_NAME_LENGTH } from './limits';

/**
 * CloudBase-like collection names: 1-64 characters from letters, digits, `_`, `-` and `.`,
 * starting with a letter, digit or `_`. `system.` is MongoDB's reserved prefix.
 */
const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function checkCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StudioError('InvalidCollectionName', 'A collection name must be a non-empty string.');
  }
  if (name.length > MAX_COLLECTION_NAME_LENGTH) {
    throw new StudioError('InvalidCollectionName', `Collection names are at most ${MAX_COLLECTION_NAME_LENGTH} characters: ${name.slice(0, 80)}`);
  }
  if (!COLLECTION_NAME.test(name) || name.endsWith('.') || name.includes('..')) {
    throw new StudioError(
      'InvalidCollectionName',
      `Collection names use letters, digits, "_", "-" and ".", start with a letter, digit or "_", and have no empty segment: ${name}`,
    );
  }
  if (name.startsWith('system.')) {
    throw new StudioError('InvalidCollectionName', `The "system." prefix is reserved: ${name}`);
  }
}

export function checkIndexName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_INDEX_NAME_LENGTH || name.includes('\0')) {
    throw new StudioError('InvalidArgument', `An index name must be 1-${MAX_INDEX_NAME_LENGTH} characters.`);
  }
}
