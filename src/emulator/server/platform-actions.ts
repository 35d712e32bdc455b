/**
 * Calls the SDKs can send that reach WeChat or Tencent services behind CloudBase rather than the
 * environment itself: cloud-hosting calls, end-user lookups, analytics and the AI gateway. The
 * local environment has none of them; each gets one clear coded answer instead of a parse error.
 * WeChat open APIs (`cloud.openapi.*`, multipart `wx.openApi`, and the older JSON `wx.api`) and
 * WeChat Pay (`cloud.cloudPay.*`, multipart `wx.wxPayApi`) are simulated (`../wechat`) and come
 * in as `served` handlers.
 */
import { StudioError } from '../../shared/errors';
import type { ActionHandler, ServiceActions, ServiceTable } from './protocol';

/** Action names, by service, that node-sdk 3.x, wx-server-sdk 1.x–4.x and tcb-admin-node can send. */
export const PLATFORM_ACTIONS: Record<string, { actions: string[]; what: string }> = {
  wx: { actions: ['wx.wxCallContainerApi'], what: 'cloud-hosting calls' },
  auth: { actions: ['auth.getUserInfoForAdmin', 'auth.wsWebSign'], what: 'CloudBase end-user accounts and realtime database watch' },
  analytics: { actions: ['analytics.report'], what: 'analytics reporting' },
  ai: { actions: ['ai.invokeAI'], what: 'the AI gateway' },
};

const notAvailable =
  (what: string): ActionHandler =>
  (params) => {
    throw new StudioError('NotSupported', `${params.action} is not available in the local environment (${what} need the cloud). Run this code in a cloud environment.`);
  };

/** `served`: platform actions the local environment does answer (by full action name, e.g. `wx.openApi`). */
export function platformServices(served: Record<string, ActionHandler> = {}): ServiceTable {
  const table: ServiceTable = {};
  for (const [prefix, { actions, what }] of Object.entries(PLATFORM_ACTIONS)) {
    const own = Object.entries(served).filter(([action]) => action.startsWith(`${prefix}.`));
    const service: ServiceActions = {
      fallbackCode: 'NOT_AVAILABLE_LOCALLY',
      codes: { NotSupported: 'NOT_AVAILABLE_LOCALLY' },
      actions: { ...Object.fromEntries(actions.map((a) => [a, notAvailable(what)])), ...Object.fromEntries(own) },
    };
    table[prefix] = service;
  }
  return table;
}
