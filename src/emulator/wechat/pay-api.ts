/**
 * The simulated WeChat Pay APIs behind `cloud.cloudPay.*`: unifiedOrder, queryOrder, closeOrder,
 * refund and queryRefund, with WeChat Pay v2's snake-case fields and codes (wx-server-sdk turns
 * them into camel case). A business refusal is `return_code: SUCCESS, result_code: FAIL` with
 * `err_code`/`err_code_des`, never a thrown error, as WeChat Pay answers; a refused call stores
 * nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { findOrder, updateOrders, type PayOrder, type PayRefund } from './pay-orders';

/** The service provider's merchant number in answers: CloudBase pays through its own, made up here. */
export const LOCAL_MCH_ID = '1800000000';
/** Signs answers the way WeChat Pay signs (MD5 over the sorted fields); no real key exists locally. */
const LOCAL_PAY_KEY = 'cloudbase-local-pay-key';

export interface PayApiContext {
  dataDir: string;
  now: Date;
  /** The mini program: the call's appid, else the project's. */
  appid: string;
  /** Runs after the answer is sent (refund result callbacks). */
  later(task: () => Promise<void>): void;
  /** Calls the refund result callback of a refund just made. */
  notifyRefund(order: PayOrder, refund: PayRefund): Promise<void>;
}

export type PayAnswer = Record<string, unknown>;
export type PayApi = (params: Record<string, unknown>, context: PayApiContext) => Promise<PayAnswer>;

class PayRefusal extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }
}

export function paySign(fields: Record<string, unknown>): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '' && typeof fields[k] !== 'object')
    .sort()
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&');
  return createHash('md5').update(`${text}&key=${LOCAL_PAY_KEY}`, 'utf8').digest('hex').toUpperCase();
}

export const nonce = (): string => randomBytes(16).toString('hex');

/** WeChat Pay's times are Beijing time: `yyyyMMddHHmmss` (time_end) or `yyyy-MM-dd HH:mm:ss` (refund success_time). */
export function beijingTime(date: Date, style: 'compact' | 'spaced'): string {
  const t = new Date(date.getTime() + 8 * 3600_000).toISOString();
  const [day, time] = [t.slice(0, 10), t.slice(11, 19)];
  return style === 'compact' ? `${day}${time}`.replace(/[-:]/g, '') : `${day} ${time}`;
}

const OUT_TRADE_NO = /^[A-Za-z0-9_\-|*@]{1,32}$/;
const OUT_REFUND_NO = /^[A-Za-z0-9_\-|*@]{1,64}$/;

function str(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function required(params: Record<string, unknown>, keys: string[], code: string): void {
  for (const key of keys) if (str(params, key) === undefined) throw new PayRefusal(code, `缺少参数${key}`);
}

function fee(params: Record<string, unknown>, key: string, code: string): number {
  const raw = params[key];
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new PayRefusal(code, `${key}参数格式错误`);
  return value;
}

function tradeNo(params: Record<string, unknown>, code: string): string | undefined {
  const value = str(params, 'out_trade_no');
  if (value !== undefined && !OUT_TRADE_NO.test(value)) throw new PayRefusal(code, 'out_trade_no参数格式错误');
  return value;
}

function envelope(context: PayApiContext, subMchId: string | undefined): PayAnswer {
  return { return_code: 'SUCCESS', return_msg: 'OK', appid: context.appid, mch_id: LOCAL_MCH_ID, sub_appid: context.appid, sub_mch_id: subMchId ?? '', nonce_str: nonce() };
}

function signed(answer: PayAnswer): PayAnswer {
  return { ...answer, sign: paySign(answer) };
}

/** Runs an API body; a refusal becomes WeChat Pay's FAIL answer. */
function payApi(body: (params: Record<string, unknown>, context: PayApiContext) => Promise<PayAnswer>): PayApi {
  return async (params, context) => {
    try {
      return signed({ ...envelope(context, str(params, 'sub_mch_id')), ...(await body(params, context)) });
    } catch (e) {
      if (!(e instanceof PayRefusal)) throw e;
      return signed({ ...envelope(context, str(params, 'sub_mch_id')), result_code: 'FAIL', err_code: e.code, err_code_des: e.description });
    }
  };
}

/** What wx.requestPayment takes, signed as WeChat Pay signs it. */
function paymentOf(appid: string, prepayId: string, now: Date): Record<string, string> {
  const fields = { appId: appid, timeStamp: String(Math.floor(now.getTime() / 1000)), nonceStr: nonce(), package: `prepay_id=${prepayId}`, signType: 'MD5' };
  return { timeStamp: fields.timeStamp, nonceStr: fields.nonceStr, package: fields.package, signType: fields.signType, paySign: paySign(fields) };
}

/** The fields a repeated unifiedOrder must repeat exactly to get the same prepay_id back. */
const SAME_ORDER_FIELDS = ['body', 'totalFee', 'subMchId', 'attach', 'detail', 'feeType', 'tradeType', 'openid'] as const;

export const unifiedOrder = payApi(async (params, context) => {
  required(params, ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'sub_mch_id', 'nonce_str', 'function_name', 'env_id'], 'LACK_PARAMS');
  const outTradeNo = tradeNo(params, 'INVALID_REQUEST') as string;
  const totalFee = fee(params, 'total_fee', 'INVALID_REQUEST');
  const body = str(params, 'body') as string;
  if (body.length > 128) throw new PayRefusal('INVALID_REQUEST', 'body参数长度有误');
  const tradeType = str(params, 'trade_type') ?? 'JSAPI';
  const wanted: PayOrder = {
    outTradeNo,
    prepayId: `wx${beijingTime(context.now, 'compact')}${randomBytes(12).toString('hex')}`.slice(0, 36),
    appid: context.appid,
    subMchId: str(params, 'sub_mch_id') as string,
    body,
    detail: str(params, 'detail'),
    attach: str(params, 'attach'),
    totalFee,
    feeType: str(params, 'fee_type') ?? 'CNY',
    tradeType,
    spbillCreateIp: str(params, 'spbill_create_ip') as string,
    openid: str(params, 'sub_openid') ?? str(params, 'openid'),
    envId: str(params, 'env_id') as string,
    functionName: str(params, 'function_name') as string,
    state: 'NOTPAY',
    createdAt: context.now.toISOString(),
    refunds: [],
  };
  const order = await updateOrders(context.dataDir, (orders) => {
    const existing = Object.hasOwn(orders, outTradeNo) ? orders[outTradeNo] : undefined;
    if (!existing) {
      orders[outTradeNo] = wanted;
      return { result: wanted, store: true };
    }
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw new PayRefusal('ORDERPAID', '该订单已支付');
    if (existing.state === 'CLOSED') throw new PayRefusal('ORDERCLOSED', '该订单已关闭');
    // WeChat Pay hands back the same prepay_id for a repeat with the same content, and refuses a changed one.
    if (SAME_ORDER_FIELDS.some((k) => existing[k] !== wanted[k])) throw new PayRefusal('INVALID_REQUEST', '201 商户订单号重复');
    return { result: existing, store: false };
  });
  return { result_code: 'SUCCESS', trade_type: order.tradeType, prepay_id: order.prepayId, payment: paymentOf(order.appid, order.prepayId, context.now) };
});

