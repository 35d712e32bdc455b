/**
 * WeChat Pay orders through a window's backend: a real environment process of
 * dist/emulator-cli.js, an order placed the way wx-server-sdk places it (multipart wx.wxPayApi on
 * /admin), then listed, paid (the callback function runs in that process) and failed over the
 * editor's endpoint.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachLocalEnvironment, type AttachedEnvironment } from '../../../../src/cloud/local/attach';
import { processAlive, readRunning } from '../../../../src/emulator/process/discovery';
import { isStudioError } from '../../../../src/shared/errors';
import { makeProject, repoRoot, type TestProject } from '../../emulator/server/support';

const cliScript = join(repoRoot, 'dist', 'emulator-cli.js');

describe('WeChat Pay orders through the environment process', function () {
  this.timeout(60_000);
  let project: TestProject;
  let dataDir: string;
  let env: AttachedEnvironment;

  async function unifiedOrder(outTradeNo: string): Promise<Record<string, unknown>> {
    const token = (await readRunning(dataDir))?.token ?? '';
    const form = new FormData();
    form.append('action', 'wx.wxPayApi');
    form.append('apiName', 'unifiedOrder');
    form.append('sessionToken', token);
    const order = { body: 'tea', out_trade_no: outTradeNo, total_fee: 100, spbill_create_ip: '127.0.0.1', sub_mch_id: '1900000109', nonce_str: 'n', function_name: 'paycb', env_id: 'e' };
    form.append('requestData', new Blob([JSON.stringify(order)]), 'requestData');
    const res = await fetch(`${env.url}/admin`, { method: 'POST', body: form });
    return (await res.json()) as Record<string, unknown>;
  }

  before(async function () {
    assert.ok(existsSync(cliScript), 'dist/emulator-cli.js is missing: run `node scripts/build.mjs` first');
    project = makeProject('cbs-payments-');
    dataDir = join(project.root, '.cloudbase', 'local');
    mkdirSync(join(project.root, 'cloudfunctions', 'paycb'), { recursive: true });
    // Echoes what it was told, so the test sees the event through the callback's answer.
    writeFileSync(join(project.root, 'cloudfunctions', 'paycb', 'index.js'), 'exports.main = async (e) => ({ errcode: 0, errmsg: `${e.resultCode} ${e.outTradeNo} ${e.totalFee} ${e.transactionId}` });\n');
    env = await attachLocalEnvironment({ projectRoot: project.root, dataDir, cliScript, extraArgs: ['--detach-grace-ms', '500'] });
  });
  after(async function () {
    if (env && processAlive(env.pid)) process.kill(env.pid, 'SIGKILL');
    project?.remove();
  });

  it('lists orders, pays one (running its callback) and fails another', async function () {
    assert.deepEqual(await env.backend.payments.listOrders(), []);
    assert.equal((await unifiedOrder('A1')).result_code, 'SUCCESS');
    assert.equal((await unifiedOrder('A2')).result_code, 'SUCCESS');
    const listed = await env.backend.payments.listOrders();
    assert.deepEqual(listed.map((o) => [o.outTradeNo, o.state, o.totalFee, o.functionName]), [['A1', 'NOTPAY', 100, 'paycb'], ['A2', 'NOTPAY', 100, 'paycb']]);

    const paid = await env.backend.payments.pay('A1');
    assert.equal(paid.order.state, 'SUCCESS');
    assert.match(paid.order.transactionId ?? '', /^4200\d{24}$/);
    assert.deepEqual(paid.callback, { functionName: 'paycb', errcode: 0, errmsg: `SUCCESS A1 100 ${paid.order.transactionId}` });

    const failed = await env.backend.payments.fail('A2');
    assert.equal(failed.order.state, 'PAYERROR');
    assert.deepEqual((await env.backend.payments.listOrders()).map((o) => o.state), ['SUCCESS', 'PAYERROR']);

    await assert.rejects(env.backend.payments.pay('A1'), (e: unknown) => isStudioError(e, 'Conflict'));
    await assert.rejects(env.backend.payments.pay('nope'), (e: unknown) => isStudioError(e, 'InvalidArgument'));
  });
});
