/**
 * A local stand-in for Tencent Cloud on 127.0.0.1: Cloud API 3.0 requests routed by `X-TC-Action`,
 * manager-node's `/admin` requests (admin-route.ts) and COS object requests (cos-route.ts). Cloud
 * API requests must carry a TC3-HMAC-SHA256 signature made with its one key pair and are answered
 * in the `{"Response": …}` envelope. Each environment is a whole local environment underneath.
 * Tests inject faults per action to see how a client copes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalEnvironment } from '../../../src/emulator/environment';
import { actions, CloudApiError, toCloudApiError, type FakeEnvironment, type Params } from './actions';
import { handleAdmin } from './admin-route';
import { handleCos, isCosRequest } from './cos-route';
import { answerFault, readBody, send, type Fault, type RecordedRequest, type RouteContext } from './routes';
import { parseAuthorization, tc3Signature, utcDate } from './signature';

export type { Fault, RecordedRequest } from './routes';

export interface FakeTencentCloudOptions {
  dataDir: string;
  secretId: string;
  secretKey: string;
  /** When set, requests must carry it: X-TC-Token (Cloud API), `sessionToken` (/admin), x-cos-security-token (COS). */
  token?: string;
  environments: { envId: string; alias?: string; region?: string }[];
}

export interface FakeTencentCloud {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The fake environment (and the local environment underneath it) with this id. */
  environment(envId: string): FakeEnvironment;
  /** Turns the environment's log service (DescribeEnvs' LogServices) on or off; it starts on. */
  setLogService(envId: string, enabled: boolean): void;
  /**
   * The fault applies to the next `times` requests for `action` (all of them when omitted):
   * a Cloud API action (`SearchClsLog`), an /admin action (`storage.batchDeleteFile`) or a COS
   * operation (`cos:GetBucket`, `cos:PutObject`, …), each answered in its protocol's words.
   */
  inject(action: string, fault: Fault, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Clock skew Tencent tolerates before AuthFailure.SignatureExpire. */
const MAX_SKEW_SECONDS = 300;

export async function startFakeTencentCloud(options: FakeTencentCloudOptions): Promise<FakeTencentCloud> {
  const environments: FakeEnvironment[] = [];
  for (const e of options.environments) {
    // Each environment is a project of its own whose functions live in cloudfunctions/.
    const projectRoot = join(options.dataDir, e.envId);
    await mkdir(join(projectRoot, 'cloudfunctions'), { recursive: true });
    environments.push({
      envId: e.envId,
      alias: e.alias ?? e.envId,
      region: e.region ?? 'ap-shanghai',
      logService: true,
      local: await startLocalEnvironment({ projectRoot, envId: e.envId, dataDir: join(projectRoot, '.data') }),
    });
  }
  const faults = new Map<string, { fault: Fault; remaining: number }>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function takeFault(action: string): Fault | undefined {
    const entry = faults.get(action);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.delete(action);
    return entry.fault;
  }

  function checkAuth(req: IncomingMessage, body: string, action: string): void {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) throw new CloudApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing or malformed.');
    if (auth.secretId !== options.secretId) throw new CloudApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
    const timestamp = Number(req.headers['x-tc-timestamp']);
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS || utcDate(timestamp) !== auth.date) {
      throw new CloudApiError('AuthFailure.SignatureExpire', 'The signature has expired.');
    }
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const expected = tc3Signature({ secretKey: options.secretKey, service: auth.service, host, timestamp, body });
    if (expected !== auth.signature) throw new CloudApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
    if (options.token !== undefined && req.headers['x-tc-token'] !== options.token) {
      throw new CloudApiError('AuthFailure.TokenFailure', 'The token is invalid or has expired.');
    }
    if (!action) throw new CloudApiError('MissingParameter', 'The X-TC-Action header is missing.');
  }

  async function delay(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function environmentById(envId: string): FakeEnvironment {
    const env = environments.find((e) => e.envId === envId);
    if (!env) throw new Error(`No fake environment ${envId}`);
    return env;
  }

  const context: RouteContext = {
    credentials: { secretId: options.secretId, secretKey: options.secretKey, token: options.token },
    environments,
    record: (r) => requests.push(r),
    async fault(action, res) {
      const fault = takeFault(action);
      if (fault?.kind === 'slow') await delay(fault.delayMs);
      return res.destroyed ? undefined : fault;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (isCosRequest(req)) return handleCos(context, req, res);
    if (new URL(req.url ?? '/', 'http://fake').pathname === '/admin') return handleAdmin(context, req, res);
    const requestId = randomUUID();
    const action = String(req.headers['x-tc-action'] ?? '');
    const body = (await readBody(req)).toString('utf8');
    const fail = (code: string, message: string, status = 200): void =>
      send(res, status, JSON.stringify({ Response: { Error: { Code: code, Message: message }, RequestId: requestId } }));
    const record: RecordedRequest = { action, protocol: 'cloudapi', requestId, at: Date.now(), params: {}, headers: req.headers };
    requests.push(record);
    let params: Params = {};
    try {
      checkAuth(req, body, action);
      const parsed: unknown = JSON.parse(body === '' ? '{}' : body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CloudApiError('InvalidParameter', 'The body must be a JSON object.');
      params = parsed as Params;
      record.params = params;
    } catch (e) {
      record.refused = e instanceof CloudApiError ? e.code : 'InvalidParameter';
      return fail(record.refused, e instanceof Error ? e.message : String(e));
    }

    const fault = await context.fault(action, res);
    if (res.destroyed) return;
    if (answerFault(fault, res, fail)) return;

    const handler = actions[action];
    if (!handler) return fail('InvalidAction', `The action ${action} is not supported.`);
    const envFor = (): FakeEnvironment => {
      const envId = params.EnvId;
      const env = environments.find((e) => e.envId === envId);
      if (!env) throw new CloudApiError('ResourceNotFound', `Environment ${String(envId)} was not found.`);
      return env;
    };
    try {
      const result = await handler(params, envFor, environments);
      send(res, 200, JSON.stringify({ Response: { ...result, RequestId: requestId } }));
    } catch (e) {
      const err = toCloudApiError(e);
      fail(err.code, err.message);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: String(e) }, RequestId: randomUUID() } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    environment: environmentById,
    setLogService(envId, enabled) {
      environmentById(envId).logService = enabled;
    },
    inject(action, fault, times = Number.POSITIVE_INFINITY) {
      faults.set(action, { fault, remaining: times });
    },
    clearFaults() {
      faults.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const e of environments) await e.local.close();
    },
  };
}
