import { CommandId } from '../commandIds';
import { AccountNode } from '../explorer/nodes/accountNode';
import { CollectionNode } from '../explorer/nodes/collectionNode';
import { DatabaseNode } from '../explorer/nodes/databaseNode';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import { ErrorNode } from '../explorer/nodes/errorNode';
import { FunctionsNode } from '../explorer/nodes/functionsNode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { LoadMoreNode } from '../explorer/nodes/loadMoreNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';

/** Refresh, Load more, Retry and Show Extension Log: the explorer's own commands. */
export function registerExplorerCommands(commands: CommandRegistry, s: Services): void {
  commands.register(CommandId.refresh, async (node?: ExplorerNode) => {
    if (node instanceof EnvironmentNode) {
      s.model.invalidate(node.envKey);
      if (node.entry.state === 'failed') await startQuietly(s, node.envKey);
      s.tree.refresh(node);
    } else if (node instanceof AccountNode) {
      for (const entry of s.registry.list()) if (entry.account?.id === node.account.id) s.model.invalidate(entry.key);
      s.accounts.reset(node.account.id);
    } else if (node instanceof DatabaseNode) {
      s.model.invalidate(node.envKey);
      s.tree.refresh(node);
    } else if (node instanceof CollectionNode) {
      s.model.invalidate(node.envKey, node.name);
      s.model.invalidateCollections(node.envKey);
      s.tree.refresh(node.parent, node);
    } else if (node instanceof FunctionsNode) {
      s.model.invalidateFunctions(node.envKey);
      s.tree.refresh(node);
    } else if (node?.parent) {
      s.tree.refresh(node.parent);
    } else {
      s.model.invalidate();
      // Forgetting every account's listing redraws the whole tree, once.
      s.accounts.reset();
    }
  });

  commands.register(CommandId.loadMore, async (node?: LoadMoreNode) => {
    if (!(node instanceof LoadMoreNode)) return;
    await withViewProgress(() => s.model.loadMore(node.list));
    s.tree.refresh(node.parent);
  });

  // The tree shows what went wrong again if it fails again; no notification on top of it.
  commands.register(CommandId.retry, async (node?: ErrorNode) => {
    if (!(node instanceof ErrorNode)) return;
    const target = node.retry;
    if ('list' in target) await withViewProgress(() => s.model.retry(target.list));
    else if ('account' in target) s.accounts.reset(target.account);
    else await startQuietly(s, target.environment);
    s.tree.refresh(node.parent);
  });

  commands.register(CommandId.showLogs, () => s.log.show());
}

/** Starts an environment whose failure the tree will show (the registry logs it). */
async function startQuietly(s: Services, envKey: string): Promise<void> {
  await withViewProgress(() => s.registry.start(envKey)).catch(() => undefined);
}
