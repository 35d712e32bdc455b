/**
 * The simulated WeChat platform as the editor sees it: the users functions run as, and the
 * messages functions sent them. Types only; the local environment keeps both in its data folder.
 */

/** A simulated mini program user; the current one is who `cloud.getWXContext()` returns. */
export interface WeChatUser {
  /** 28 characters of [A-Za-z0-9_-], as WeChat's. */
  openId: string;
  unionId: string;
  appId: string;
  nickname: string;
  /** ms since the epoch. */
  createdAt: number;
  /** The templates the user accepted in wx.requestSubscribeMessage, by template id. */
  subscriptions?: Record<string, WeChatSubscription>;
  /** ms since the epoch of the last invocation as this user: customer service messages need one within 48 hours. */
  lastInteractionAt?: number;
}

/**
 * What accepting a template gives: each one-time acceptance lets one subscribeMessage.send through
 * (WeChat counts them up); a long-term one is never used up.
 */
export interface WeChatSubscription {
  oneTime: number;
  longTerm?: boolean;
}

export type WeChatSubscriptionKind = 'oneTime' | 'longTerm';

export interface WeChatUserList {
  users: WeChatUser[];
  /** The openid functions run as; none: the environment's default caller. */
  current?: string;
  /** Who functions run as when no user is current (its messages have an inbox too); absent from older environments. */
  defaultCaller?: { openId: string; appId: string };
}

/** What Create WeChat User asks for; ids left out are made up, the appid is the project's. */
export interface NewWeChatUser {
  nickname: string;
  openId?: string;
  unionId?: string;
  appId?: string;
}

/** What the environment announces: the users changed, or `inbox` (an openid) got a message. */
export interface WeChatChange {
  inbox?: string;
}

export type InboxMessageKind = 'subscribe' | 'customerService' | 'uniform' | 'template';

export interface InboxMessage {
  id: string;
  kind: InboxMessageKind;
  /** The open API that sent it, e.g. `subscribeMessage.send`. */
  api: string;
  touser: string;
  /** ISO time of sending. */
  sentAt: string;
  templateId?: string;
  /** The page the message opens, if any. */
  page?: string;
  title?: string;
  /** The message as the user would read it: the template rendered with its data, or the text. */
  text: string;
  /** The request's own parameters, as sent (snake case). */
  request: Record<string, unknown>;
}

/** A message template of the project (`.cloudbase/wechat/templates.json`). */
export interface WeChatTemplateInfo {
  id: string;
  title?: string;
}
