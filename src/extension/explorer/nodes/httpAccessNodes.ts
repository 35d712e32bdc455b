import * as vscode from 'vscode';
import { readHttpAccessRoutes, type HttpAccessRoute } from '../../../project/http-access-routes';
import type { EnvironmentEntry } from '../../environments/registry';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

/** A local environment's HTTP access routes (cloudbaserc.json servicePaths), read at each expand. */
export class HttpAccessNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly entry: EnvironmentEntry,
  ) {
    this.id = `${parent.id}/http-access`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('HTTP Access'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('globe');
    item.tooltip = vscode.l10n.t('Routes from servicePaths in cloudbaserc.json and .cloudbase/http-access.json, served by the local environment');
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const root = this.entry.project?.root;
    const routes = root ? await readHttpAccessRoutes(root) : [];
    if (routes.length === 0) return [new InfoNode(this, 'no-routes', vscode.l10n.t('No routes. Add servicePaths to cloudbaserc.json.'))];
    return routes.map((r) => new HttpRouteNode(this, r));
  }
}

/** One route: its path, the function it calls, and its full local URL. */
export class HttpRouteNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: HttpAccessNode,
    readonly route: HttpAccessRoute,
  ) {
    this.id = `${parent.id}/${route.path}\0${route.functionName}`;
  }

  /** Undefined while the environment is not running (no address yet). */
  get url(): string | undefined {
    const base = this.parent.entry.url;
    return base ? base + this.route.path : undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const { route } = this;
    const item = new vscode.TreeItem(route.path, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (route.error) {
      item.description = vscode.l10n.t('{0} · not served', route.functionName);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.tooltip = `${route.path} → ${route.functionName} (${route.source})\n⚠ ${route.error}`;
      return item;
    }
    item.description = `→ ${route.functionName}`;
    item.iconPath = new vscode.ThemeIcon('link');
    item.tooltip = `${this.url ?? route.path} → ${route.functionName} (${route.source})`;
    item.contextValue = contextValue(ContextValue.httpRoute);
    return item;
  }
}
