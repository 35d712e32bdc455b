/**
 * The data-transfer bundle (dist/transfer.js: collection and storage copies, anonymisation with
 * its fake-data library) is required the first time a copy runs, never at activation.
 */
import { join } from 'node:path';
import type * as TransferExports from '../../cloud/transfer';
import { StudioError } from '../../shared/errors';

export type TransferModule = typeof TransferExports;

export function bundledTransfer(extensionPath: string): () => TransferModule {
  let loaded: TransferModule | undefined;
  return () => (loaded ??= load(join(extensionPath, 'dist', 'transfer.js')));
}

function load(file: string): TransferModule {
  let mod: Partial<TransferModule>;
  try {
    mod = require(file) as Partial<TransferModule>;
  } catch (e) {
    throw new StudioError('Internal', `Could not load the data transfer module from ${file}.`, { cause: e });
  }
  if (typeof mod.copyCollection !== 'function' || typeof mod.copyStorageFolder !== 'function') {
    throw new StudioError('Internal', `${file} does not export the data transfer functions.`);
  }
  return mod as TransferModule;
}
