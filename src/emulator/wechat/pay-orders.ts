/**
 * The simulated WeChat Pay orders of one local environment, in `<dataDir>/wechat/pay/orders.json`
 * (by out_trade_no). A file in the data folder, like the inboxes: a reset of local data empties it
 * and the extension (another process) can read it. Writes go through one queue per file and land
 * by rename, so a crash never leaves half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const PAY_ORDERS_FILE = join('wechat', 'pay', 'orders.json');

/** WeChat Pay's trade_state values the simulation reaches. */
export type PayTradeState = 'NOTPAY' | 'SUCCESS' | 'PAYERROR' | 'CLOSED' | 'REFUND';

export interface PayRefund {
  outRefundNo: string;
  refundId: string;
  refundFee: number;
  refundDesc?: string;
  status: 'SUCCESS';
  /** ISO times. */
  requestedAt: string;
  successAt: string;
  /** The refund result callback named in the refund call, if any. */
  functionName?: string;
  /** What the callback answered, once it ran. */
  notify?: PayNotifyOutcome;
}

export interface PayNotifyOutcome {
  functionName: string;
  at: string;
  /** The callback's `errcode` (WeChat retries anything but 0 for two days; the local environment does not). */
  errcode?: number;
  errmsg?: string;
  /** The invocation failed (missing function, exception, timeout). */
  error?: string;
}

export interface PayOrder {
  outTradeNo: string;
  prepayId: string;
  /** Set when the order is paid. */
  transactionId?: string;
  /** The mini program (sub_appid). */
  appid: string;
  subMchId: string;
  body: string;
  detail?: string;
  attach?: string;
  totalFee: number;
  feeType: string;
  tradeType: string;
  spbillCreateIp: string;
  openid?: string;
  envId: string;
  functionName: string;
  state: PayTradeState;
  /** ISO times. */
  createdAt: string;
  paidAt?: string;
  closedAt?: string;
  failedAt?: string;
  refunds: PayRefund[];
  /** The payment result callback's answer, once it ran. */
  notify?: PayNotifyOutcome;
}

type OrderMap = Record<string, PayOrder>;

function ordersFile(dataDir: string): string {
  return join(dataDir, PAY_ORDERS_FILE);
}

async function readOrders(dataDir: string): Promise<OrderMap> {
  let text: string;
  try {
    text = await readFile(ordersFile(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as OrderMap;
    throw e;
  }
  const parsed = JSON.parse(text) as { orders?: OrderMap };
  return Object.assign(Object.create(null) as OrderMap, parsed.orders ?? {});
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `change` on the current orders and writes what it leaves, one change at a time per data
 * folder. `change` returning `store: false` writes nothing (a refused call stores nothing).
 */
export function updateOrders<T>(dataDir: string, change: (orders: OrderMap) => { result: T; store: boolean } | Promise<{ result: T; store: boolean }>): Promise<T> {
  const file = ordersFile(dataDir);
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(async () => {
    const orders = await readOrders(dataDir);
    const { result, store } = await change(orders);
    if (store) {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify({ orders }, null, 2)}\n`, 'utf8');
      await rename(temp, file);
    }
    return result;
  });
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

/** Every order, oldest first. */
export async function listPayOrders(dataDir: string): Promise<PayOrder[]> {
  const orders = Object.values(await readOrders(dataDir));
  return orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function readPayOrder(dataDir: string, outTradeNo: string): Promise<PayOrder | undefined> {
  const orders = await readOrders(dataDir);
  return Object.hasOwn(orders, outTradeNo) ? orders[outTradeNo] : undefined;
}

/** Finds an order by out_trade_no or transaction_id, as the query and refund APIs take either. */
export function findOrder(orders: OrderMap, outTradeNo: string | undefined, transactionId: string | undefined): PayOrder | undefined {
  if (outTradeNo !== undefined) return Object.hasOwn(orders, outTradeNo) ? orders[outTradeNo] : undefined;
  if (transactionId !== undefined) return Object.values(orders).find((o) => o.transactionId === transactionId);
  return undefined;
}
