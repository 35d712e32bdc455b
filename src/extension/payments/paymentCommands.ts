/**
 * The user's side of a simulated WeChat Pay payment, which nobody performs locally: Pay Order
 * (the order is paid and its callback function runs with WeChat Pay's event) and Fail Order, on
 * an unpaid order under Payments or, from the palette, on one chosen from a list.
 */
import * as vscode from 'vscode';
import type { PaymentCallbackOutcome, PaymentOrderInfo, PaymentsApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import { CommandId } from '../commandIds';
import { pickEnvironment } from '../commands/pickers';
import { can } from '../environments/capabilities';
import { PaymentOrderNode, UNPAID_STATES, yuan } from '../explorer/nodes/paymentNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';

interface OrderTarget {
  envKey: string;
  outTradeNo: string;
}

function isOrderTarget(arg: unknown): arg is OrderTarget {
  const t = arg as Partial<OrderTarget> | undefined;
  return typeof t === 'object' && t !== null && typeof t.envKey === 'string' && typeof t.outTradeNo === 'string';
}

async function paymentsOf(s: Services, envKey: string): Promise<PaymentsApi> {
  const payments = (await withViewProgress(() => s.registry.backend(envKey))).payments;
  if (!payments) throw new StudioError('NotSupported', 'This environment does not simulate WeChat Pay.');
  return payments;
}

async function pickOrder(s: Services): Promise<OrderTarget> {
  const entry = await pickEnvironment(s, (e) => can(e.info.kind, 'simulatedPayments'));
  const orders = (await (await paymentsOf(s, entry.key)).listOrders()).filter((o) => UNPAID_STATES.has(o.state));
  if (orders.length === 0) throw new StudioError('InvalidArgument', 'There is no unpaid order: cloud.cloudPay.unifiedOrder makes one.');
  const chosen = await s.prompts.ui.pick<vscode.QuickPickItem & { order: PaymentOrderInfo }>(
    orders.map((o) => ({ label: o.outTradeNo, description: `${yuan(o.totalFee)} · ${o.body}`, order: o })),
    { title: vscode.l10n.t('Choose an unpaid order'), placeHolder: vscode.l10n.t('Order') },
  );
  return { envKey: entry.key, outTradeNo: chosen.order.outTradeNo };
}

async function targetOf(s: Services, arg: unknown): Promise<OrderTarget> {
  if (arg instanceof PaymentOrderNode) return { envKey: arg.envKey, outTradeNo: arg.order.outTradeNo };
  return isOrderTarget(arg) ? arg : pickOrder(s);
}

function tellCallback(outTradeNo: string, callback: PaymentCallbackOutcome | undefined): void {
  if (callback?.error) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Order {0} is paid, but its callback {1} failed: {2}', outTradeNo, callback.functionName, callback.error));
  } else if (callback && callback.errcode !== 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Order {0} is paid, but its callback {1} answered errcode {2} (WeChat Pay would call it again).', outTradeNo, callback.functionName, String(callback.errcode)));
  } else {
    vscode.window.setStatusBarMessage(vscode.l10n.t('Order {0} is paid; {1} handled the payment result.', outTradeNo, callback?.functionName ?? ''), 5000);
  }
}

export function registerPaymentCommands(commands: CommandRegistry, s: Services): void {
  const redraw = (envKey: string): void => s.changes.changed({ envKey, area: 'payments' });
  commands.register(CommandId.payOrder, async (arg?: unknown) => {
    const target = await targetOf(s, arg);
    const payments = await paymentsOf(s, target.envKey);
    s.log.info(`Paying order ${target.outTradeNo} in ${target.envKey}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Paying order {0}…', target.outTradeNo) }, () => payments.pay(target.outTradeNo));
    s.log.info(`Order ${target.outTradeNo} paid; callback ${result.callback?.functionName ?? '-'} answered ${result.callback?.error ?? `errcode ${String(result.callback?.errcode)}`}`);
    redraw(target.envKey);
    tellCallback(target.outTradeNo, result.callback);
    return result;
  });
  commands.register(CommandId.failOrder, async (arg?: unknown) => {
    const target = await targetOf(s, arg);
    const result = await (await paymentsOf(s, target.envKey)).fail(target.outTradeNo);
    s.log.info(`Order ${target.outTradeNo} in ${target.envKey} failed to pay`);
    redraw(target.envKey);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Order {0}: payment failed.', target.outTradeNo), 5000);
    return result;
  });
}
