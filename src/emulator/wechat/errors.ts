/**
 * WeChat's own error answers (`{ errcode, errmsg }` in the API's JSON), which wx-server-sdk turns
 * into a CloudSDKError with `errCode` = errcode and errMsg `openapi.<api>:fail <errmsg>`.
 * The numbers are WeChat's documented global return codes.
 */

export const WECHAT_CODES = {
  /** imgSecCheck: an image over 1 MB. */
  invalidMediaSize: { errcode: 40006, errmsg: 'invalid media size' },
  /** A missing or malformed openid (`touser`, `openid`). */
  invalidOpenid: { errcode: 40003, errmsg: 'invalid openid' },
  invalidMediaId: { errcode: 40007, errmsg: 'invalid media_id' },
  invalidMessageType: { errcode: 40008, errmsg: 'invalid message type' },
  /** phonenumber.getPhoneNumber without a code. */
  invalidCode: { errcode: 40029, errmsg: 'invalid code' },
  invalidTemplateId: { errcode: 40037, errmsg: 'invalid template_id' },
  invalidArgs: { errcode: 40097, errmsg: 'invalid args' },
  /** msgSecCheck / mediaCheckAsync version 2: a scene other than 1–4. */
  invalidSecCheckScene: { errcode: 40129, errmsg: 'invalid scene' },
  invalidPagePath: { errcode: 40165, errmsg: 'invalid weapp pagepath' },
  invalidScene: { errcode: 40169, errmsg: 'invalid length for scene, or the data is not json' },
  invalidQuery: { errcode: 40212, errmsg: 'paramter query invalid' },
  invalidFormId: { errcode: 41028, errmsg: 'invalid form id' },
  invalidPage: { errcode: 41030, errmsg: 'invalid page' },
  /** msgSecCheck's "the passed parameter is empty". */
  /** subscribeMessage.send to a user with no acceptance of that template left. */
  userRefused: { errcode: 43101, errmsg: 'user refuse to accept the msg' },
  emptyPostData: { errcode: 44002, errmsg: 'empty post data' },
  emptyContent: { errcode: 44004, errmsg: 'empty content' },
  contentSizeOutOfLimit: { errcode: 45002, errmsg: 'content size out of limit' },
  /** customerServiceMessage.send to a user who has not interacted within 48 hours. */
  outOfTimeLimit: { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' },
  /** msgSecCheck's "the parameters passed are in the wrong format". */
  dataFormatError: { errcode: 47001, errmsg: 'data format error' },
  /** subscribeMessage data that does not fit its template. */
  argumentInvalid: { errcode: 47003, errmsg: 'argument invalid!' },
  riskyContent: { errcode: 87014, errmsg: 'risky content' },
  invalidOrder: { errcode: 89300, errmsg: 'invalid order' },
  /**
   * An API the local environment does not simulate. wx-server-sdk's own table names -604100
   * "API not found" (WX_FUNCTIONS_SERVER_OPENAPI_NOT_FOUND); the message names the API.
   */
  notSimulated: { errcode: -604100, errmsg: 'API not found' },
} as const;

export type WeChatCode = keyof typeof WECHAT_CODES;

/** Thrown by an API to answer with a WeChat error; `detail` is appended to WeChat's errmsg. */
export class WeChatError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  constructor(code: WeChatCode, detail?: string) {
    const { errcode, errmsg } = WECHAT_CODES[code];
    const message = detail ? `${errmsg} ${detail}` : errmsg;
    super(message);
    this.errcode = errcode;
    this.errmsg = message;
  }
}