const TRADE_STATE_DESC: Record<PayOrder['state'], string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  PAYERROR: '支付失败',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
};

function lookup(params: Record<string, unknown>, context: PayApiContext, code: string): Promise<PayOrder> {
  const outTradeNo = tradeNo(params, code);
  const transactionId = str(params, 'transaction_id');
  if (outTradeNo === undefined && transactionId === undefined) throw new PayRefusal(code, '缺少参数out_trade_no');
  return updateOrders(context.dataDir, (orders) => {
    const order = findOrder(orders, outTradeNo, transactionId);
    if (!order) throw new PayRefusal('ORDERNOTEXIST', '订单不存在');
    return { result: order, store: false };
  });
}

export const queryOrder = payApi(async (params, context) => {
  required(params, ['sub_mch_id', 'nonce_str'], 'LACK_PARAMS');
  const order = await lookup(params, context, 'LACK_PARAMS');
  const paid = order.transactionId !== undefined;
  return {
    result_code: 'SUCCESS',
    out_trade_no: order.outTradeNo,
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESC[order.state],
    total_fee: order.totalFee,
    fee_type: order.feeType,
    trade_type: order.tradeType,
    attach: order.attach,
    openid: order.openid,
    ...(paid ? { transaction_id: order.transactionId, cash_fee: order.totalFee, bank_type: 'OTHERS', time_end: beijingTime(new Date(order.paidAt as string), 'compact'), is_subscribe: 'N' } : {}),
  };
});

