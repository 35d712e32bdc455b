/**
 * The simulated WeChat users functions run as, kept in `<dataDir>/wechat/users.json` with the one
 * that is current. The current user is the caller of every invocation that does not name its own
 * (the editor's Invoke, timers, HTTP access), so `cloud.getWXContext()`, `event.userInfo` and the
 * functions it reaches with `cloud.callFunction` see that user; with none current the runtime's
 * default caller stays. Only the process that serves the data folder writes the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StudioError } from '../../shared/errors';
import type { NewWeChatUser, WeChatSubscriptionKind, WeChatUser, WeChatUserList } from '../../shared/wechat';
import type { SimulatedIdentity } from '../functions/identity';
import { OPENID_PATTERN } from './inbox';

const APPID_PATTERN = /^wx[0-9a-f]{16}$/i;
const MAX_NICKNAME = 64;
const MAX_TEMPLATE_ID = 128;
/**
 * Invocations are frequent: the newest one is kept in memory at once (a send reads it), the file
 * is rewritten at most once a minute per user.
 */
const INTERACTION_WRITE_MS = 60_000;

export type SubscriptionUse = 'accepted' | 'refused' | 'notSimulated';

/** `o` and 27 URL-safe characters: the length and alphabet of WeChat's openids and unionids. */
export function madeUpOpenId(): string {
  return `o${randomBytes(21).toString('base64url').slice(0, 27)}`;
}

export function identityOfWeChatUser(user: WeChatUser): Partial<SimulatedIdentity> {
  return { openId: user.openId, unionId: user.unionId, appId: user.appId, source: 'wx_client' };
}

function checkNew(input: unknown): NewWeChatUser {
  const value = (input ?? {}) as Partial<Record<keyof NewWeChatUser, unknown>>;
  const nickname = typeof value.nickname === 'string' ? value.nickname.trim() : '';
  if (nickname === '' || [...nickname].length > MAX_NICKNAME) throw new StudioError('InvalidArgument', `A nickname is 1 to ${MAX_NICKNAME} characters.`);
  for (const key of ['openId', 'unionId'] as const) {
    const id = value[key];
    if (id !== undefined && (typeof id !== 'string' || !OPENID_PATTERN.test(id))) throw new StudioError('InvalidArgument', `The ${key} must be 1 to 64 letters, digits, _ or -.`);
  }
  if (value.appId !== undefined && (typeof value.appId !== 'string' || !APPID_PATTERN.test(value.appId))) {
    throw new StudioError('InvalidArgument', 'The appId is wx followed by 16 hexadecimal digits.');
  }
  return { nickname, openId: value.openId as string | undefined, unionId: value.unionId as string | undefined, appId: value.appId as string | undefined };
}

function indexOfUser(list: WeChatUserList, openId: unknown): number {
  const index = list.users.findIndex((u) => u.openId === openId);
  if (index < 0) throw new StudioError('InvalidArgument', `There is no simulated user ${String(openId)}.`);
  return index;
}

export class WeChatUsers {
  private list?: WeChatUserList;
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(current: WeChatUser | undefined) => void>();
  private readonly changeListeners = new Set<() => void>();
  /** The newest interaction by openid, ahead of the file. */
  private readonly interactions = new Map<string, number>();

  constructor(
    private readonly file: string,
    /** The appid of users created without one: the mini program's, from project.config.json. */
    private readonly defaultAppId: () => Promise<string>,
    /** Who functions run as when no user is current, listed with the users. */
    private readonly defaultCaller?: { openId: string; appId: string },
  ) {}

  async users(): Promise<WeChatUserList> {
    const list = await this.load();
    return {
      users: list.users.map((u) => this.withInteraction(u)),
      ...(list.current === undefined ? {} : { current: list.current }),
      ...(this.defaultCaller ? { defaultCaller: { ...this.defaultCaller } } : {}),
    };
  }

  async current(): Promise<WeChatUser | undefined> {
    const list = await this.load();
    return list.users.find((u) => u.openId === list.current);
  }

