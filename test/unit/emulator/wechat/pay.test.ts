/**
 * cloud.cloudPay through the real wx-server-sdk in real function processes of the local
 * environment: unifiedOrder's stored order and payment object, paying (the callback function runs
 * with WeChat Pay's event and writes it to the database), failing, queryOrder, closeOrder, refund
 * with its callback, queryRefund, and the codes for bad input, which store nothing.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { failOrder, listPayOrders, payOrder, readPayOrder } from '../../../../src/emulator/wechat/index';
import { makeProject, repoRoot, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PAY_FUNCTION = (sdk: string) => `const cloud = require('${sdk}');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  try {
    return { ok: await cloud.cloudPay[event.api](event.data || {}) };
  } catch (e) {
    return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) };
  }
};
`;

/** A callback that keeps the event it got, then answers as WeChat Pay requires. */
const CALLBACK_FUNCTION = (collection: string) => `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => {
  await cloud.database().collection('${collection}').add({ data: { event } });
  return { errcode: 0, errmsg: 'OK' };
};
`;

const ORDER = { body: 'Local shop - tea', outTradeNo: 'T20261204001', spbillCreateIp: '127.0.0.1', subMchId: '1900000109', totalFee: 888, envId: 'cloud-env-1', functionName: 'paycb', nonceStr: 'abc123', attach: 'table=7', subOpenid: 'oUser_1234567890' };

