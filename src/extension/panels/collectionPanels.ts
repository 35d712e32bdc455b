/**
 * Every open collection panel, one per environment and collection. Panels come back after a window
 * reload through the serializer with the target and query the page saved.
 */
import * as vscode from 'vscode';
import { COLLECTION_PANEL_VIEW_TYPE, type CollectionPanelTarget } from '../../shared/protocol/collectionPanel';
import { collectionPanelTargetOf } from '../../shared/protocol/collectionPanelGuards';
import { CommandId } from '../commandIds';
import { collectionTarget } from '../database/collectionTarget';
import { CollectionNode } from '../explorer/nodes/collectionNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { Services } from '../services';
import { CollectionPanel, collectionPanelKey, type CollectionPanelDeps } from './collectionPanel';
import { PanelRegistry } from './webviewPanelHost';

export class CollectionPanels implements vscode.Disposable {
  private readonly panels = new PanelRegistry<CollectionPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly deps: CollectionPanelDeps;

  constructor(
    private readonly s: Services,
    extensionUri: vscode.Uri,
  ) {
    this.deps = {
      registry: s.registry,
      extensionUri,
      log: s.log,
      errors: s.errors,
      prompts: s.prompts,
      openDocument: (address) => s.documents.open(address, { preserveFocus: false }),
      storedUriFor: (address) => s.documents.storedUriFor(address),
      refreshStored: (address) => s.documents.refreshStored(address),
      changes: s.changes,
    };
    // Documents changed elsewhere (the tree, an editor, a function): the grid reloads its page.
    this.subscriptions.push(
      s.changes.onDidChange((change) => {
        if (change.area !== 'database' || change.collection === undefined) return;
        const panel = this.panels.get(collectionPanelKey({ envKey: change.envKey, collection: change.collection }));
        if (panel && change.origin !== panel) panel.refresh();
      }),
    );
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(COLLECTION_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.revive(panel, state),
      }),
    );
  }

  open(target: CollectionPanelTarget, options: { preserveFocus?: boolean } = {}): CollectionPanel {
    const key = collectionPanelKey(target);
    const preserveFocus = options.preserveFocus ?? false;
    return this.panels.show(key, () => this.track(key, new CollectionPanel(target, this.deps, undefined, preserveFocus)), preserveFocus);
  }

  all(): CollectionPanel[] {
    return this.panels.all();
  }

  dispose(): void {
    this.panels.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  private revive(webviewPanel: vscode.WebviewPanel, state: unknown): void {
    // A state of another version still names its collection: the panel reopens there, and its page drops the rest and opens fresh.
    const target = collectionPanelTargetOf(state);
    if (!target) {
      this.s.log.warn('A collection panel could not be restored: it saved no target.');
      webviewPanel.dispose();
      return;
    }
    const key = collectionPanelKey(target);
    const panel = new CollectionPanel(target, this.deps, webviewPanel);
    if (this.panels.adopt(key, panel)) this.track(key, panel);
  }

  private track(key: string, panel: CollectionPanel): CollectionPanel {
    panel.host.onDispose(() => this.panels.forget(key, panel));
    return panel;
  }
}

export function registerCollectionPanelCommand(commands: CommandRegistry, s: Services, panels: CollectionPanels): void {
  commands.register(CommandId.openCollection, async (arg?: unknown) => {
    const target = await collectionTarget(s, arg);
    if (!target) return;
    const label = s.registry.list().find((e) => e.key === target.envKey)?.info.label ?? target.envKey;
    // Clicked in the tree: the keyboard stays there, as for documents (Delete, arrows).
    panels.open({ envKey: target.envKey, envLabel: label, collection: target.collection }, { preserveFocus: arg instanceof CollectionNode });
  });
}
