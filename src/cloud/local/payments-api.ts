/**
 * PaymentsApi of a local environment: its simulated WeChat Pay orders (in the data folder) and
 * the user's side of paying, which runs callback functions in the environment's runtime.
 */
import type { PaymentCallbackOutcome, PaymentOrderInfo, PaymentsApi } from '../backend';
import { StudioError, throwIfAborted } from '../../shared/errors';
import type { FunctionRuntime } from '../../emulator/functions/index';
import { failOrder, listPayOrders, payOrder, type PayNotifyOutcome, type PayOrder } from '../../emulator/wechat/index';

function infoOf(order: PayOrder): PaymentOrderInfo {
  const info: PaymentOrderInfo = {
    outTradeNo: order.outTradeNo,
    body: order.body,
    totalFee: order.totalFee,
    state: order.state,
    functionName: order.functionName,
    createdAt: order.createdAt,
    refundedFee: order.refunds.reduce((sum, r) => sum + r.refundFee, 0),
  };
  if (order.paidAt !== undefined) info.paidAt = order.paidAt;
  if (order.transactionId !== undefined) info.transactionId = order.transactionId;
  return info;
}

function outcomeOf(notify: PayNotifyOutcome): PaymentCallbackOutcome {
  const outcome: PaymentCallbackOutcome = { functionName: notify.functionName };
  if (notify.errcode !== undefined) outcome.errcode = notify.errcode;
  if (notify.errmsg !== undefined) outcome.errmsg = notify.errmsg;
  if (notify.error !== undefined) outcome.error = notify.error;
  return outcome;
}

function checkTradeNo(outTradeNo: unknown): string {
  if (typeof outTradeNo !== 'string' || outTradeNo === '') throw new StudioError('InvalidArgument', 'An order is named by its non-empty outTradeNo.');
  return outTradeNo;
}

export class LocalPaymentsApi implements PaymentsApi {
  constructor(
    private readonly dataDir: string,
    private readonly runtime: FunctionRuntime,
  ) {}

  async listOrders(signal?: AbortSignal): Promise<PaymentOrderInfo[]> {
    throwIfAborted(signal);
    return (await listPayOrders(this.dataDir)).map(infoOf);
  }

  async pay(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo; callback?: PaymentCallbackOutcome }> {
    throwIfAborted(signal);
    const { order, callback } = await payOrder({ dataDir: this.dataDir, functions: this.runtime }, checkTradeNo(outTradeNo));
    return callback ? { order: infoOf(order), callback: outcomeOf(callback) } : { order: infoOf(order) };
  }

  async fail(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo }> {
    throwIfAborted(signal);
    const { order } = await failOrder({ dataDir: this.dataDir, functions: this.runtime }, checkTradeNo(outTradeNo));
    return { order: infoOf(order) };
  }
}
