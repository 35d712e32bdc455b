import type { ExplorerSelection } from '../platform/contextKeys';
import { CollectionNode } from './nodes/collectionNode';
import { DocumentNode } from './nodes/documentNode';
import { EnvironmentNode } from './nodes/environmentNode';
import type { ExplorerNode } from './nodes/explorerNode';
import { StorageFileNode, StorageFolderNode } from './nodes/storageNodes';

/** What the selected node is, for the context key the Delete key binding reads. */
export function selectionKind(node: ExplorerNode | undefined): ExplorerSelection {
  if (!node) return 'none';
  if (node instanceof DocumentNode) return 'document';
  if (node instanceof CollectionNode) return 'collection';
  if (node instanceof EnvironmentNode) return 'environment';
  if (node instanceof StorageFileNode || node instanceof StorageFolderNode) return 'storage';
  return 'other';
}
