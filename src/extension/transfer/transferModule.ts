/**
 * The data-transfer bundle (dist/transfer.js: collection and storage copies, collection comparison,
 * anonymisation with its fake-data library) is required the first time a copy runs, never at activation.
 */
import type * as TransferExports from '../../cloud/transfer';
import { lazyBundle } from '../platform/lazyBundle';

export type TransferModule = typeof TransferExports;

export function bundledTransfer(extensionPath: string): () => TransferModule {
  return lazyBundle<TransferModule>(extensionPath, 'transfer.js', 'the data transfer functions', ['copyCollection', 'copyStorageFolder', 'compareCollections']);
}
