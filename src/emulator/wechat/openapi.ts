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
import type { OpenApi, OpenApiContext } from './api';
import { WECHAT_CODES, WeChatError } from './errors';
import { getPaidUnionId, getPhoneNumber } from './identity';
import { urllinkGenerate, urlschemeGenerate } from './links';
import { customerServiceMessageSend, subscribeMessageSend, templateMessageSend, uniformMessageSend } from './messages';
import { imgSecCheck, mediaCheckAsync, msgSecCheck } from './security';
import { readWeChatSettings } from './settings';
import { OPEN_API, decodeOpenApiCall, encodeOpenApiAnswer } from './wire';
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
}

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonAnswer(body: Record<string, unknown>): BinaryReply {
  return new BinaryReply(encodeOpenApiAnswer(Buffer.from(JSON.stringify(body), 'utf8'), JSON_TYPE));
}

function weChatError(error: WeChatError): BinaryReply {
  return jsonAnswer({ errcode: error.errcode, errmsg: error.errmsg });
}

function notSimulated(apiName: string): BinaryReply {
  const { errcode, errmsg } = WECHAT_CODES.notSimulated;
  return jsonAnswer({
    errcode,
    errmsg: `${errmsg}: ${apiName} is not simulated by the local environment (it simulates ${Object.keys(SIMULATED_OPEN_APIS).join(', ')}). Run this code in a cloud environment.`,
  });
}

export function wechatOpenApi(options: WeChatOptions): ActionHandler {
  return async (params, actionContext) => {
    const apiName = typeof params.apiName === 'string' ? params.apiName : '';
    if (apiName === '') throw new StudioError('InvalidArgument', 'wx.openApi names no apiName.');
    const requestData = params.requestData;
    // Over the size limit: refused before it is decoded, so nothing is stored.
    if (requestData instanceof OversizedPart) return weChatError(new WeChatError('contentSizeOutOfLimit', `the request is over ${requestData.limit} bytes`));
    if (!Buffer.isBuffer(requestData)) throw new StudioError('InvalidArgument', 'wx.openApi takes requestData as a binary part of a multipart/form-data body.');
    const call = decodeOpenApiCall(requestData);
    // Internal APIs (getOpenData, VoIP and cloud-call signatures) expect protobuf answers, not WeChat JSON.
    if (call.apiType !== OPEN_API) throw new StudioError('NotSupported', `${apiName} is not available in the local environment (it needs WeChat's servers). Run this code in a cloud environment.`);
    const api = Object.hasOwn(SIMULATED_OPEN_APIS, apiName) ? SIMULATED_OPEN_APIS[apiName] : undefined;
    if (!api) return notSimulated(apiName);
    const context: OpenApiContext = {
      projectRoot: options.projectRoot,
      dataDir: options.dataDir,
      now: actionContext.now,
      appid: call.appid ?? (await options.appid?.()) ?? 'wx0000000000000000',
      settings: () => readWeChatSettings(options.projectRoot),
      delivered: options.onDelivered,
    };
    try {
      const answer = await api(call.params, context);
      if ('bytes' in answer) return new BinaryReply(encodeOpenApiAnswer(answer.bytes, answer.contentType));
      return jsonAnswer({ errcode: 0, errmsg: 'ok', ...answer.json });
    } catch (e) {
      if (e instanceof WeChatError) return weChatError(e);
      throw e;
    }
  };
}
