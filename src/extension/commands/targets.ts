/**
 * Which node a command acts on: the one a menu passed, or, from the Delete key binding (which
 * passes `{ fromSelection: true }` because key bindings cannot see the item), the selected one.
 * The Command Palette passes nothing and the command asks with pickers instead.
 */
import type * as vscode from 'vscode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';

export interface FromSelection {
  fromSelection: true;
}

export function isFromSelection(arg: unknown): arg is FromSelection {
  return typeof arg === 'object' && arg !== null && (arg as Partial<FromSelection>).fromSelection === true;
}

export function targetNode<T extends ExplorerNode>(
  arg: unknown,
  view: vscode.TreeView<ExplorerNode>,
  kind: abstract new (...args: never[]) => T,
): T | undefined {
  if (arg instanceof kind) return arg;
  if (isFromSelection(arg)) {
    const selected = view.selection[0];
    return selected instanceof kind ? selected : undefined;
  }
  return undefined;
}
