/** Walking the explorer tree by label, as a user reads it. */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../../src/extension/api';
import type { ExplorerNode } from '../../../src/extension/explorer/nodes/explorerNode';

/** `api` is read on each call: suites assign it in suiteSetup. */
export function treeWalker(api: () => CloudBaseStudioApi) {
  const item = (node: ExplorerNode): vscode.TreeItem => api().explorer.getTreeItem(node);
  const labelOf = (node: ExplorerNode): string => {
    const label = item(node).label;
    return typeof label === 'string' ? label : (label?.label ?? '');
  };
  const children = async (node?: ExplorerNode): Promise<ExplorerNode[]> => api().explorer.getChildren(node);
  const child = async (parent: ExplorerNode | undefined, label: string): Promise<ExplorerNode> => {
    const all = await children(parent);
    const found = all.find((n) => labelOf(n) === label);
    assert.ok(found, `no "${label}" under ${parent ? labelOf(parent) : 'the root'}: ${all.map(labelOf).join(', ')}`);
    return found;
  };
  return { item, labelOf, children, child };
}
