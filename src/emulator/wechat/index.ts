/** The simulated WeChat platform behind `cloud.openapi` (wx.openApi) and `cloud.cloudPay` (wx.wxPayApi). No vscode here. */
export { wechatOpenApi, wechatJsonApi, SIMULATED_OPEN_APIS, type WeChatOptions } from './openapi';
export { listInboxes, readInbox, removeInbox, INBOX_FOLDER, type InboxMessage, type InboxMessageKind } from './inbox';
export { MEDIA_CHECKS_FILE } from './security';
export { WECHAT_CODES } from './errors';
export { readWeChatSettings, WECHAT_SETTINGS_FOLDER, SENSITIVE_WORDS_FILE, SETTINGS_FILE, TEMPLATES_FILE, type WeChatSettings } from './settings';
export { wechatPayApi, payOrder, failOrder, paymentEvent, refundEvent, type PayTarget, type PayResult, type WeChatPayOptions } from './pay';
export { listPayOrders, readPayOrder, PAY_ORDERS_FILE, type PayOrder, type PayRefund, type PayTradeState, type PayNotifyOutcome } from './pay-orders';
export { SIMULATED_PAY_APIS } from './pay-api';
export { WeChatUsers, identityOfWeChatUser, madeUpOpenId } from './users';
