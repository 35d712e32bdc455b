/**
 * HTTP access routes in the tree: Copy URL and Open in Browser on a route, and a redraw of the
 * HTTP Access nodes when the files the routes come from change.
 */
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import { CommandId } from '../commandIds';
import { can } from '../environments/capabilities';
import { HttpRouteNode } from '../explorer/nodes/httpAccessNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { Services } from '../services';

function routeUrl(arg: unknown): string {
  if (!(arg instanceof HttpRouteNode)) throw new StudioError('InvalidArgument', 'Choose a route under HTTP Access in the CloudBase view.');
  if (arg.route.error) throw new StudioError('InvalidArgument', arg.route.error);
  const url = arg.url;
  if (!url) throw new StudioError('EnvironmentNotFound', 'The local environment is not running: start it to get its address.');
  return url;
}

export function registerHttpAccessCommands(commands: CommandRegistry, s: Services, subscriptions: { dispose(): unknown }[]): void {
  commands.register(CommandId.copyHttpUrl, async (arg?: unknown) => {
    const url = routeUrl(arg);
    await vscode.env.clipboard.writeText(url);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', url), 3000);
  });
  commands.register(CommandId.openHttpUrl, async (arg?: unknown) => {
    await vscode.env.openExternal(vscode.Uri.parse(routeUrl(arg)));
  });

  const redraw = (): void => {
    for (const entry of s.registry.list()) if (can(entry.info.kind, 'httpAccess')) s.changes.changed({ envKey: entry.key, area: 'httpAccess' });
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{cloudbaserc.json,.cloudbase/http-access.json}');
  subscriptions.push(watcher, watcher.onDidChange(redraw), watcher.onDidCreate(redraw), watcher.onDidDelete(redraw));
}
