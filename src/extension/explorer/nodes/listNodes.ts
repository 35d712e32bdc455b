import type { ListRef } from '../explorerModel';
import type { ListChild } from '../pagedList';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';
import { LoadMoreNode } from './loadMoreNode';

/** Maps a paged level's children to nodes: items, then Load more, an error, or the empty line. */
export function listNodes<T>(
  parent: ExplorerNode,
  list: ListRef,
  children: ListChild<T>[],
  item: (value: T) => ExplorerNode,
  emptyLabel: string,
): ExplorerNode[] {
  return children.map((child) => {
    switch (child.kind) {
      case 'item':
        return item(child.value);
      case 'loadMore':
        return new LoadMoreNode(parent, list);
      case 'error':
        return new ErrorNode(parent, child.error, { list });
      case 'empty':
        return new InfoNode(parent, 'empty', emptyLabel);
    }
  });
}