export const closeOrder = payApi(async (params, context) => {
  required(params, ['sub_mch_id', 'nonce_str', 'out_trade_no'], 'LACK_PARAMS');
  const outTradeNo = tradeNo(params, 'LACK_PARAMS') as string;
  await updateOrders(context.dataDir, (orders) => {
    const order = findOrder(orders, outTradeNo, undefined);
    if (!order) throw new PayRefusal('ORDERNOTEXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new PayRefusal('ORDERPAID', '订单已支付，不能发起关单');
    if (order.state === 'CLOSED') throw new PayRefusal('ORDERCLOSED', '订单已关闭');
    order.state = 'CLOSED';
    order.closedAt = context.now.toISOString();
    return { result: order, store: true };
  });
  return { result_code: 'SUCCESS' };
});

const refunded = (order: PayOrder): number => order.refunds.reduce((sum, r) => sum + r.refundFee, 0);

export const refund = payApi(async (params, context) => {
  required(params, ['sub_mch_id', 'nonce_str', 'out_refund_no', 'total_fee', 'refund_fee'], 'PARAM_ERROR');
  const outTradeNo = tradeNo(params, 'PARAM_ERROR');
  const transactionId = str(params, 'transaction_id');
  if (outTradeNo === undefined && transactionId === undefined) throw new PayRefusal('PARAM_ERROR', '缺少参数out_trade_no');
  const outRefundNo = str(params, 'out_refund_no') as string;
  if (!OUT_REFUND_NO.test(outRefundNo)) throw new PayRefusal('PARAM_ERROR', 'out_refund_no参数格式错误');
  const totalFee = fee(params, 'total_fee', 'PARAM_ERROR');
  const refundFee = fee(params, 'refund_fee', 'PARAM_ERROR');
  const { order, made, fresh } = await updateOrders(context.dataDir, (orders) => {
    const order = findOrder(orders, outTradeNo, transactionId);
    if (!order) throw new PayRefusal('ORDERNOTEXIST', '订单不存在');
    if (order.transactionId === undefined) throw new PayRefusal('ORDERNOTEXIST', '订单未支付');
    if (totalFee !== order.totalFee) throw new PayRefusal('PARAM_ERROR', '订单金额与实际不符');
    const earlier = order.refunds.find((r) => r.outRefundNo === outRefundNo);
    if (earlier) {
      // A repeated refund number is the same refund (WeChat Pay's advice is to retry with it).
      if (earlier.refundFee !== refundFee) throw new PayRefusal('PARAM_ERROR', '同一退款单号多次请求金额不一致');
      return { result: { order, made: earlier, fresh: false }, store: false };
    }
    if (refunded(order) + refundFee > order.totalFee) throw new PayRefusal('ERROR', refunded(order) >= order.totalFee ? '订单已全额退款' : '申请退款金额超过订单可退金额');
    const made: PayRefund = {
      outRefundNo,
      refundId: `50${beijingTime(context.now, 'compact')}${randomBytes(7).toString('hex')}`.slice(0, 30),
      refundFee,
      refundDesc: str(params, 'refund_desc'),
      status: 'SUCCESS',
      requestedAt: context.now.toISOString(),
      successAt: context.now.toISOString(),
      functionName: str(params, 'function_name'),
    };
    order.refunds.push(made);
    order.state = 'REFUND';
    return { result: { order, made, fresh: true }, store: true };
  });
  if (fresh && made.functionName) context.later(() => context.notifyRefund(order, made));
  return {
    result_code: 'SUCCESS',
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    out_refund_no: made.outRefundNo,
    refund_id: made.refundId,
    refund_fee: made.refundFee,
    settlement_refund_fee: made.refundFee,
    total_fee: order.totalFee,
    settlement_total_fee: order.totalFee,
    fee_type: order.feeType,
    cash_fee: order.totalFee,
    cash_refund_fee: made.refundFee,
  };
});

export const queryRefund = payApi(async (params, context) => {
  required(params, ['sub_mch_id', 'nonce_str'], 'PARAM_ERROR');
  const outRefundNo = str(params, 'out_refund_no');
  const refundId = str(params, 'refund_id');
  const order = await updateOrders(context.dataDir, (orders) => {
    const byRefund = outRefundNo ?? refundId;
    const found =
      byRefund !== undefined
        ? Object.values(orders).find((o) => o.refunds.some((r) => r.outRefundNo === outRefundNo || r.refundId === refundId))
        : (() => {
            const no = tradeNo(params, 'PARAM_ERROR');
            const transactionId = str(params, 'transaction_id');
            if (no === undefined && transactionId === undefined) throw new PayRefusal('PARAM_ERROR', '缺少参数out_trade_no');
            return findOrder(orders, no, transactionId);
          })();
    if (!found || found.refunds.length === 0) throw new PayRefusal('REFUNDNOTEXIST', '退款订单查询失败');
    return { result: found, store: false };
  });
  const refunds = outRefundNo !== undefined || refundId !== undefined ? order.refunds.filter((r) => r.outRefundNo === outRefundNo || r.refundId === refundId) : order.refunds;
  return {
    result_code: 'SUCCESS',
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    total_fee: order.totalFee,
    cash_fee: order.totalFee,
    fee_type: order.feeType,
    refund_count: refunds.length,
    out_refund_no_list: refunds.map((r) => r.outRefundNo),
    refund_id_list: refunds.map((r) => r.refundId),
    refund_fee_list: refunds.map((r) => r.refundFee),
    settlement_refund_fee_list: refunds.map((r) => r.refundFee),
    refund_status_list: refunds.map((r) => r.status),
    refund_success_time_list: refunds.map((r) => beijingTime(new Date(r.successAt), 'spaced')),
    refund_channel_list: refunds.map(() => 'ORIGINAL'),
    refund_recv_accout_list: refunds.map(() => '支付用户的零钱'),
  };
});

/** By the name the SDK sends (`cloud.cloudPay.<name>`). */
export const SIMULATED_PAY_APIS: Readonly<Record<string, PayApi>> = { unifiedOrder, queryOrder, closeOrder, refund, queryRefund };
