/**
 * User data only WeChat knows, simulated: auth.getPaidUnionId and phonenumber.getPhoneNumber.
 * The values are made up but stable (derived from the openid or the code), so a function that
 * stores them sees the same value on the next call.
 */
import { createHash } from 'node:crypto';
import { ok, text, type OpenApi } from './api';
import { WeChatError } from './errors';
import { OPENID_PATTERN } from './inbox';

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A 28-character unionid, like WeChat's, the same for an openid every time. */
export function simulatedUnionId(openid: string): string {
  return `o${digest('unionid', openid).toString('base64url').slice(0, 27)}`;
}

/** A mainland mobile number (11 digits starting 13–19), the same for a code every time. */
export function simulatedPhoneNumber(code: string): string {
  const bytes = digest('phone', code);
  const digits = [...bytes.subarray(0, 9)].map((b) => String(b % 10)).join('');
  return `1${3 + (bytes[9] % 7)}${digits}`;
}

export const getPaidUnionId: OpenApi = async (params) => {
  const openid = text(params.openid);
  if (!openid || !OPENID_PATTERN.test(openid)) throw new WeChatError('invalidOpenid');
  const byTransaction = text(params.transaction_id);
  const byOrder = text(params.mch_id) && text(params.out_trade_no);
  if (!byTransaction && !byOrder) throw new WeChatError('invalidOrder', 'give transaction_id, or mch_id and out_trade_no');
  return ok({ unionid: simulatedUnionId(openid) });
};

export const getPhoneNumber: OpenApi = async (params, context) => {
  const code = text(params.code);
  if (!code) throw new WeChatError('invalidCode', 'code is missing');
  const pure = simulatedPhoneNumber(code);
  return ok({
    phone_info: {
      // Numbers of mainland China carry no country code here; foreign ones would.
      phoneNumber: pure,
      purePhoneNumber: pure,
      countryCode: '86',
      watermark: { timestamp: Math.floor(context.now.getTime() / 1000), appid: context.appid },
    },
  });
};
