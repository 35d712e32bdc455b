/**
 * SDKs that ignore TCB_CONTEXT_CNFG (tcb-admin-node 1.x inside wx-server-sdk 1.x) post to the cloud's
 * in-SCF endpoints whenever TENCENTCLOUD_RUNENV=SCF. In a local function process those requests go to
 * the local /admin instead, at the one seam every HTTP client in Node goes through: `http.request`
 * and `http.get` (the `request` library, axios and plain http all call them by property).
 */
import type { ClientRequest, RequestOptions } from 'node:http';

// The module object itself, so the replacements are what every later caller reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');

/** Hosts a function in SCF reaches /admin at (`tcb-open` serves wx.openApi and wx.wxPayApi). */
export const CLOUD_ADMIN_HOSTS: readonly string[] = ['tcb-admin.tencentyun.com', 'tcb-open.tencentyun.com'];

type RequestArgs = [url: string | URL | RequestOptions, options?: RequestOptions | ((res: unknown) => void), callback?: (res: unknown) => void];

function isCloudHost(host: string | null | undefined): boolean {
  if (!host) return false;
  return CLOUD_ADMIN_HOSTS.includes(host.replace(/:\d+$/, '').toLowerCase());
}

/** Options whose Host header (set by clients such as `request`) names the local server, which refuses any other. */
function withLocalHost<T extends RequestOptions | undefined>(options: T, target: URL): T {
  if (!options || typeof options !== 'object' || !options.headers || Array.isArray(options.headers)) return options;
  const headers = Object.fromEntries(Object.entries(options.headers).filter(([name]) => name.toLowerCase() !== 'host'));
  return { ...options, headers: { ...headers, host: target.host } };
}

/** The same request aimed at the local server; anything else is left exactly as it was. */
export function redirectArgs(args: RequestArgs, target: URL): RequestArgs {
  const [first, second, ...rest] = args;
  if (typeof first === 'string' || first instanceof URL) {
    const url = new URL(first.toString());
    if (!isCloudHost(url.hostname)) return args;
    url.protocol = target.protocol;
    url.host = target.host;
    const options = typeof second === 'object' ? withLocalHost(second, target) : second;
    return [url, options, ...rest].slice(0, args.length) as RequestArgs;
  }
  if (first && typeof first === 'object' && isCloudHost(first.hostname ?? first.host)) {
    const options = withLocalHost({ ...first, hostname: target.hostname, host: target.hostname, port: target.port, protocol: target.protocol }, target);
    return [options, second, ...rest].slice(0, args.length) as RequestArgs;
  }
  return args;
}

/** Installs the redirection once per process; `adminUrl` is the local environment's /admin. */
export function redirectCloudEndpoints(adminUrl: string): void {
  const target = new URL(adminUrl);
  const request = http.request;
  const get = http.get;
  http.request = ((...args: RequestArgs) => (request as (...a: RequestArgs) => ClientRequest)(...redirectArgs(args, target))) as typeof http.request;
  http.get = ((...args: RequestArgs) => (get as (...a: RequestArgs) => ClientRequest)(...redirectArgs(args, target))) as typeof http.get;
}
