/** The simulated WeChat platform behind `cloud.openapi` (wx.openApi). No vscode here. */
export { wechatOpenApi, SIMULATED_OPEN_APIS, type WeChatOptions } from './openapi';
export { listInboxes, readInbox, INBOX_FOLDER, type InboxMessage, type InboxMessageKind } from './inbox';
export { MEDIA_CHECKS_FILE } from './security';
export { WECHAT_CODES } from './errors';
export { readWeChatSettings, WECHAT_SETTINGS_FOLDER, SENSITIVE_WORDS_FILE, SETTINGS_FILE, TEMPLATES_FILE, type WeChatSettings } from './settings';
export { WeChatUsers, identityOfWeChatUser, madeUpOpenId } from './users';
