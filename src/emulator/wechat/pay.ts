/**
 * The `wx.wxPayApi` action (wx-server-sdk's `cloud.cloudPay.<api>(data)`) and the local stand-in
 * for the user paying. The SDK sends a multipart form: `apiName` (`unifiedOrder`, …),
 * `requestData` (the JSON of the parameters, keys in snake case) and `apiOptions` (a protobuf
 * `ApiOptions { appid }`); it parses the answer bytes as JSON, throws on `{ code, message }` and
 * otherwise hands the JSON back in camel case with `errCode: 0` (which hides WeChat Pay's own
 * `err_code`: callers read `resultCode` and `errCodeDes`).
 *
 * Nobody pays locally: `payOrder` / `failOrder` play the user's side. Paying calls the function
 * named in unifiedOrder's `functionName` with the event WeChat Pay sends; failing calls nothing,
 * as WeChat Pay only calls back on success.
 */
import { randomInt } from 'node:crypto';
import protobuf from 'protobufjs/light';
import type { ActionHandler } from '../server/protocol';
import { BinaryReply } from '../server/protocol';
import { OversizedPart } from '../server/admin-form';
import { StudioError } from '../../shared/errors';
import { LOCAL_MCH_ID, SIMULATED_PAY_APIS, beijingTime, nonce } from './pay-api';
import { updateOrders, type PayNotifyOutcome, type PayOrder, type PayRefund } from './pay-orders';

/** Runs a project's function as WeChat Pay does: no mini program user calls it. */
export interface PayFunctions {
  invoke(name: string, event: unknown, options: { serverCaller?: boolean }): Promise<{ result?: unknown; error?: { message: string } }>;
}

/** What paying needs of a local environment (a LocalEnvironment is one). */
export interface PayTarget {
  dataDir: string;
  functions: PayFunctions;
}

export interface WeChatPayOptions extends PayTarget {
  /** The mini program's appid when the call names none. */
  appid?: () => Promise<string>;
  /** Told about callback failures that are defects (the outcome is still recorded on the order). */
  onError?: (error: unknown) => void;
}

const ApiOptions = protobuf.Root.fromJSON({ nested: { ApiOptions: { fields: { appid: { type: 'string', id: 1 } } } } }).lookupType('ApiOptions');

function appidOf(apiOptions: unknown): string | undefined {
  if (!Buffer.isBuffer(apiOptions)) return undefined;
  try {
    const appid = (ApiOptions.toObject(ApiOptions.decode(apiOptions)) as { appid?: string }).appid;
    return appid || undefined;
  } catch {
    return undefined;
  }
}

