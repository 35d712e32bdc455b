/**
 * The one place that builds manager-node clients. Each environment gets its own `new CloudBase`:
 * `CloudBase.init` keeps a process-wide singleton whatever the credentials, so it is never used.
 * This module pulls in @cloudbase/manager-node; the extension must load it lazily.
 */
import CloudBase from '@cloudbase/manager-node';
import { StudioError } from '../../shared/errors';

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  /** STS session token for temporary keys. */
  token?: string;
}

export interface ManagerConfig extends TencentCredentials {
  envId?: string;
  region?: string;
  /** An HTTP proxy for every Cloud API request (a CONNECT tunnel). */
  proxy?: string;
}

/**
 * Tests only; production code never passes it. Rewrites the URL of every Cloud API request
 * (e.g. to a fake on 127.0.0.1) while headers, Host included, and the signature stay as signed.
 */
export interface TestTransport {
  rewriteUrl(url: string): string;
  /**
   * `http://127.0.0.1:<port>`: the COS SDK then speaks plain HTTP to it as a proxy (absolute-form
   * requests, the bucket's Host kept), instead of TLS to `<bucket>.cos.<region>.tencentcos.cn`.
   */
  cosProxy?: string;
}

type FetchFn = (url: string, config?: unknown, proxy?: unknown) => Promise<unknown>;

let activeTransport: TestTransport | undefined;
let fetchPatched = false;

/**
 * manager-node calls `fetch` through its `lib/utils/http-request` module object, so replacing that
 * export redirects every request without changing manager-node's code. The patch is process-wide
 * and only ever installed when a test passes a transport.
 */
function installTransport(transport: TestTransport): void {
  activeTransport = transport;
  if (fetchPatched) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const httpRequest = require('@cloudbase/manager-node/lib/utils/http-request') as { fetch: FetchFn };
  const original = httpRequest.fetch;
  httpRequest.fetch = (url, config, proxy) => original(activeTransport ? activeTransport.rewriteUrl(url) : url, config, proxy);
  fetchPatched = true;
}

/**
 * manager-node builds a COS client per storage call from `TCB_COS_PROXY` (read each time) and the
 * `COS_SDK_PROTOCOL` its constants module copied from the environment when it loaded, so the
 * copy is set too: by now that module has loaded.
 */
function installCosProxy(cosProxy: string): void {
  process.env.TCB_COS_PROXY = cosProxy;
  process.env.COS_SDK_PROTOCOL = 'http';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const constants = require('@cloudbase/manager-node/lib/constant') as { COS_SDK_PROTOCOL?: string };
  constants.COS_SDK_PROTOCOL = 'http';
}

export function createManager(config: ManagerConfig, seams: { transport?: TestTransport } = {}): CloudBase {
  // Without both, manager-node quietly signs with TENCENTCLOUD_SECRETID/SECRETKEY from the process
  // environment: a different account than the one the user chose.
  if (!config.secretId?.trim() || !config.secretKey?.trim()) {
    throw new StudioError('Unauthorized', 'Tencent Cloud credentials need both a SecretId and a SecretKey.');
  }
  if (seams.transport) installTransport(seams.transport);
  if (seams.transport?.cosProxy) installCosProxy(seams.transport.cosProxy);
  return new CloudBase({
    secretId: config.secretId,
    secretKey: config.secretKey,
    token: config.token,
    envId: config.envId,
    region: config.region,
    proxy: config.proxy,
  });
}

/**
 * A signed `/admin` request made by manager-node's own request function (so transport, proxy and
 * signature are manager-node's); the answer comes back as it is, error codes included.
 */
export async function adminRequest(app: CloudBase, params: Record<string, unknown>): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cloudBaseRequest } = require('@cloudbase/manager-node/lib/utils/cloudbase-request') as {
    cloudBaseRequest(options: { config: unknown; params: Record<string, unknown>; method: string }): Promise<unknown>;
  };
  return cloudBaseRequest({ config: app.currentEnvironment().getAuthConfig(), params, method: 'POST' });
}

export interface StreamResponse {
  status: number;
  body: NodeJS.ReadableStream;
}

/** A GET whose body is streamed (a temporary URL), through manager-node's proxy-aware fetch. */
export function fetchStream(url: string, init: { signal?: AbortSignal }, proxy?: string): Promise<StreamResponse> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const httpRequest = require('@cloudbase/manager-node/lib/utils/http-request') as {
    fetchStream(url: string, config?: unknown, proxy?: unknown): Promise<StreamResponse>;
  };
  return httpRequest.fetchStream(url, init, proxy);
}
