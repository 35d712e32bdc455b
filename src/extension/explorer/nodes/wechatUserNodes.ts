import * as vscode from 'vscode';
import type { InboxMessage, WeChatUser } from '../../../shared/wechat';
import { CommandId } from '../../commandIds';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

/** A local environment's simulated WeChat users, read at each expand; the current one is checked. */
export class UsersNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly model: ExplorerModel,
    readonly envKey: string,
  ) {
    this.id = `${parent.id}/users`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Users'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.tooltip = vscode.l10n.t('Simulated WeChat users: functions run as the current one, and the messages they send land in its inbox');
    item.contextValue = contextValue(ContextValue.wechatUsers);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    try {
      const { users, current, defaultCaller } = await (await this.model.wechatOf(this.envKey)).listUsers();
      const caller = defaultCaller ? [new DefaultCallerNode(this, defaultCaller, current === undefined)] : [];
      if (users.length === 0) {
        return [
          ...caller,
          new InfoNode(this, 'no-users', vscode.l10n.t('No users. Functions run as the default caller.'), {
            command: CommandId.createWeChatUser,
            title: vscode.l10n.t('Create WeChat User…'),
            arguments: [this],
          }),
        ];
      }
      return [...caller, ...users.map((u) => new WeChatUserNode(this, u, u.openId === current))];
    } catch (e) {
      return [new ErrorNode(this, e, { environment: this.envKey })];
    }
  }
}

function subscriptionLines(user: WeChatUser): string[] {
  const entries = Object.entries(user.subscriptions ?? {}).filter(([, sub]) => sub.longTerm || sub.oneTime > 0);
  if (entries.length === 0) return [vscode.l10n.t('Accepted no template: subscribe messages are refused.')];
  return entries.map(([id, sub]) => (sub.longTerm ? vscode.l10n.t('Accepted {0}: long-term', id) : vscode.l10n.t('Accepted {0}: {1} message(s) left', id, String(sub.oneTime))));
}

/** Who functions run as when no user is current; what they send to its openid lands in its inbox. */
export class DefaultCallerNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: UsersNode,
    readonly caller: { openId: string; appId: string },
    readonly current: boolean,
  ) {
    this.id = `${parent.id}/default-caller`;
  }

  get envKey(): string {
    return this.parent.envKey;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Default caller'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.current ? vscode.l10n.t('✓ functions run as the default caller') : this.caller.openId;
    item.iconPath = new vscode.ThemeIcon(this.current ? 'pass-filled' : 'account');
    item.tooltip = [
      vscode.l10n.t('Default caller'),
      vscode.l10n.t('OpenID: {0}', this.caller.openId),
      vscode.l10n.t('AppID: {0}', this.caller.appId),
      this.current ? vscode.l10n.t('Functions run as the default caller.') : vscode.l10n.t('Functions run as another user now.'),
    ].join('\n');
    if (!this.current) item.contextValue = contextValue(ContextValue.switchableDefaultCaller);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    return [new InboxNode(this, this.parent.model, this.caller.openId, vscode.l10n.t('the default caller'))];
  }
}

export class WeChatUserNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: UsersNode,
    readonly user: WeChatUser,
    readonly current: boolean,
  ) {
    this.id = `${parent.id}/${user.openId}`;
  }

  get envKey(): string {
    return this.parent.envKey;
  }

  getTreeItem(): vscode.TreeItem {
    const { user } = this;
    const item = new vscode.TreeItem(user.nickname, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.current ? vscode.l10n.t('✓ functions run as this user') : user.openId;
    item.iconPath = new vscode.ThemeIcon(this.current ? 'pass-filled' : 'person');
    item.tooltip = [
      user.nickname,
      vscode.l10n.t('OpenID: {0}', user.openId),
      vscode.l10n.t('UnionID: {0}', user.unionId),
      vscode.l10n.t('AppID: {0}', user.appId),
      ...subscriptionLines(user),
      user.lastInteractionAt === undefined ? vscode.l10n.t('No invocation yet: customer service messages are refused.') : vscode.l10n.t('Last invocation: {0}', new Date(user.lastInteractionAt).toLocaleString()),
      ...(this.current ? [vscode.l10n.t('Functions run as this user.')] : []),
    ].join('\n');
    item.contextValue = contextValue(ContextValue.wechatUser, this.current ? ContextValue.currentUser : ContextValue.switchableUser);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    return [new InboxNode(this, this.parent.model, this.user.openId, this.user.nickname)];
  }
}

/** What functions sent the user (subscribe, customer service, uniform and template messages), oldest first. */
export class InboxNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: WeChatUserNode | DefaultCallerNode,
    private readonly model: ExplorerModel,
    readonly openId: string,
    /** The nickname, or "the default caller". */
    readonly owner: string,
  ) {
    this.id = `${parent.id}/inbox`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Inbox'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('inbox');
    item.tooltip = vscode.l10n.t('Messages functions sent {0} with cloud.openapi', this.owner);
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    const { envKey } = this.parent;
    try {
      const messages = await (await this.model.wechatOf(envKey)).readInbox(this.openId);
      if (messages.length === 0) return [new InfoNode(this, 'empty', vscode.l10n.t('No messages.'))];
      return messages.map((m) => new InboxMessageNode(this, m));
    } catch (e) {
      return [new ErrorNode(this, e, { environment: envKey })];
    }
  }
}

export function messageHeading(message: InboxMessage): string {
  return message.title ?? message.templateId ?? message.api;
}

/** One message: its rendered text in the tooltip; a click opens it as a read-only document. */
export class InboxMessageNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: InboxNode,
    readonly message: InboxMessage,
  ) {
    this.id = `${parent.id}/${message.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const { message } = this;
    const item = new vscode.TreeItem(messageHeading(message), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = new Date(message.sentAt).toLocaleString();
    item.iconPath = new vscode.ThemeIcon('mail');
    item.tooltip = [
      messageHeading(message),
      '',
      message.text,
      '',
      vscode.l10n.t('Sent with {0} at {1}', message.api, message.sentAt),
      ...(message.page ? [vscode.l10n.t('Opens {0}', message.page)] : []),
    ].join('\n');
    item.command = { command: CommandId.openInboxMessage, title: vscode.l10n.t('Open Message'), arguments: [this] };
    return item;
  }
}
