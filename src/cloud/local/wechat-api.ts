/** The simulated WeChat users and their inboxes, next to the engine (see src/emulator/wechat). */
import type { WeChatApi } from '../backend';
import { throwIfAborted } from '../../shared/errors';
import type { InboxMessage, NewWeChatUser, WeChatSubscriptionKind, WeChatTemplateInfo, WeChatUser, WeChatUserList } from '../../shared/wechat';
import { readInbox, readWeChatSettings, removeInbox, type WeChatUsers } from '../../emulator/wechat/index';

export class LocalWeChatApi implements WeChatApi {
  constructor(
    private readonly users: WeChatUsers,
    private readonly dataDir: string,
    private readonly projectRoot: string,
  ) {}

  listUsers(signal?: AbortSignal): Promise<WeChatUserList> {
    throwIfAborted(signal);
    return this.users.users();
  }

  createUser(user: NewWeChatUser, signal?: AbortSignal): Promise<WeChatUser> {
    throwIfAborted(signal);
    return this.users.create(user);
  }

  async deleteUser(openId: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    await this.users.delete(openId);
    await removeInbox(this.dataDir, openId);
  }

  setCurrentUser(openId: string | undefined, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    return this.users.setCurrent(openId);
  }

  readInbox(openId: string, signal?: AbortSignal): Promise<InboxMessage[]> {
    throwIfAborted(signal);
    return readInbox(this.dataDir, openId);
  }

  subscribeUser(openId: string, templateId: string, kind: WeChatSubscriptionKind, signal?: AbortSignal): Promise<WeChatUser> {
    throwIfAborted(signal);
    return this.users.subscribe(openId, templateId, kind);
  }

  async listTemplates(signal?: AbortSignal): Promise<WeChatTemplateInfo[]> {
    throwIfAborted(signal);
    const { templates } = await readWeChatSettings(this.projectRoot);
    return Object.entries(templates).map(([id, t]) => (t.title === undefined ? { id } : { id, title: t.title }));
  }
}
