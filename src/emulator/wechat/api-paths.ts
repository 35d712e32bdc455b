/**
 * WeChat's own HTTP paths of the simulated open APIs. Callers of the JSON `wx.api` often name the
 * API the way WeChat's documentation does (`/wxa/msg_sec_check`, `cgi-bin/message/subscribe/send`)
 * rather than as wx-server-sdk's `cloud.openapi` path (`security.msgSecCheck`); both reach the
 * same simulation.
 */
const BY_WECHAT_PATH: Readonly<Record<string, string>> = {
  'wxa/msg_sec_check': 'security.msgSecCheck',
  'wxa/img_sec_check': 'security.imgSecCheck',
  'wxa/media_check_async': 'security.mediaCheckAsync',
  'cgi-bin/message/subscribe/send': 'subscribeMessage.send',
  'cgi-bin/message/custom/send': 'customerServiceMessage.send',
  'cgi-bin/message/wxopen/template/uniform_send': 'uniformMessage.send',
  'cgi-bin/message/wxopen/template/send': 'templateMessage.send',
  'wxa/getwxacode': 'wxacode.get',
  'wxa/getwxacodeunlimit': 'wxacode.getUnlimited',
  'cgi-bin/wxaapp/createwxaqrcode': 'wxacode.createQRCode',
  'wxa/generatescheme': 'urlscheme.generate',
  'wxa/generate_urllink': 'urllink.generate',
  'wxa/getpaidunionid': 'auth.getPaidUnionId',
  'wxa/business/getuserphonenumber': 'phonenumber.getPhoneNumber',
};

/** The `cloud.openapi` name for a WeChat path (leading `/`, host and query ignored); any other name as given. */
export function openApiNamed(name: string): string {
  const path = name
    .replace(/^https?:\/\/[^/]+/i, '')
    .replace(/[?#].*$/, '')
    .replace(/^\/+/, '');
  return Object.hasOwn(BY_WECHAT_PATH, path) ? BY_WECHAT_PATH[path] : name;
}
