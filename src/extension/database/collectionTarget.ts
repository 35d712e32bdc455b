import { CollectionNode } from '../explorer/nodes/collectionNode';
import { pickCollection, pickEnvironment } from '../commands/pickers';
import { isFromSelection, targetNode } from '../commands/targets';
import type { Services } from '../services';

/** The collection a database command acts on; count is known when it came from a tree node. */
export interface CollectionTarget {
  envKey: string;
  collection: string;
  count?: number;
}

/**
 * A target passed by a panel ({envKey, collection}), a collection node, or the pickers;
 * undefined when the Delete key found nothing to act on.
 */
export async function collectionTarget(s: Services, arg: unknown): Promise<CollectionTarget | undefined> {
  if (isCollectionTarget(arg)) return { envKey: arg.envKey, collection: arg.collection };
  const node = targetNode(arg, s.view, CollectionNode);
  if (node) return { envKey: node.envKey, collection: node.name, count: node.info.count };
  if (isFromSelection(arg)) return undefined;
  const envKey = (await pickEnvironment(s)).key;
  return { envKey, collection: await pickCollection(s, envKey) };
}

function isCollectionTarget(arg: unknown): arg is CollectionTarget {
  return typeof arg === 'object' && arg !== null && typeof (arg as CollectionTarget).envKey === 'string' && typeof (arg as CollectionTarget).collection === 'string';
}