  /** Hears the current user change (undefined: back to the default caller). */
  onCurrentChange(listener: (current: WeChatUser | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears every change: a user created or deleted, another one current. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async create(input: unknown): Promise<WeChatUser> {
    const wanted = checkNew(input);
    const appId = wanted.appId ?? (await this.defaultAppId());
    return this.change((list) => {
      const openId = wanted.openId ?? madeUpOpenId();
      if (list.users.some((u) => u.openId === openId)) throw new StudioError('InvalidArgument', `There is already a user with the openid ${openId}.`);
      const user: WeChatUser = { openId, unionId: wanted.unionId ?? madeUpOpenId(), appId, nickname: wanted.nickname, createdAt: Date.now() };
      list.users.push(user);
      return user;
    });
  }

  /** Deleting the current user makes functions run as the default caller again. */
  async delete(openId: unknown): Promise<void> {
    await this.change((list) => {
      const index = list.users.findIndex((u) => u.openId === openId);
      if (index < 0) throw new StudioError('InvalidArgument', `There is no simulated user ${String(openId)}.`);
      list.users.splice(index, 1);
      if (list.current === openId) list.current = undefined;
      this.interactions.delete(openId as string);
    });
  }

  /** The user accepted the template in wx.requestSubscribeMessage: one more one-time send, or long-term. */
  async subscribe(openId: unknown, templateId: unknown, kind: unknown): Promise<WeChatUser> {
    const id = typeof templateId === 'string' ? templateId.trim() : '';
    if (id === '' || id.length > MAX_TEMPLATE_ID) throw new StudioError('InvalidArgument', `A template id is 1 to ${MAX_TEMPLATE_ID} characters.`);
    if (kind !== 'oneTime' && kind !== 'longTerm') throw new StudioError('InvalidArgument', 'A subscription is oneTime or longTerm.');
    return this.change((list) => {
      const index = indexOfUser(list, openId);
      const user = list.users[index];
      const before = user.subscriptions?.[id] ?? { oneTime: 0 };
      const after = (kind as WeChatSubscriptionKind) === 'longTerm' ? { ...before, longTerm: true } : { ...before, oneTime: before.oneTime + 1 };
      const updated: WeChatUser = { ...user, subscriptions: { ...user.subscriptions, [id]: after } };
      list.users[index] = updated;
      return this.withInteraction(updated);
    });
  }

  /**
   * subscribeMessage.send asks before delivering: a one-time acceptance is used up, a long-term one
   * stays. An openid that is no simulated user (the default caller, a made-up one) is not checked.
   */
  useSubscription(openId: string, templateId: string): Promise<SubscriptionUse> {
    return this.changeIf((list) => {
      const index = list.users.findIndex((u) => u.openId === openId);
      if (index < 0) return { result: 'notSimulated', store: false };
      const user = list.users[index];
      const subscription = user.subscriptions && Object.hasOwn(user.subscriptions, templateId) ? user.subscriptions[templateId] : undefined;
      if (subscription?.longTerm) return { result: 'accepted', store: false };
      if (!subscription || subscription.oneTime <= 0) return { result: 'refused', store: false };
      const subscriptions = { ...user.subscriptions };
      if (subscription.oneTime === 1) delete subscriptions[templateId];
      else subscriptions[templateId] = { ...subscription, oneTime: subscription.oneTime - 1 };
      list.users[index] = { ...user, subscriptions };
      return { result: 'accepted', store: true };
    });
  }

  /** An invocation ran as this openid (`at`: ms since the epoch); other openids are ignored. */
  async touch(openId: string, at: number): Promise<void> {
    const user = (await this.load()).users.find((u) => u.openId === openId);
    if (!user) return;
    this.interactions.set(openId, Math.max(at, this.interactions.get(openId) ?? at));
    if (user.lastInteractionAt !== undefined && at - user.lastInteractionAt < INTERACTION_WRITE_MS) return;
    await this.changeIf((list) => {
      const index = list.users.findIndex((u) => u.openId === openId);
      if (index < 0) return { result: undefined, store: false };
      list.users[index] = this.withInteraction(list.users[index]);
      return { result: undefined, store: true };
    });
  }

  /** When the openid last ran a function; `simulated: false` for one that is no simulated user. */
  async lastInteraction(openId: string): Promise<{ simulated: boolean; at?: number }> {
    const user = (await this.load()).users.find((u) => u.openId === openId);
    return user ? { simulated: true, at: this.withInteraction(user).lastInteractionAt } : { simulated: false };
  }

  private withInteraction(user: WeChatUser): WeChatUser {
    const kept = this.interactions.get(user.openId);
    if (kept === undefined || (user.lastInteractionAt ?? -Infinity) >= kept) return { ...user };
    return { ...user, lastInteractionAt: kept };
  }

  /** undefined or null: no current user (the default caller). */
  async setCurrent(openId: unknown): Promise<void> {
    await this.change((list) => {
      if (openId === undefined || openId === null) {
        list.current = undefined;
        return;
      }
      if (!list.users.some((u) => u.openId === openId)) throw new StudioError('InvalidArgument', `There is no simulated user ${String(openId)}.`);
      list.current = openId as string;
    });
  }

  private async load(): Promise<WeChatUserList> {
    if (this.list) return this.list;
    let list: WeChatUserList = { users: [] };
    try {
      const value = JSON.parse(await readFile(this.file, 'utf8')) as Partial<WeChatUserList>;
      if (Array.isArray(value.users)) list = { users: value.users, current: typeof value.current === 'string' ? value.current : undefined };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StudioError('Internal', `The simulated users file ${this.file} cannot be read: ${(e as Error).message}`);
    }
    return (this.list ??= list);
  }

  private change<T>(apply: (list: WeChatUserList) => T): Promise<T> {
    return this.changeIf((list) => ({ result: apply(list), store: true }));
  }

  /** One change at a time, on disk (written beside and renamed over) before it resolves; `store: false` writes nothing. */
  private changeIf<T>(apply: (list: WeChatUserList) => { result: T; store: boolean }): Promise<T> {
    const next = this.writing.then(async () => {
      const loaded = await this.load();
      const list: WeChatUserList = { users: [...loaded.users], current: loaded.current };
      const before = loaded.current;
      const { result, store } = apply(list);
      if (!store) return result;
      await mkdir(dirname(this.file), { recursive: true });
      const partial = `${this.file}.${process.pid}.partial`;
      await writeFile(partial, JSON.stringify(list, null, 2) + '\n');
      await rename(partial, this.file);
      this.list = list;
      for (const listener of [...this.changeListeners]) listener();
      if (list.current !== before) {
        const current = list.users.find((u) => u.openId === list.current);
        for (const listener of [...this.listeners]) listener(current);
      }
      return result;
    });
    this.writing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
