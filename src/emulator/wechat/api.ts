/** What every simulated open API gets and gives back. */
import type { InboxMessage } from './inbox';
import type { WeChatSettings } from './settings';

export interface OpenApiContext {
  /** The project folder (its `.cloudbase/wechat` settings). */
  projectRoot: string;
  /** The environment's data folder (inboxes, media check results). */
  dataDir: string;
  now: Date;
  /** The mini program the call is made for. */
  appid: string;
  /** Read afresh for each call. */
  settings(): Promise<WeChatSettings>;
  /** Told about each message once it is in its inbox. */
  delivered?: (message: InboxMessage) => void;
  /** The simulated users' subscriptions and interactions; without it no recipient is checked. */
  recipients?: MessageRecipients;
}

/** What the message APIs check of a recipient (WeChatUsers is one). */
export interface MessageRecipients {
  /** Uses up a one-time acceptance of the template; `notSimulated` for an openid that is no simulated user. */
  useSubscription(openId: string, templateId: string): Promise<'accepted' | 'refused' | 'notSimulated'>;
  lastInteraction(openId: string): Promise<{ simulated: boolean; at?: number }>;
}

/** JSON fields beside `errcode: 0, errmsg: 'ok'`, or bytes (an image). */
export type OpenApiAnswer = { json: Record<string, unknown> } | { bytes: Buffer; contentType: string };

export type OpenApi = (params: Record<string, unknown>, context: OpenApiContext) => Promise<OpenApiAnswer>;

export const ok = (json: Record<string, unknown> = {}): OpenApiAnswer => ({ json });

export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);
