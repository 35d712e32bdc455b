/** The simulated WeChat users and their inboxes, next to the engine (see src/emulator/wechat). */
import type { WeChatApi } from '../backend';
import { throwIfAborted } from '../../shared/errors';
import type { InboxMessage, NewWeChatUser, WeChatUser, WeChatUserList } from '../../shared/wechat';
import { readInbox, type WeChatUsers } from '../../emulator/wechat/index';

export class LocalWeChatApi implements WeChatApi {
  constructor(
    private readonly users: WeChatUsers,
    private readonly dataDir: string,
  ) {}

  listUsers(signal?: AbortSignal): Promise<WeChatUserList> {
    throwIfAborted(signal);
    return this.users.users();
  }

  createUser(user: NewWeChatUser, signal?: AbortSignal): Promise<WeChatUser> {
    throwIfAborted(signal);
    return this.users.create(user);
  }

  deleteUser(openId: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    return this.users.delete(openId);
  }

  setCurrentUser(openId: string | undefined, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    return this.users.setCurrent(openId);
  }

  readInbox(openId: string, signal?: AbortSignal): Promise<InboxMessage[]> {
    throwIfAborted(signal);
    return readInbox(this.dataDir, openId);
  }
}
