/**
 * Messages to users: subscribeMessage.send, customerServiceMessage.send, uniformMessage.send and
 * templateMessage.send. Nothing reaches a phone: each message, its template rendered with its
 * data, goes to the user's local inbox (inbox.ts). Requests are checked as WeChat checks them
 * first (openid, template id, data shape), and a refused one stores nothing. A simulated user
 * (users.ts) gets a subscribe message only for a template it accepted (43101), one send per
 * one-time acceptance, and a customer service message only within 48 hours of its last
 * invocation (45015); openids that are no simulated user are not checked. Uniform and template
 * messages are not checked (following the official account, form ids).
 */
import { randomUUID } from 'node:crypto';
import { ok, text, type OpenApi, type OpenApiContext } from './api';
import { WeChatError } from './errors';
import { OPENID_PATTERN, appendToInbox, type InboxMessage, type InboxMessageKind } from './inbox';
import type { MessageTemplate } from './settings';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function touserOf(params: Json): string {
  const touser = params.touser;
  if (typeof touser !== 'string' || !OPENID_PATTERN.test(touser)) throw new WeChatError('invalidOpenid', touser === undefined || touser === '' ? 'touser is missing' : undefined);
  return touser;
}

function templateIdOf(value: unknown): string {
  const id = text(value);
  if (!id) throw new WeChatError('invalidTemplateId', 'template_id is missing');
  return id;
}

/** Subscribe message keywords are typed by name (`thing1`, `number2`, …), each with WeChat's length limit. */
const KEYWORD_LIMITS: [RegExp, number][] = [
  [/^thing\d+$/, 20],
  [/^number\d+$/, 32],
  [/^letter\d+$/, 32],
  [/^symbol\d+$/, 5],
  [/^character_string\d+$/, 32],
  [/^time\d+$/, 64],
  [/^date\d+$/, 64],
  [/^amount\d+$/, 32],
  [/^phone_number\d+$/, 17],
  [/^car_number\d+$/, 8],
  [/^name\d+$/, 10],
  [/^phrase\d+$/, 5],
];

/** `{ key: { value } }` with string or number values; `limits` applies the subscribe message limits. */
function dataOf(value: unknown, limits: boolean): Record<string, string> {
  if (!isObject(value) || Object.keys(value).length === 0) throw new WeChatError('argumentInvalid', 'data is empty');
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    const v = isObject(entry) ? text(entry.value) : undefined;
    if (v === undefined) throw new WeChatError('argumentInvalid', `data.${key}.value is empty`);
    const limit = limits ? KEYWORD_LIMITS.find(([pattern]) => pattern.test(key))?.[1] : undefined;
    if (limit !== undefined && [...v].length > limit) throw new WeChatError('argumentInvalid', `data.${key}.value exceeds limit (${limit} characters)`);
    result[key] = v;
  }
  return result;
}

/** `{{thing1.DATA}}` placeholders filled in; without a template, one `key: value` line per entry. */
export function renderTemplate(template: MessageTemplate | undefined, data: Record<string, string>): string {
  if (!template) return Object.entries(data).map(([k, v]) => `${k}: ${v}`).join('\n');
  return template.content.replace(/\{\{\s*([\w-]+)\.DATA\s*\}\}/g, (whole, key: string) => (Object.hasOwn(data, key) ? data[key] : whole));
}

async function deliver(
  context: OpenApiContext,
  api: string,
  kind: InboxMessageKind,
  params: Json,
  fields: Pick<InboxMessage, 'touser' | 'text'> & Partial<Pick<InboxMessage, 'templateId' | 'page' | 'title'>>,
): Promise<void> {
  const message: InboxMessage = { id: randomUUID(), kind, api, sentAt: context.now.toISOString(), request: params, ...fields };
  await appendToInbox(context.dataDir, message);
  context.delivered?.(message);
}

async function templated(context: OpenApiContext, templateId: string, data: Record<string, string>): Promise<{ title?: string; text: string }> {
  const template = (await context.settings()).templates[templateId];
  return { title: template?.title, text: renderTemplate(template, data) };
}

