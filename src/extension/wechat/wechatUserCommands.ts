/**
 * Simulated WeChat users of local environments: Create WeChat User…, Delete User, Run Functions
 * as This User (the next invocations' `cloud.getWXContext()`), back to the default caller,
 * Subscribe User to Template… (what wx.requestSubscribeMessage records on a phone), and a
 * message of a user's inbox opened as a read-only document. From the Users nodes, or from the
 * Command Palette through pickers.
 */
import * as vscode from 'vscode';
import type { WeChatApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import type { WeChatSubscriptionKind, WeChatUser } from '../../shared/wechat';
import { CommandId } from '../commandIds';
import { pickEnvironment } from '../commands/pickers';
import { can } from '../environments/capabilities';
import { DefaultCallerNode, InboxMessageNode, UsersNode, WeChatUserNode } from '../explorer/nodes/wechatUserNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { InboxDocuments, inboxMessageUri } from './inboxDocuments';

/** What a command acts on without a node: `{ envKey }`, or `{ envKey, openId }` for one user. */
export interface WeChatUserTarget {
  envKey: string;
  openId?: string;
}

function isTarget(arg: unknown): arg is WeChatUserTarget {
  const t = arg as Partial<WeChatUserTarget> | undefined;
  return typeof t === 'object' && t !== null && typeof t.envKey === 'string' && (t.openId === undefined || typeof t.openId === 'string');
}

async function wechatOf(s: Services, envKey: string): Promise<WeChatApi> {
  const wechat = (await withViewProgress(() => s.registry.backend(envKey))).wechat;
  if (!wechat) throw new StudioError('NotSupported', 'This environment has no simulated WeChat users.');
  return wechat;
}

async function environmentOf(s: Services, arg: unknown): Promise<string> {
  if (arg instanceof UsersNode || arg instanceof WeChatUserNode || arg instanceof DefaultCallerNode) return arg.envKey;
  if (isTarget(arg)) return arg.envKey;
  return (await pickEnvironment(s, (e) => can(e.info.kind, 'simulatedUsers'))).key;
}

async function userOf(s: Services, arg: unknown, title: string): Promise<{ envKey: string; user: WeChatUser }> {
  if (arg instanceof WeChatUserNode) return { envKey: arg.envKey, user: arg.user };
  const envKey = await environmentOf(s, arg);
  const { users, current } = await (await wechatOf(s, envKey)).listUsers();
  const wanted = isTarget(arg) ? arg.openId : undefined;
  if (wanted !== undefined) {
    const user = users.find((u) => u.openId === wanted);
    if (!user) throw new StudioError('InvalidArgument', `There is no simulated user ${wanted}.`);
    return { envKey, user };
  }
  if (users.length === 0) throw new StudioError('InvalidArgument', 'This environment has no simulated WeChat users yet. Create one first.');
  const chosen = await s.prompts.ui.pick(
    users.map((u) => ({ label: u.nickname, description: u.openId === current ? vscode.l10n.t('✓ functions run as this user') : u.openId, detail: u.openId, user: u })),
    { title, placeHolder: vscode.l10n.t('User') },
  );
  return { envKey, user: chosen.user };
}

function changed(s: Services, envKey: string): void {
  s.changes.changed({ envKey, area: 'users' });
}

export function registerWeChatUserCommands(commands: CommandRegistry, s: Services, subscriptions: { dispose(): unknown }[]): void {
  subscriptions.push(InboxDocuments.register(s.registry));

  commands.register(CommandId.createWeChatUser, async (arg?: unknown): Promise<WeChatUser> => {
    const envKey = await environmentOf(s, arg);
    const nickname = (
      await s.prompts.ui.input({
        title: vscode.l10n.t('Create WeChat User'),
        prompt: vscode.l10n.t('Nickname of the simulated user (its openid and unionid are made up)'),
        placeHolder: vscode.l10n.t('Alice'),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a nickname.') : [...value.trim()].length > 64 ? vscode.l10n.t('At most 64 characters.') : undefined),
      })
    ).trim();
    const user = await withViewProgress(async () => (await wechatOf(s, envKey)).createUser({ nickname }));
    s.log.info(`Created simulated WeChat user ${user.openId} in ${envKey}`);
    changed(s, envKey);
    return user;
  });

  commands.register(CommandId.deleteWeChatUser, async (arg?: unknown) => {
    const { envKey, user } = await userOf(s, arg, vscode.l10n.t('Delete which user?'));
    await s.prompts.ui.confirm(
      vscode.l10n.t('Delete the simulated user "{0}"?', user.nickname),
      vscode.l10n.t('Delete'),
      vscode.l10n.t('Its inbox is deleted with it. If functions run as this user, they run as the default caller afterwards.'),
    );
    await withViewProgress(async () => (await wechatOf(s, envKey)).deleteUser(user.openId));
    s.log.info(`Deleted simulated WeChat user ${user.openId} in ${envKey}`);
    changed(s, envKey);
  });

  commands.register(CommandId.runAsWeChatUser, async (arg?: unknown): Promise<WeChatUser> => {
    const { envKey, user } = await userOf(s, arg, vscode.l10n.t('Run functions as which user?'));
    await withViewProgress(async () => (await wechatOf(s, envKey)).setCurrentUser(user.openId));
    s.log.info(`Functions in ${envKey} now run as simulated WeChat user ${user.openId}`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Functions now run as {0}.', user.nickname), 5000);
    changed(s, envKey);
    return user;
  });

  commands.register(CommandId.runAsDefaultCaller, async (arg?: unknown) => {
    const envKey = await environmentOf(s, arg);
    await withViewProgress(async () => (await wechatOf(s, envKey)).setCurrentUser(undefined));
    s.log.info(`Functions in ${envKey} now run as the default caller`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Functions now run as the default caller.'), 5000);
    changed(s, envKey);
  });

  commands.register(CommandId.subscribeWeChatUser, async (arg?: unknown): Promise<WeChatUser> => {
    const { envKey, user } = await userOf(s, arg, vscode.l10n.t('Subscribe which user?'));
    const wechat = await wechatOf(s, envKey);
    const templates = await withViewProgress(() => wechat.listTemplates());
    const items: (vscode.QuickPickItem & { id?: string })[] = [...templates.map((t) => ({ label: t.id, description: t.title, id: t.id })), { label: vscode.l10n.t('Other template id…') }];
    const chosen = await s.prompts.ui.pick(items, {
      title: vscode.l10n.t('Subscribe {0} to which template?', user.nickname),
      placeHolder: vscode.l10n.t('Template id'),
    });
    const templateId =
      chosen.id ??
      (
        await s.prompts.ui.input({
          title: vscode.l10n.t('Subscribe {0} to Template', user.nickname),
          prompt: vscode.l10n.t('The template_id functions send with subscribeMessage.send'),
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a template id.') : value.trim().length > 128 ? vscode.l10n.t('At most 128 characters.') : undefined),
        })
      ).trim();
    const kinds: (vscode.QuickPickItem & { subscription: WeChatSubscriptionKind })[] = [
      { label: vscode.l10n.t('One-time'), detail: vscode.l10n.t('One subscribe message; each acceptance adds one'), subscription: 'oneTime' },
      { label: vscode.l10n.t('Long-term'), detail: vscode.l10n.t('Every subscribe message until the user is deleted'), subscription: 'longTerm' },
    ];
    const { subscription: kind } = await s.prompts.ui.pick(kinds, { title: vscode.l10n.t('How does {0} accept {1}?', user.nickname, templateId), placeHolder: vscode.l10n.t('Subscription') });
    const updated = await withViewProgress(() => wechat.subscribeUser(user.openId, templateId, kind));
    s.log.info(`Simulated WeChat user ${user.openId} in ${envKey} accepted template ${templateId} (${kind})`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('{0} accepted {1}.', user.nickname, templateId), 5000);
    changed(s, envKey);
    return updated;
  });

  commands.register(CommandId.openInboxMessage, async (arg?: unknown) => {
    if (!(arg instanceof InboxMessageNode)) return;
    const inbox = arg.parent;
    const { envKey } = inbox.parent;
    const envLabel = s.registry.get(envKey)?.info.label ?? envKey;
    const uri = inboxMessageUri({ envKey, envLabel, nickname: inbox.owner, openId: inbox.openId, message: arg.message });
    await vscode.window.showTextDocument(uri, { preview: true });
    return uri;
  });
}
