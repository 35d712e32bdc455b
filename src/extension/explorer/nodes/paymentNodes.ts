import * as vscode from 'vscode';
import type { PaymentOrderInfo } from '../../../cloud/backend';
import { ContextValue, contextValue } from '../contextValues';
import type { ExplorerModel } from '../explorerModel';
import { ErrorNode } from './errorNode';
import type { ExplorerNode } from './explorerNode';
import { InfoNode } from './infoNode';

/** States in which the user's side can still be played (Pay Order, Fail Order). */
export const UNPAID_STATES: ReadonlySet<string> = new Set(['NOTPAY', 'PAYERROR']);

/** Fen as yuan, the way WeChat shows amounts. */
export const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/** A local environment's simulated WeChat Pay orders (cloud.cloudPay.unifiedOrder), read at each expand. */
export class PaymentsNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: ExplorerNode,
    readonly envKey: string,
    private readonly model: ExplorerModel,
  ) {
    this.id = `${parent.id}/payments`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Payments'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('credit-card');
    item.tooltip = vscode.l10n.t('WeChat Pay orders made by cloud.cloudPay.unifiedOrder in the local environment');
    return item;
  }

  async getChildren(): Promise<ExplorerNode[]> {
    let orders: PaymentOrderInfo[];
    try {
      orders = await this.model.paymentOrders(this.envKey);
    } catch (e) {
      return [new ErrorNode(this, e, { environment: this.envKey })];
    }
    if (orders.length === 0) return [new InfoNode(this, 'no-orders', vscode.l10n.t('No orders. cloud.cloudPay.unifiedOrder adds them.'))];
    return orders.map((o) => new PaymentOrderNode(this, o));
  }
}

function stateLabel(state: string): string {
  switch (state) {
    case 'NOTPAY':
      return vscode.l10n.t('Not paid');
    case 'SUCCESS':
      return vscode.l10n.t('Paid');
    case 'PAYERROR':
      return vscode.l10n.t('Payment failed');
    case 'CLOSED':
      return vscode.l10n.t('Closed');
    case 'REFUND':
      return vscode.l10n.t('Refunded');
    default:
      return state;
  }
}

export class PaymentOrderNode implements ExplorerNode {
  readonly id: string;

  constructor(
    readonly parent: PaymentsNode,
    readonly order: PaymentOrderInfo,
  ) {
    this.id = `${parent.id}/${order.outTradeNo}`;
  }

  get envKey(): string {
    return this.parent.envKey;
  }

  getTreeItem(): vscode.TreeItem {
    const { order } = this;
    const item = new vscode.TreeItem(order.outTradeNo, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${yuan(order.totalFee)} · ${stateLabel(order.state)}`;
    item.iconPath = new vscode.ThemeIcon(UNPAID_STATES.has(order.state) ? 'circle-large-outline' : 'pass');
    const lines = [order.body, vscode.l10n.t('Callback function: {0}', order.functionName)];
    if (order.transactionId) lines.push(vscode.l10n.t('Transaction: {0}', order.transactionId));
    if (order.refundedFee > 0) lines.push(vscode.l10n.t('Refunded: {0}', yuan(order.refundedFee)));
    item.tooltip = lines.join('\n');
    if (UNPAID_STATES.has(order.state)) item.contextValue = contextValue(ContextValue.unpaidOrder);
    return item;
  }
}
