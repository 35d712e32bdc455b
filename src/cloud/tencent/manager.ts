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

export function createManager(config: ManagerConfig, seams: { transport?: TestTransport } = {}): CloudBase {
  // Without both, manager-node quietly signs with TENCENTCLOUD_SECRETID/SECRETKEY from the process
  // environment: a different account than the one the user chose.
  if (!config.secretId?.trim() || !config.secretKey?.trim()) {
    throw new StudioError('Unauthorized', 'Tencent Cloud credentials need both a SecretId and a SecretKey.');
  }
  if (seams.transport) installTransport(seams.transport);
  return new CloudBase({
    secretId: config.secretId,
    secretKey: config.secretKey,
    token: config.token,
    envId: config.envId,
    region: config.region,
    proxy: config.proxy,
  });
}