/** WeChat lets customer service answer for 48 hours after the user's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 3600_000;

export const subscribeMessageSend: OpenApi = async (params, context) => {
  const touser = touserOf(params);
  const templateId = templateIdOf(params.template_id);
  const data = dataOf(params.data, true);
  const state = params.miniprogram_state;
  if (state !== undefined && !['developer', 'trial', 'formal'].includes(String(state))) throw new WeChatError('argumentInvalid', 'miniprogram_state must be developer, trial or formal');
  // Last of the checks: a refused request must not use up the user's acceptance.
  if ((await context.recipients?.useSubscription(touser, templateId)) === 'refused') throw new WeChatError('userRefused', `(${touser} has not accepted ${templateId})`);
  await deliver(context, 'subscribeMessage.send', 'subscribe', params, { touser, templateId, page: text(params.page), ...(await templated(context, templateId, data)) });
  return ok();
};

export const templateMessageSend: OpenApi = async (params, context) => {
  const touser = touserOf(params);
  const templateId = templateIdOf(params.template_id);
  if (!text(params.form_id)) throw new WeChatError('invalidFormId', 'form_id is missing');
  const data = dataOf(params.data, false);
  await deliver(context, 'templateMessage.send', 'template', params, { touser, templateId, page: text(params.page), ...(await templated(context, templateId, data)) });
  return ok();
};

/** The official-account template message (`mp_template_msg`); the older `weapp_template_msg` is read too. */
export const uniformMessageSend: OpenApi = async (params, context) => {
  const touser = touserOf(params);
  const mp = isObject(params.mp_template_msg) ? params.mp_template_msg : isObject(params.weapp_template_msg) ? params.weapp_template_msg : undefined;
  if (!mp) throw new WeChatError('argumentInvalid', 'mp_template_msg is missing');
  const templateId = templateIdOf(mp.template_id);
  const data = dataOf(mp.data, false);
  const miniprogram = isObject(mp.miniprogram) ? mp.miniprogram : undefined;
  const page = text(miniprogram?.pagepath) ?? text(mp.page) ?? text(mp.url);
  await deliver(context, 'uniformMessage.send', 'uniform', params, { touser, templateId, page, ...(await templated(context, templateId, data)) });
  return ok();
};

function customerServiceText(params: Json): { text: string; page?: string; title?: string } {
  const body = params[String(params.msgtype)];
  const part = isObject(body) ? body : {};
  switch (params.msgtype) {
    case 'text': {
      const content = text(part.content);
      if (!content) throw new WeChatError('emptyContent', 'text.content is missing');
      return { text: content };
    }
    case 'image': {
      const mediaId = text(part.media_id);
      if (!mediaId) throw new WeChatError('invalidMediaId', 'image.media_id is missing');
      return { text: `[image ${mediaId}]` };
    }
    case 'link': {
      const title = text(part.title);
      const url = text(part.url);
      if (!title || !url) throw new WeChatError('argumentInvalid', 'link needs title and url');
      return { title, text: [title, text(part.description), url].filter(Boolean).join('\n') };
    }
    case 'miniprogrampage': {
      const title = text(part.title);
      const pagepath = text(part.pagepath);
      if (!title || !pagepath) throw new WeChatError('argumentInvalid', 'miniprogrampage needs title and pagepath');
      return { title, page: pagepath, text: `[mini program page] ${title}` };
    }
    default:
      throw new WeChatError('invalidMessageType', params.msgtype === undefined ? 'msgtype is missing' : `msgtype "${String(params.msgtype)}"`);
  }
}

export const customerServiceMessageSend: OpenApi = async (params, context) => {
  const touser = touserOf(params);
  const message = customerServiceText(params);
  const interaction = await context.recipients?.lastInteraction(touser);
  if (interaction?.simulated && (interaction.at === undefined || context.now.getTime() - interaction.at > CUSTOMER_SERVICE_WINDOW_MS)) {
    throw new WeChatError('outOfTimeLimit', `(${touser} has not interacted within 48 hours)`);
  }
  await deliver(context, 'customerServiceMessage.send', 'customerService', params, { touser, ...message });
  return ok();
};
