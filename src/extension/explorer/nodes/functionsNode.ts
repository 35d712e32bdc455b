import * as vscode from 'vscode';
import type { FunctionInfo } from '../../../shared/model';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import type { ExplorerNode } from './explorerNode';
import { FunctionNode } from './functionNode';
import { listNodes } from './listNodes';

/** An environment's cloud functions, one node per function folder; follows the folder as it changes. */
export class FunctionsNode implements ExplorerNode {
  readonly id: string;
  /** Kept across refreshes so VS Code keeps selection and commands can refresh one function. */
  private readonly nodes = new Map<string, FunctionNode>();

  constructor(
    readonly parent: ExplorerNode,
    private readonly model: ExplorerModel,
    readonly envKey: string,
  ) {
    this.id = `${parent.id}/functions`;
  }

  functionNode(name: string): FunctionNode | undefined {
    return this.nodes.get(name);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Functions'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('symbol-method');
    item.contextValue = contextValue(ContextValue.functions);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const children = await this.model.functions(this.envKey);
    const shown = new Set<string>();
    const nodes = listNodes(
      this,
      { envKey: this.envKey, functions: true },
      children,
      (info: FunctionInfo) => {
        shown.add(info.name);
        const capabilities = this.model.functionCapabilities(this.envKey, info);
        const known = this.nodes.get(info.name);
        if (known) {
          known.info = info;
          known.capabilities = capabilities;
          return known;
        }
        const node = new FunctionNode(this, this.envKey, info, capabilities);
        this.nodes.set(info.name, node);
        return node;
      },
      vscode.l10n.t('No functions. Create one with New Cloud Function…'),
    );
    for (const name of this.nodes.keys()) if (!shown.has(name)) this.nodes.delete(name);
    return nodes;
  }
}
