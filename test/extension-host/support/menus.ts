/**
 * Which view/item/context menu commands VS Code offers on a tree item, read from the installed
 * extension's package.json the way VS Code reads it: every `viewItem =~ /re/` of a when clause
 * must match the item's context value. Other terms (`view == cloudbase.explorer`,
 * `!listMultiSelection`) hold for a single item in the explorer.
 */
import * as vscode from 'vscode';
import { EXTENSION_ID } from './scripted';

interface MenuItem {
  command: string;
  when?: string;
}

export function offeredCommands(contextValue: string | undefined): string[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, MenuItem[]> } };
  const offered = manifest.contributes.menus['view/item/context']!.filter((menu) => {
    const when = menu.when ?? '';
    if (/\|\|/.test(when)) throw new Error(`read this when clause by hand: ${when}`);
    const patterns = [...when.matchAll(/viewItem\s*=~\s*\/((?:\\\/|[^/])+)\/([a-z]*)/g)].map((m) => new RegExp(m[1]!, m[2]));
    return patterns.length > 0 && patterns.every((p) => p.test(contextValue ?? ''));
  });
  return [...new Set(offered.map((m) => m.command))];
}
