/**
 * Simulated WeChat Pay in a real VS Code, on functions written into the demo project for this
 * suite (and removed after it): a wx-server-sdk function places orders with
 * cloud.cloudPay.unifiedOrder, they show under Payments, Pay Order from the tree runs the
 * callback function with the payment result, and Fail Order from the palette's target marks one
 * failed.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../src/extension/api';
import type { EnvironmentEntry } from '../../src/extension/environments/registry';
import type { ExplorerNode } from '../../src/extension/explorer/nodes/explorerNode';
import { EXTENSION_ID, waitFor } from './support/scripted';
import { treeWalker } from './support/tree';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ORDER_FUNCTION = `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => cloud.cloudPay.unifiedOrder({
  body: 'Green tea', outTradeNo: event.outTradeNo, totalFee: 100, spbillCreateIp: '127.0.0.1',
  subMchId: '1900000109', nonceStr: 'n1', envId: 'e', functionName: 'e2ePayCallback',
});
`;
const CALLBACK_FUNCTION = 'exports.main = async (event) => ({ errcode: 0, errmsg: `${event.resultCode} ${event.outTradeNo} ${event.totalFee}` });\n';

suite('WeChat Pay orders', () => {
  let api: CloudBaseStudioApi;
  let environment: EnvironmentEntry;
  let root: string;
  const created = ['cloudfunctions/e2ePlaceOrder', 'cloudfunctions/e2ePayCallback'];

  const { item, labelOf, children, child } = treeWalker(() => api);
  const payments = async (): Promise<ExplorerNode> => child(await child(undefined, environment.info.label), 'Payments');
  const orderNode = async (no: string): Promise<ExplorerNode> => child(await payments(), no);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<CloudBaseStudioApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    environment = await waitFor('the local environment', () => api.environments.list().find((e) => e.project?.root === root));
    for (const [folder, code] of [
      [created[0], ORDER_FUNCTION],
      [created[1], CALLBACK_FUNCTION],
    ]) {
      mkdirSync(join(root, folder), { recursive: true });
      writeFileSync(join(root, folder, 'index.js'), code);
    }
    const backend = await api.environments.start(environment.key);
    for (const no of ['E2E-PAY-1', 'E2E-PAY-2']) {
      const placed = await waitFor('the order function', async () => {
        const out = await backend.functions?.invoke('e2ePlaceOrder', { outTradeNo: no }).catch(() => undefined);
        return out && !out.error ? out : undefined;
      });
      assert.equal((placed.result as Json).resultCode, 'SUCCESS', JSON.stringify(placed.result));
    }
  });

  suiteTeardown(() => {
    for (const folder of created) rmSync(join(root, folder), { recursive: true, force: true });
  });

  test('Payments lists the orders; Pay Order runs the callback function with the payment result', async () => {
    const node = await orderNode('E2E-PAY-1');
    assert.equal(item(node).description, '¥1.00 · Not paid');
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.unpaidOrder\b/);
    const result = await vscode.commands.executeCommand<Json>('cloudbase.payOrder', node);
    assert.equal(result.order.state, 'SUCCESS');
    assert.deepEqual(result.callback, { functionName: 'e2ePayCallback', errcode: 0, errmsg: 'SUCCESS E2E-PAY-1 100' });
    const paid = await orderNode('E2E-PAY-1');
    assert.equal(item(paid).description, '¥1.00 · Paid');
    assert.equal(item(paid).contextValue, undefined, 'a paid order offers neither Pay nor Fail');
  });

  test('Fail Order marks an order failed, and it can still be paid', async () => {
    const result = await vscode.commands.executeCommand<Json>('cloudbase.failOrder', { envKey: environment.key, outTradeNo: 'E2E-PAY-2' });
    assert.equal(result.order.state, 'PAYERROR');
    const node = await orderNode('E2E-PAY-2');
    assert.equal(item(node).description, '¥1.00 · Payment failed');
    assert.ok((await children(await payments())).map(labelOf).includes('E2E-PAY-1'));
    assert.match(item(node).contextValue ?? '', /\bcloudbase\.unpaidOrder\b/);
  });
});
