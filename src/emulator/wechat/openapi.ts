/**
 * The `wx.openApi` action: what wx-server-sdk's `cloud.openapi.<group>.<api>(data)` sends. The
 * call's `apiName` picks a simulated API; its answer goes back as WeChat's JSON
 * (`errcode: 0, errmsg: 'ok'` plus fields, or a WeChat error code) or as bytes (images), inside
 * the protobuf the SDK decodes. An open API that is not simulated answers -604100 naming it; the
 * internal APIs sent the same way (getOpenData, …) answer NOT_AVAILABLE_LOCALLY.
 */
import type { InboxMessage } from './inbox';
import type { ActionHandler } from '../server/protocol';
import { BinaryReply } from '../server/protocol';
import { OversizedPart } from '../server/admin-form';
import { StudioError } from '../../shared/errors';
import type { MessageRecipients, OpenApi, OpenApiContext } from './api';
import { WECHAT_CODES, WeChatError } from './errors';
import { getPaidUnionId, getPhoneNumber } from './identity';
import { urllinkGenerate, urlschemeGenerate } from './links';
import { customerServiceMessageSend, subscribeMessageSend, templateMessageSend, uniformMessageSend } from './messages';
import { imgSecCheck, mediaCheckAsync, msgSecCheck } from './security';
import { readWeChatSettings } from './settings';
import { OPEN_API, decodeOpenApiCall, encodeOpenApiAnswer, type MediaParam } from './wire';
import { openApiNamed } from './api-paths';
import { wxacodeCreateQRCode, wxacodeGet, wxacodeGetUnlimited } from './wxacode';

/** By apiName as the SDK sends it (`security.msgSecCheck`: the path under cloud.openapi). */
export const SIMULATED_OPEN_APIS: Readonly<Record<string, OpenApi>> = {
  'security.msgSecCheck': msgSecCheck,
  'security.imgSecCheck': imgSecCheck,
  'security.mediaCheckAsync': mediaCheckAsync,
  'subscribeMessage.send': subscribeMessageSend,
  'customerServiceMessage.send': customerServiceMessageSend,
  'uniformMessage.send': uniformMessageSend,
  'templateMessage.send': templateMessageSend,
  'wxacode.get': wxacodeGet,
  'wxacode.getUnlimited': wxacodeGetUnlimited,
  'wxacode.createQRCode': wxacodeCreateQRCode,
  'urlscheme.generate': urlschemeGenerate,
  'urllink.generate': urllinkGenerate,
  'auth.getPaidUnionId': getPaidUnionId,
  'phonenumber.getPhoneNumber': getPhoneNumber,
};