describe('WeChat Pay through wx-server-sdk in a local function', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;

  async function call(api: string, data: Json, fn = 'pay'): Promise<Json> {
    const out = await env.functions.invoke(fn, { api, data });
    assert.equal(out.error, undefined, JSON.stringify(out.error));
    const r = out.result as Json;
    assert.notEqual(r.ok, undefined, JSON.stringify(r));
    return r.ok;
  }
  /** WeChat Pay refuses with result_code FAIL; wx-server-sdk hands it back (errCode 0), so callers read errCodeDes. */
  async function refused(api: string, data: Json, description: RegExp): Promise<Json> {
    const r = await call(api, data);
    assert.equal(r.returnCode, 'SUCCESS');
    assert.equal(r.resultCode, 'FAIL', JSON.stringify(r));
    assert.equal(r.errCode, 0);
    assert.match(r.errCodeDes, description);
    return r;
  }
  const events = (collection: string): Json[] => env.database.collection(collection).find({}).documents.map((d) => (d as Json).event);
  async function eventually<T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  }

  before(async function () {
    project = makeProject('cbs-pay-');
    writeFileSync(join(project.root, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/', appid: 'wx1234567890abcdef' }));
    const fn = (name: string, code: string): void => {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
      writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify({ timeout: 30 }));
    };
    fn('pay', PAY_FUNCTION('wx-server-sdk'));
    fn('pay2', PAY_FUNCTION('wx-server-sdk-2'));
    fn('paycb', CALLBACK_FUNCTION('payEvents'));
    fn('refundcb', CALLBACK_FUNCTION('refundEvents'));
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-pay', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    await env.database.createCollection('payEvents');
    await env.database.createCollection('refundEvents');
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  it('unifiedOrder stores the order and answers the payment object wx.requestPayment takes', async function () {
    const r = await call('unifiedOrder', ORDER);
    assert.equal(r.returnCode, 'SUCCESS');
    assert.equal(r.resultCode, 'SUCCESS');
    assert.equal(r.errMsg, 'cloudPay.unifiedOrder:ok');
    assert.equal(r.subAppid, 'wx1234567890abcdef');
    assert.equal(r.subMchId, '1900000109');
    assert.equal(r.tradeType, 'JSAPI');
    assert.match(r.prepayId, /^wx\d{14}/);
    assert.deepEqual(Object.keys(r.payment).sort(), ['nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
    assert.equal(r.payment.package, `prepay_id=${r.prepayId}`);
    assert.equal(r.payment.signType, 'MD5');
    assert.match(r.payment.timeStamp, /^\d{10}$/);
    assert.match(r.payment.paySign, /^[0-9A-F]{32}$/);
    const order = await readPayOrder(env.dataDir, ORDER.outTradeNo);
    assert.equal(order?.state, 'NOTPAY');
    assert.equal(order?.totalFee, 888);
    assert.equal(order?.functionName, 'paycb');
    assert.equal(order?.prepayId, r.prepayId);
  });

  it('the same unifiedOrder again gets the same prepay_id; a changed one is INVALID_REQUEST', async function () {
    const again = await call('unifiedOrder', ORDER);
    assert.equal(again.prepayId, (await readPayOrder(env.dataDir, ORDER.outTradeNo))?.prepayId);
    await refused('unifiedOrder', { ...ORDER, totalFee: 999 }, /商户订单号重复/);
    assert.equal((await readPayOrder(env.dataDir, ORDER.outTradeNo))?.totalFee, 888);
  });

  it('queryOrder reports NOTPAY before payment', async function () {
    const r = await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'n1', outTradeNo: ORDER.outTradeNo });
    assert.equal(r.resultCode, 'SUCCESS');
    assert.equal(r.tradeState, 'NOTPAY');
    assert.equal(r.totalFee, 888);
    assert.equal(r.transactionId, undefined);
  });

  it('paying runs the callback function with WeChat Pay’s payment result event', async function () {
    const { order, callback } = await payOrder(env, ORDER.outTradeNo);
    assert.equal(order.state, 'SUCCESS');
    assert.match(order.transactionId ?? '', /^4200\d{24}$/);
    assert.deepEqual({ errcode: callback?.errcode, errmsg: callback?.errmsg, error: callback?.error }, { errcode: 0, errmsg: 'OK', error: undefined });
    const [event] = events('payEvents');
    assert.equal(event.returnCode, 'SUCCESS');
    assert.equal(event.resultCode, 'SUCCESS');
    assert.equal(event.outTradeNo, ORDER.outTradeNo);
    assert.equal(event.transactionId, order.transactionId);
    assert.equal(event.totalFee, 888);
    assert.equal(event.cashFee, 888);
    assert.equal(event.feeType, 'CNY');
    assert.equal(event.subMchId, ORDER.subMchId);
    assert.equal(event.subAppid, 'wx1234567890abcdef');
    assert.equal(event.subOpenid, ORDER.subOpenid);
    assert.equal(event.attach, 'table=7');
    assert.equal(event.tradeType, 'JSAPI');
    assert.match(event.timeEnd, /^\d{14}$/);
    assert.equal(event.userInfo, undefined, 'WeChat Pay, not a mini program user, calls it');
    assert.equal((await readPayOrder(env.dataDir, ORDER.outTradeNo))?.notify?.errcode, 0);
  });

  it('queryOrder reports SUCCESS with the transaction after payment; a paid order is ORDERPAID and cannot be paid or closed again', async function () {
    const r = await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'n2', outTradeNo: ORDER.outTradeNo });
    assert.equal(r.tradeState, 'SUCCESS');
    assert.equal(r.transactionId, (await readPayOrder(env.dataDir, ORDER.outTradeNo))?.transactionId);
    assert.match(r.timeEnd, /^\d{14}$/);
    const byTransaction = await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'n3', transactionId: r.transactionId });
    assert.equal(byTransaction.outTradeNo, ORDER.outTradeNo);
    await refused('unifiedOrder', ORDER, /已支付/);
    await refused('closeOrder', { subMchId: ORDER.subMchId, nonceStr: 'n4', outTradeNo: ORDER.outTradeNo }, /已支付/);
    await assert.rejects(payOrder(env, ORDER.outTradeNo), /SUCCESS/);
    assert.equal(events('payEvents').length, 1);
  });

  it('refund refunds part, runs the refund callback, and refuses more than was paid', async function () {
    const refund = { subMchId: ORDER.subMchId, nonceStr: 'r1', outTradeNo: ORDER.outTradeNo, outRefundNo: 'R1', totalFee: 888, refundFee: 300, envId: 'cloud-env-1', functionName: 'refundcb' };
    const r = await call('refund', refund);
    assert.equal(r.resultCode, 'SUCCESS', JSON.stringify(r));
    assert.equal(r.refundFee, 300);
    assert.equal(r.outRefundNo, 'R1');
    assert.match(r.refundId, /^50\d+/);
    const event = await eventually(() => events('refundEvents')[0]);
    assert.equal(event.outRefundNo, 'R1');
    assert.equal(event.refundId, r.refundId);
    assert.equal(event.refundFee, 300);
    assert.equal(event.totalFee, 888);
    assert.equal(event.refundStatus, 'SUCCESS');
    assert.equal(event.outTradeNo, ORDER.outTradeNo);
    assert.match(event.successTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    await refused('refund', { ...refund, outRefundNo: 'R2', refundFee: 589 }, /超过/);
    await refused('refund', { ...refund, outRefundNo: 'R2', totalFee: 1000 }, /订单金额/);
    const again = await call('refund', refund);
    assert.equal(again.refundId, r.refundId, 'the same out_refund_no is the same refund');
    const withoutCallback: Json = { ...refund };
    delete withoutCallback.functionName;
    const rest = await call('refund', { ...withoutCallback, outRefundNo: 'R2', refundFee: 588 });
    assert.equal(rest.resultCode, 'SUCCESS');
    assert.equal(await eventually(async () => (await readPayOrder(env.dataDir, ORDER.outTradeNo))?.refunds[0].notify?.errcode), 0);
    await refused('refund', { ...refund, outRefundNo: 'R3', refundFee: 1 }, /全额退款/);
    const stored = await readPayOrder(env.dataDir, ORDER.outTradeNo);
    assert.deepEqual(stored?.refunds.map((x) => [x.outRefundNo, x.refundFee]), [['R1', 300], ['R2', 588]]);
    assert.equal(stored?.state, 'REFUND');
    assert.equal((await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'n5', outTradeNo: ORDER.outTradeNo })).tradeState, 'REFUND');
  });

  it('queryRefund lists the refunds of an order, or one refund by its number', async function () {
    const all = await call('queryRefund', { subMchId: ORDER.subMchId, nonceStr: 'q1', outTradeNo: ORDER.outTradeNo });
    assert.equal(all.resultCode, 'SUCCESS');
    assert.equal(all.refundCount, 2);
    assert.deepEqual(all.outRefundNoList, ['R1', 'R2']);
    assert.deepEqual(all.refundFeeList, [300, 588]);
    assert.deepEqual(all.refundStatusList, ['SUCCESS', 'SUCCESS']);
    const one = await call('queryRefund', { subMchId: ORDER.subMchId, nonceStr: 'q2', outRefundNo: 'R2' });
    assert.deepEqual(one.outRefundNoList, ['R2']);
    await refused('queryRefund', { subMchId: ORDER.subMchId, nonceStr: 'q3', outRefundNo: 'nope' }, /退款订单查询失败/);
  });

  it('a failed payment is PAYERROR, calls no function, and can still be paid', async function () {
    const no = 'T20261204002';
    await call('unifiedOrder', { ...ORDER, outTradeNo: no });
    const { order } = await failOrder(env, no);
    assert.equal(order.state, 'PAYERROR');
    assert.equal((await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'f1', outTradeNo: no })).tradeState, 'PAYERROR');
    assert.equal(events('payEvents').length, 1);
    await payOrder(env, no);
    assert.equal(events('payEvents').length, 2);
  });

  it('closeOrder closes an unpaid order, which then cannot be ordered or paid', async function () {
    const no = 'T20261204003';
    await call('unifiedOrder', { ...ORDER, outTradeNo: no });
    const r = await call('closeOrder', { subMchId: ORDER.subMchId, nonceStr: 'c1', outTradeNo: no });
    assert.equal(r.resultCode, 'SUCCESS');
    assert.equal((await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'c2', outTradeNo: no })).tradeState, 'CLOSED');
    await refused('unifiedOrder', { ...ORDER, outTradeNo: no }, /已关闭/);
    await refused('closeOrder', { subMchId: ORDER.subMchId, nonceStr: 'c3', outTradeNo: no }, /已关闭/);
    await assert.rejects(payOrder(env, no), /CLOSED/);
  });

  it('bad input gets WeChat Pay’s codes and stores nothing', async function () {
    const before = JSON.stringify(await listPayOrders(env.dataDir));
    for (const field of ['body', 'outTradeNo', 'totalFee', 'functionName', 'subMchId', 'envId', 'nonceStr', 'spbillCreateIp'] as const) {
      const data: Json = { ...ORDER, outTradeNo: 'BAD1' };
      delete data[field];
      const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      await refused('unifiedOrder', data, new RegExp(`缺少参数${snake}$`));
    }
    await refused('unifiedOrder', { ...ORDER, outTradeNo: 'BAD1', totalFee: 0 }, /total_fee/);
    await refused('unifiedOrder', { ...ORDER, outTradeNo: 'BAD1', totalFee: 1.5 }, /total_fee/);
    await refused('unifiedOrder', { ...ORDER, outTradeNo: 'not a/valid no' }, /out_trade_no/);
    await refused('unifiedOrder', { ...ORDER, outTradeNo: 'BAD1', body: 'x'.repeat(129) }, /body/);
    await refused('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'b1', outTradeNo: 'NOSUCH' }, /订单不存在/);
    await refused('refund', { subMchId: ORDER.subMchId, nonceStr: 'b2', outTradeNo: 'T20261204003', outRefundNo: 'R9', totalFee: 888, refundFee: 1 }, /未支付/);
    await refused('refund', { subMchId: ORDER.subMchId, nonceStr: 'b3', outTradeNo: ORDER.outTradeNo, totalFee: 888, refundFee: 1 }, /缺少参数out_refund_no/);
    assert.equal(JSON.stringify(await listPayOrders(env.dataDir)), before);
  });

  it('the raw answer carries WeChat Pay’s err_code, which wx-server-sdk hides behind errCode 0', async function () {
    const r = await refused('unifiedOrder', ORDER, /已支付/);
    assert.equal(r.errCode, 0);
    const out = await env.functions.invoke('pay', { api: 'unifiedOrder', data: { ...ORDER, outTradeNo: 'T20261204004', totalFee: -1 } });
    assert.equal((out.result as Json).ok.resultCode, 'FAIL');
    const form = new FormData();
    form.append('action', 'wx.wxPayApi');
    form.append('apiName', 'unifiedOrder');
    form.append('requestData', new Blob([JSON.stringify({ out_trade_no: ORDER.outTradeNo })]), 'requestData');
    const raw = (await (await fetch(env.adminUrl, { method: 'POST', body: form })).json()) as Json;
    assert.equal(raw.result_code, 'FAIL');
    assert.equal(raw.err_code, 'LACK_PARAMS');
  });

  it('an API that is not simulated answers NOT_AVAILABLE_LOCALLY, which the SDK throws', async function () {
    const out = await env.functions.invoke('pay', { api: 'downloadBill', data: { subMchId: '1', billDate: '20261201' } });
    const r = out.result as Json;
    assert.equal(r.ok, undefined);
    assert.match(r.errMsg, /cloudPay\.downloadBill is not simulated/);
  });

  it('wx-server-sdk 2.x reaches the same orders', async function () {
    const r = await call('queryOrder', { subMchId: ORDER.subMchId, nonceStr: 'v2', outTradeNo: ORDER.outTradeNo }, 'pay2');
    assert.equal(r.tradeState, 'REFUND');
    assert.equal(r.errMsg, 'cloudPay.queryOrder:ok');
  });
});
