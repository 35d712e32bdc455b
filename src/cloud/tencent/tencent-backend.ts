/** A Tencent CloudBase environment behind the backend contract, through @cloudbase/manager-node. */
import type { EnvironmentInfo } from '../../shared/model';
import { tencentEnvironmentKey } from '../../shared/environmentKeys';
import type { PollOptions } from '../logPolling';
import type { CloudBackend, DatabaseApi, FunctionsApi, LogsApi, StorageApi } from '../backend';
import { callCloud, DEFAULT_POLICY, type CallPolicy } from './calls';
import { TencentDatabase } from './database-api';
import { TencentFunctions, type TencentFunctionsOptions } from './functions-api';
import { TencentLogs } from './logs-api';
import { createManager, type TencentCredentials, type TestTransport } from './manager';
import { TencentStorage } from './storage-api';

/** Tuning and test seams; production passes at most `proxy`. */
export interface TencentOptions {
  proxy?: string;
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  /** Tests only: how often the log tail polls (see logPolling.ts). */
  logPolling?: PollOptions;
  /** Tests only: see TestTransport. */
  transport?: TestTransport;
  /** How function deploys wait for the Active state (tests shorten it). */
  functions?: TencentFunctionsOptions;
}

const DEFAULT_REGION = 'ap-shanghai';

function policyOf(credentials: TencentCredentials, options: TencentOptions): CallPolicy {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_POLICY.timeoutMs,
    retries: options.retries ?? DEFAULT_POLICY.retries,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_POLICY.retryDelayMs,
    secrets: [credentials.secretKey, credentials.token],
  };
}

export class TencentBackend implements CloudBackend {
  readonly database: DatabaseApi;
  readonly storage: StorageApi;
  readonly functions: FunctionsApi;
  readonly logs: LogsApi;

  constructor(
    readonly environment: EnvironmentInfo,
    credentials: TencentCredentials,
    options: TencentOptions = {},
  ) {
    const app = createManager(
      { ...credentials, envId: environment.envId, region: environment.region ?? DEFAULT_REGION, proxy: options.proxy },
      { transport: options.transport },
    );
    const policy = policyOf(credentials, options);
    this.database = new TencentDatabase(app, environment.envId, policy);
    this.storage = new TencentStorage(app, environment.envId, policy, options.proxy);
    this.functions = new TencentFunctions(app, policy, options.functions);
    this.logs = new TencentLogs(app, policy, options.logPolling);
  }

  async dispose(): Promise<void> {
    // manager-node keeps no connections or timers of its own between calls.
  }
}

/** The environments an account has in one region (Cloud APIs are regional). */
export async function listEnvironments(
  credentials: TencentCredentials,
  region: string = DEFAULT_REGION,
  options: TencentOptions = {},
  signal?: AbortSignal,
): Promise<EnvironmentInfo[]> {
  const app = createManager({ ...credentials, region, proxy: options.proxy }, { transport: options.transport });
  const res = await callCloud('DescribeEnvs', () => app.env.listEnvs(), policyOf(credentials, options), signal);
  return (res.EnvList ?? [])
    .filter((e): e is typeof e & { EnvId: string } => typeof e.EnvId === 'string' && e.EnvId !== '')
    .map((e) => ({
      key: tencentEnvironmentKey(undefined, e.EnvId),
      kind: 'tencent' as const,
      envId: e.EnvId,
      label: e.Alias ? `${e.Alias} (${e.EnvId})` : e.EnvId,
      region: e.Region || region,
    }));
}

/** Whether the credentials work and CloudBase is activated for the account (CheckTcbService). */
export async function checkCredentials(credentials: TencentCredentials, region: string = DEFAULT_REGION, options: TencentOptions = {}, signal?: AbortSignal): Promise<boolean> {
  const app = createManager({ ...credentials, region, proxy: options.proxy }, { transport: options.transport });
  const res = (await callCloud('CheckTcbService', () => app.commonService().call({ Action: 'CheckTcbService', Param: {} }), policyOf(credentials, options), signal)) as {
    Initialized?: boolean;
  };
  return res.Initialized === true;
}
