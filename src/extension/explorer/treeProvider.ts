import * as vscode from 'vscode';
import type { EnvironmentRegistry } from '../environments/registry';
import { withViewProgress } from '../platform/progress';
import type { ExplorerModel } from './explorerModel';
import { EnvironmentNode } from './nodes/environmentNode';
import type { ExplorerNode } from './nodes/explorerNode';

/**
 * The explorer's TreeDataProvider: roots are the registry's environments; every other level
 * comes from its node. Environment nodes (and the area and collection nodes under them) stay
 * the same objects across refreshes, because VS Code refreshes an element by identity.
 */
export class ExplorerTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly environments = new Map<string, EnvironmentNode>();
  private readonly subscription: { dispose(): void };

  constructor(
    registry: EnvironmentRegistry,
    private readonly model: ExplorerModel,
    /** Resolves once workspace folders are scanned: until then the tree waits instead of showing the welcome. */
    private readonly ready: Promise<unknown>,
    private readonly expandEnvironments: () => boolean,
  ) {
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'state') {
        const node = this.environments.get(change.key);
        if (node) this.refresh(node);
      } else {
        this.refresh();
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      await this.ready;
      return this.roots();
    }
    const children = node.getChildren;
    if (!children) return [];
    return withViewProgress(() => children.call(node));
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  /** Redraws a node and its children (everything when none is given). */
  refresh(...nodes: ExplorerNode[]): void {
    this.changed.fire(nodes.length === 0 ? undefined : nodes.length === 1 ? nodes[0] : nodes);
  }

  environmentNode(envKey: string): EnvironmentNode | undefined {
    return this.environments.get(envKey);
  }

  roots(): EnvironmentNode[] {
    const entries = this.model.environments();
    const keys = new Set(entries.map((e) => e.key));
    for (const key of this.environments.keys()) if (!keys.has(key)) this.environments.delete(key);
    return entries.map((entry) => {
      let node = this.environments.get(entry.key);
      // Removed and added again between two renders: the old node holds the old entry.
      if (!node || node.entry !== entry) {
        node = new EnvironmentNode(entry, this.model, this.expandEnvironments());
        this.environments.set(entry.key, node);
      }
      return node;
    });
  }
}