function paramsOf(requestData: unknown): Record<string, unknown> {
  if (requestData instanceof OversizedPart) throw new StudioError('InvalidArgument', `wx.wxPayApi's requestData is over ${requestData.limit} bytes.`);
  const text = Buffer.isBuffer(requestData) ? requestData.toString('utf8') : typeof requestData === 'string' ? requestData : undefined;
  if (text === undefined) throw new StudioError('InvalidArgument', 'wx.wxPayApi takes requestData as a part of a multipart/form-data body.');
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch (e) {
    throw new StudioError('InvalidArgument', 'wx.wxPayApi requestData is not JSON.', { cause: e });
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new StudioError('InvalidArgument', 'wx.wxPayApi requestData must be a JSON object.');
  return Object.assign(Object.create(null) as Record<string, unknown>, params);
}

export function wechatPayApi(options: WeChatPayOptions): ActionHandler {
  return async (params, actionContext) => {
    const apiName = typeof params.apiName === 'string' ? params.apiName : '';
    if (apiName === '') throw new StudioError('InvalidArgument', 'wx.wxPayApi names no apiName.');
    const data = paramsOf(params.requestData);
    const api = Object.hasOwn(SIMULATED_PAY_APIS, apiName) ? SIMULATED_PAY_APIS[apiName] : undefined;
    if (!api) {
      throw new StudioError('NotSupported', `cloudPay.${apiName} is not simulated by the local environment (it simulates ${Object.keys(SIMULATED_PAY_APIS).join(', ')}). Run this code in a cloud environment.`);
    }
    const answer = await api(data, {
      dataDir: options.dataDir,
      now: actionContext.now,
      appid: appidOf(params.apiOptions) ?? (await options.appid?.()) ?? 'wx0000000000000000',
      later: (task) => setImmediate(() => void task().catch((e: unknown) => options.onError?.(e))),
      notifyRefund: (order, refund) => notifyRefund(options, order, refund),
    });
    // As bytes: node-sdk parses a JSON content type itself, and wx-server-sdk then takes the object for an error.
    return new BinaryReply(Buffer.from(JSON.stringify(answer), 'utf8'));
  };
}

const digits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('');

/** Calls a callback function and reads its `{ errcode, errmsg }`. */
async function callBack(target: PayTarget, functionName: string, event: Record<string, unknown>): Promise<PayNotifyOutcome> {
  const outcome: PayNotifyOutcome = { functionName, at: new Date().toISOString() };
  try {
    const out = await target.functions.invoke(functionName, event, { serverCaller: true });
    if (out.error) outcome.error = out.error.message;
    const result = out.result as { errcode?: unknown; errmsg?: unknown } | undefined;
    if (typeof result?.errcode === 'number') outcome.errcode = result.errcode;
    if (typeof result?.errmsg === 'string') outcome.errmsg = result.errmsg;
    if (!out.error && outcome.errcode === undefined) outcome.error = 'The callback did not answer { errcode, errmsg } (WeChat Pay would call it again).';
  } catch (e) {
    outcome.error = (e as Error).message;
  }
  return outcome;
}

/** The payment result event, as CloudBase hands WeChat Pay's notification to the callback function (camel case). */
export function paymentEvent(order: PayOrder): Record<string, unknown> {
  const event: Record<string, unknown> = {
    returnCode: 'SUCCESS',
    appid: order.appid,
    mchId: LOCAL_MCH_ID,
    subAppid: order.appid,
    subMchId: order.subMchId,
    nonceStr: nonce(),
    resultCode: 'SUCCESS',
    openid: order.openid,
    isSubscribe: 'N',
    subOpenid: order.openid,
    subIsSubscribe: 'N',
    tradeType: order.tradeType,
    bankType: 'OTHERS',
    totalFee: order.totalFee,
    feeType: order.feeType,
    cashFee: order.totalFee,
    transactionId: order.transactionId,
    outTradeNo: order.outTradeNo,
    attach: order.attach,
    timeEnd: beijingTime(new Date(order.paidAt as string), 'compact'),
  };
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return event;
}

/** The refund result event: WeChat Pay's refund notification with its `req_info` already decrypted, in camel case. */
export function refundEvent(order: PayOrder, refund: PayRefund): Record<string, unknown> {
  return {
    returnCode: 'SUCCESS',
    appid: order.appid,
    mchId: LOCAL_MCH_ID,
    subAppid: order.appid,
    subMchId: order.subMchId,
    nonceStr: nonce(),
    transactionId: order.transactionId,
    outTradeNo: order.outTradeNo,
    refundId: refund.refundId,
    outRefundNo: refund.outRefundNo,
    totalFee: order.totalFee,
    settlementTotalFee: order.totalFee,
    refundFee: refund.refundFee,
    settlementRefundFee: refund.refundFee,
    refundStatus: refund.status,
    successTime: beijingTime(new Date(refund.successAt), 'spaced'),
    refundRecvAccout: '支付用户的零钱',
    refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
    refundRequestSource: 'API',
  };
}

async function notifyRefund(target: PayTarget, order: PayOrder, refund: PayRefund): Promise<void> {
  const outcome = await callBack(target, refund.functionName as string, refundEvent(order, refund));
  await updateOrders(target.dataDir, (orders) => {
    const stored = orders[order.outTradeNo]?.refunds.find((r) => r.outRefundNo === refund.outRefundNo);
    if (!stored) return { result: undefined, store: false };
    stored.notify = outcome;
    return { result: undefined, store: true };
  });
}

export interface PayResult {
  order: PayOrder;
  /** The payment callback's answer (payOrder only). */
  callback?: PayNotifyOutcome;
}

function settle(target: PayTarget, outTradeNo: string, to: 'SUCCESS' | 'PAYERROR'): Promise<PayOrder> {
  return updateOrders(target.dataDir, (orders) => {
    const order = Object.hasOwn(orders, outTradeNo) ? orders[outTradeNo] : undefined;
    if (!order) throw new StudioError('InvalidArgument', `There is no order ${outTradeNo} in the local environment.`);
    if (order.state !== 'NOTPAY' && order.state !== 'PAYERROR') throw new StudioError('Conflict', `Order ${outTradeNo} is ${order.state}; only an unpaid order can be paid or failed.`);
    const now = new Date().toISOString();
    if (to === 'SUCCESS') {
      order.state = 'SUCCESS';
      order.paidAt = now;
      order.transactionId = `4200${digits(24)}`;
    } else {
      order.state = 'PAYERROR';
      order.failedAt = now;
    }
    return { result: order, store: true };
  });
}

/**
 * The user pays an unpaid order: it becomes SUCCESS with a transaction_id, then the callback
 * function named in unifiedOrder runs with the payment result event; its answer is recorded on
 * the order and returned.
 */
export async function payOrder(target: PayTarget, outTradeNo: string): Promise<PayResult> {
  const paid = await settle(target, outTradeNo, 'SUCCESS');
  const callback = await callBack(target, paid.functionName, paymentEvent(paid));
  const order = await updateOrders(target.dataDir, (orders) => {
    orders[outTradeNo].notify = callback;
    return { result: orders[outTradeNo], store: true };
  });
  return { order, callback };
}

/** The payment fails (PAYERROR, what queryOrder then reports); WeChat Pay calls no function for it. */
export async function failOrder(target: PayTarget, outTradeNo: string): Promise<PayResult> {
  return { order: await settle(target, outTradeNo, 'PAYERROR') };
}
