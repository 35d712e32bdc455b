import type * as vscode from 'vscode';

/**
 * A tree element: small, one class per kind, no business logic. Nodes map what the explorer
 * model says a level holds to tree items; commands do the work.
 */
export interface ExplorerNode {
  /** Unique in the tree and stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  readonly parent?: ExplorerNode;
  getTreeItem(): vscode.TreeItem;
  getChildren?(): Promise<ExplorerNode[]>;
}