export interface WeChatOptions {
  projectRoot: string;
  dataDir: string;
  /** The mini program's appid when the call names none; default the project's (project.config.json) or a made-up one. */
  appid?: () => Promise<string>;
  /** Hears each message delivered to an inbox (the editor redraws that user's Inbox). */
  onDelivered?: (message: InboxMessage) => void;
  /** The simulated users, whose subscriptions and interactions the message APIs check. */
  recipients?: MessageRecipients;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** What WeChat answers: its JSON, or an image's bytes. */
type WeChatAnswer = { json: Record<string, unknown> } | { bytes: Buffer; contentType: string };

function notSimulated(apiName: string): WeChatAnswer {
  const { errcode, errmsg } = WECHAT_CODES.notSimulated;
  return {
    json: {
      errcode,
      errmsg: `${errmsg}: ${apiName} is not simulated by the local environment (it simulates ${Object.keys(SIMULATED_OPEN_APIS).join(', ')}). Run this code in a cloud environment.`,
    },
  };
}

/** One open API call, whichever wire it came by; WeChat's refusals are answers, anything else throws. */
async function answerOpenApi(options: WeChatOptions, apiName: string, params: Record<string, unknown>, appid: string | undefined, now: Date): Promise<WeChatAnswer> {
  const api = Object.hasOwn(SIMULATED_OPEN_APIS, apiName) ? SIMULATED_OPEN_APIS[apiName] : undefined;
  if (!api) return notSimulated(apiName);
  const context: OpenApiContext = {
    projectRoot: options.projectRoot,
    dataDir: options.dataDir,
    now,
    appid: appid ?? (await options.appid?.()) ?? 'wx0000000000000000',
    settings: () => readWeChatSettings(options.projectRoot),
    delivered: options.onDelivered,
    recipients: options.recipients,
  };
  try {
    const answer = await api(params, context);
    return 'bytes' in answer ? answer : { json: { errcode: 0, errmsg: 'ok', ...answer.json } };
  } catch (e) {
    if (e instanceof WeChatError) return { json: { errcode: e.errcode, errmsg: e.errmsg } };
    throw e;
  }
}

function protobufReply(answer: WeChatAnswer): BinaryReply {
  if ('bytes' in answer) return new BinaryReply(encodeOpenApiAnswer(answer.bytes, answer.contentType));
  return new BinaryReply(encodeOpenApiAnswer(Buffer.from(JSON.stringify(answer.json), 'utf8'), JSON_TYPE));
}

export function wechatOpenApi(options: WeChatOptions): ActionHandler {
  return async (params, actionContext) => {
    const apiName = typeof params.apiName === 'string' ? params.apiName : '';
    if (apiName === '') throw new StudioError('InvalidArgument', 'wx.openApi names no apiName.');
    const requestData = params.requestData;
    // Over the size limit: refused before it is decoded, so nothing is stored.
    if (requestData instanceof OversizedPart) {
      const { errcode, errmsg } = WECHAT_CODES.contentSizeOutOfLimit;
      return protobufReply({ json: { errcode, errmsg: `${errmsg} the request is over ${requestData.limit} bytes` } });
    }
    if (!Buffer.isBuffer(requestData)) throw new StudioError('InvalidArgument', 'wx.openApi takes requestData as a binary part of a multipart/form-data body.');
    const call = decodeOpenApiCall(requestData);
    // Internal APIs (getOpenData, VoIP and cloud-call signatures) expect protobuf answers, not WeChat JSON.
    if (call.apiType !== OPEN_API) throw new StudioError('NotSupported', `${apiName} is not available in the local environment (it needs WeChat's servers). Run this code in a cloud environment.`);
    return protobufReply(await answerOpenApi(options, apiName, call.params, call.appid, actionContext.now));
  };
}

/**
 * The older JSON `wx.api` (node-sdk's `callWxOpenApi`, wx-server-sdk 1.x's `cloud.callOpenAPI`):
 * `requestData` is the parameters' JSON text, the answer `{ responseData }` carries WeChat's JSON
 * as text. The API is named as under `cloud.openapi` (`security.msgSecCheck`) or by WeChat's
 * path (`/wxa/msg_sec_check`). JSON cannot carry an image back, so the APIs that answer one
 * (wxacode) are refused here with a pointer to `cloud.openapi`.
 */
export function wechatJsonApi(options: WeChatOptions): ActionHandler {
  return async (params, actionContext) => {
    const named = typeof params.apiName === 'string' ? params.apiName.trim() : '';
    if (named === '') throw new StudioError('InvalidArgument', 'wx.api names no apiName.');
    const apiName = openApiNamed(named);
    const answer = await answerOpenApi(options, apiName, jsonParams(params.requestData), appidOf(params.apiOptions), actionContext.now);
    if ('bytes' in answer) {
      throw new StudioError('NotSupported', `${named} answers with an image, which wx.api cannot carry in the local environment. Call it through cloud.openapi (wx.openApi) instead.`);
    }
    return { responseData: JSON.stringify(answer.json) };
  };
}

function jsonParams(requestData: unknown): Record<string, unknown> {
  if (requestData === undefined || requestData === null || requestData === '') return {};
  let value: unknown = requestData;
  if (typeof requestData === 'string') {
    try {
      value = JSON.parse(requestData) as unknown;
    } catch (e) {
      throw new StudioError('InvalidArgument', 'wx.api takes requestData as JSON text.', { cause: e });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StudioError('InvalidArgument', 'wx.api takes requestData as a JSON object.');
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, entry] of Object.entries(value)) result[key] = revivedMedia(entry);
  return result;
}

/** A Buffer in JSON is `{ type: 'Buffer', data: [...] }`; media sent that way (`{ contentType, value }`) is read as the bytes. */
function revivedMedia(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null) return entry;
  const { value, contentType } = entry as { value?: { type?: unknown; data?: unknown }; contentType?: unknown };
  if (value?.type !== 'Buffer' || !Array.isArray(value.data)) return entry;
  return { filename: 'media', contentType: typeof contentType === 'string' ? contentType : undefined, value: Buffer.from(value.data as number[]) } satisfies MediaParam;
}

function appidOf(apiOptions: unknown): string | undefined {
  const appid = typeof apiOptions === 'object' && apiOptions !== null ? (apiOptions as { appid?: unknown }).appid : undefined;
  return typeof appid === 'string' && appid !== '' ? appid : undefined;
}
