import * as vscode from 'vscode';
import { environmentKindOf } from '../../shared/environmentKeys';
import type { TencentAccounts } from '../accounts/tencentAccounts';
import type { EnvironmentEntry, EnvironmentRegistry } from '../environments/registry';
import { withViewProgress } from '../platform/progress';
import type { ExplorerModel } from './explorerModel';
import { AccountNode } from './nodes/accountNode';
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
  private readonly accountNodes = new Map<string, AccountNode>();
  private readonly subscription: { dispose(): void };
  private readonly accountSubscription?: { dispose(): void };

  constructor(
    registry: EnvironmentRegistry,
    private readonly model: ExplorerModel,
    /** Resolves once workspace folders are scanned: until then the tree waits instead of showing the welcome. */
    private readonly ready: Promise<unknown>,
    private readonly expandEnvironments: () => boolean,
    /** Signed-in Tencent Cloud accounts, each a root with its environments below. */
    private readonly accounts?: TencentAccounts,
  ) {
    this.subscription = registry.onDidChange((change) => {
      if (change.kind === 'state') {
        const node = this.environments.get(change.key);
        if (node) this.refresh(node);
      } else if (environmentKindOf(change.key) !== 'tencent') {
        this.refresh();
      }
    });
    // An account's node redraws itself when it lists; sign-in and sign-out redraw the roots.
    this.accountSubscription = accounts?.onDidChange((accountId) => {
      const node = accountId ? this.accountNodes.get(accountId) : undefined;
      if (node) this.refresh(node);
      else this.refresh();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.accountSubscription?.dispose();
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

  accountNode(accountId: string): AccountNode | undefined {
    return this.accountNodes.get(accountId);
  }

  /** Local environments, then one node per signed-in account. */
  roots(): (EnvironmentNode | AccountNode)[] {
    const entries = this.model.environments();
    const keys = new Set(entries.map((e) => e.key));
    for (const key of this.environments.keys()) if (!keys.has(key)) this.environments.delete(key);
    const local = entries.filter((e) => e.info.kind === 'local').map((entry) => this.environmentNodeFor(entry));
    const accounts = this.accounts?.list() ?? [];
    const ids = new Set(accounts.map((a) => a.id));
    for (const id of this.accountNodes.keys()) if (!ids.has(id)) this.accountNodes.delete(id);
    const accountNodes = accounts.map((account) => {
      let node = this.accountNodes.get(account.id);
      if (!node || node.account.label !== account.label) {
        node = new AccountNode(account, this.accounts as TencentAccounts, (entry, parent) => this.environmentNodeFor(entry, parent));
        this.accountNodes.set(account.id, node);
      }
      return node;
    });
    return [...local, ...accountNodes];
  }

  private environmentNodeFor(entry: EnvironmentEntry, parent?: AccountNode): EnvironmentNode {
    let node = this.environments.get(entry.key);
    // Removed and added again between two renders: the old node holds the old entry.
    if (!node || node.entry !== entry || node.parent !== parent) {
      node = new EnvironmentNode(entry, this.model, parent ? false : this.expandEnvironments(), parent);
      this.environments.set(entry.key, node);
    }
    return node;
  }
}
