/**
 * The explorer's side of "the data changed": the model forgets exactly the pages that changed and
 * the tree redraws the smallest node VS Code knows that holds them (the collection and the list
 * that shows its count; the storage folder, or the nearest one shown; else the area, the
 * environment, or the whole tree).
 */
import type { DataChange, DataChanges, Subscription } from '../platform/dataChanges';
import type { ExplorerModel } from './explorerModel';
import type { ExplorerNode } from './nodes/explorerNode';
import type { ExplorerTreeProvider } from './treeProvider';

export function followDataChanges(changes: DataChanges, model: ExplorerModel, tree: ExplorerTreeProvider): Subscription {
  return changes.onDidChange((raised) => {
    const change = shownFolderOf(tree, raised);
    forget(model, change);
    const nodes = nodesToRedraw(tree, change);
    // An environment without a Users node shows nothing of its users: no redraw at all.
    if (change.area === 'users' && nodes.length === 0) return;
    tree.refresh(...nodes);
  });
}

function forget(model: ExplorerModel, change: DataChange): void {
  const { envKey, collection } = change;
  switch (change.area) {
    case 'database':
      // Counts show on the collection list, so it reloads whatever changed inside a collection.
      model.invalidateCollections(envKey);
      if (collection === undefined) return;
      if (change.deleted && change.documentId !== undefined) model.forgetDocument(envKey, collection, change.documentId);
      else model.invalidate(envKey, collection);
      return;
    case 'storage':
      model.invalidateStorage(envKey, change.prefix);
      return;
    case 'functions':
      model.invalidateFunctions(envKey);
      return;
    case 'httpAccess':
    case 'users':
    case 'payments':
      // Read at each expand: nothing kept to forget.
      return;
    case 'snapshots':
      return; // read from disk at each redraw
  }
}

/** A storage folder the tree has not shown yet appears in the nearest one it has: that one reads again. */
function shownFolderOf(tree: ExplorerTreeProvider, change: DataChange): DataChange {
  if (change.area !== 'storage' || change.prefix === undefined) return change;
  const shown = tree.environmentNode(change.envKey)?.storage.folderNode(change.prefix);
  return shown ? { ...change, prefix: shown.prefix } : change;
}

/** No nodes: the whole tree. */
function nodesToRedraw(tree: ExplorerTreeProvider, change: DataChange): ExplorerNode[] {
  const environment = tree.environmentNode(change.envKey);
  if (!environment) return [];
  switch (change.area) {
    case 'database': {
      const collection = change.collection === undefined ? undefined : environment.database.collectionNode(change.collection);
      return collection ? [environment.database, collection] : [environment.database];
    }
    case 'storage':
      return [change.prefix === undefined ? environment.storage : environment.storage.folderNode(change.prefix)];
    case 'functions':
      return [environment.functions];
    case 'httpAccess':
      return environment.httpAccess ? [environment.httpAccess] : [];
    case 'users':
      return environment.users ? [environment.users] : [];
    case 'payments':
      return environment.payments ? [environment.payments] : [];
    case 'snapshots':
      return environment.snapshots ? [environment.snapshots] : [];
  }
}
