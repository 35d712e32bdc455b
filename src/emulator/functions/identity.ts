/**
 * The process environment of the cloud runtime (SCF), so wx-server-sdk and @cloudbase/node-sdk
 * behave as in the cloud: `cloud.getWXContext()` reads the caller from process.env, and
 * `TCB_CONTEXT_CNFG` sends every SDK request to the local environment's /admin endpoint.
 */

/** Who calls the function: in the cloud the mini program's user, here a simulated one. */
export interface SimulatedIdentity {
  openId: string;
  appId: string;
  unionId?: string;
  /** `TCB_SOURCE`, returned by getWXContext() as SOURCE: `wx_client` for calls from a mini program. */
  source?: string;
  clientIp?: string;
  /** CloudBase end-user id (`auth().getUserInfo().uid`). */
  uid?: string;
  customUserId?: string;
  isAnonymous?: boolean;
}

/** Shaped like real ones (28-character openid, `wx` + 16 hex appid) so validation in user code passes. */
export const DEFAULT_IDENTITY: SimulatedIdentity = {
  openId: 'oLocal00000000000000000user1',
  appId: 'wx00000000000000aa',
  source: 'wx_client',
  clientIp: '127.0.0.1',
};

/**
 * In the cloud WX_API_TOKEN tells the platform who called, so a function calling another one with
 * `cloud.callFunction` passes its caller on. The SDK sends it as `wxCloudApiToken`; locally it is
 * the identity itself, readable by the local /admin (there are no keys to sign it with).
 */
const CALLER_TOKEN_PREFIX = 'local-caller.';

export function callerToken(identity: SimulatedIdentity): string {
  return CALLER_TOKEN_PREFIX + Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
}

/** The identity in a token from callerToken, or undefined for anything else. */
export function identityFromCallerToken(token: unknown): SimulatedIdentity | undefined {
  if (typeof token !== 'string' || !token.startsWith(CALLER_TOKEN_PREFIX)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token.slice(CALLER_TOKEN_PREFIX.length), 'base64url').toString('utf8')) as Partial<SimulatedIdentity>;
    return typeof value.openId === 'string' && typeof value.appId === 'string' ? (value as SimulatedIdentity) : undefined;
  } catch {
    return undefined;
  }
}

/** The variables `getWXContext()` and node-sdk's context reading look at, per invocation (getWXContext leaves out API_TOKEN). */
const WX_KEYS = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID', 'WX_CLIENTIP', 'WX_API_TOKEN'];
const TCB_KEYS = ['TCB_ENV', 'TCB_SEQID', 'TCB_SOURCE', 'TCB_SOURCE_IP', 'TCB_UUID', 'TCB_CUSTOM_USER_ID', 'TCB_ISANONYMOUS_USER'];

/** Null values are removed from the process environment (the previous caller's must not leak). */
export type EnvPatch = Record<string, string | null>;

export function identityEnv(identity: SimulatedIdentity, envId: string, requestId: string): EnvPatch {
  const patch: Record<string, string | undefined> = {
    WX_CONTEXT_KEYS: WX_KEYS.join(','),
    TCB_CONTEXT_KEYS: TCB_KEYS.join(','),
    WX_OPENID: identity.openId,
    WX_APPID: identity.appId,
    WX_UNIONID: identity.unionId,
    WX_CLIENTIP: identity.clientIp,
    WX_API_TOKEN: callerToken(identity),
    TCB_ENV: envId,
    TCB_SEQID: requestId,
    TCB_SOURCE: identity.source,
    TCB_SOURCE_IP: identity.clientIp,
    TCB_UUID: identity.uid,
    TCB_CUSTOM_USER_ID: identity.customUserId,
    TCB_ISANONYMOUS_USER: identity.isAnonymous === undefined ? undefined : String(identity.isAnonymous),
  };
  // null, not undefined: the patch travels as JSON, which drops undefined.
  return Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v ?? null]));
}

export interface ProcessEnvOptions {
  envId: string;
  functionName: string;
  region: string;
  adminUrl: string;
  /** The environment's token: the SDKs send their session token with every /admin call. */
  sessionToken?: string;
  envVariables: Record<string, string>;
  nodePath: readonly string[];
}

/** Host variables a Node process needs to work at all; nothing else of the editor's environment leaks in. */
const PASSED_THROUGH = ['PATH', 'Path', 'HOME', 'USERPROFILE', 'TMPDIR', 'TMP', 'TEMP', 'SystemRoot', 'LANG', 'TZ'];

/** Placeholder temporary keys: the SDKs refuse to start without some, the local /admin ignores them. */
const LOCAL_CREDENTIALS = {
  TENCENTCLOUD_SECRETID: 'AKIDLOCALEMULATOR0000000000000000000',
  TENCENTCLOUD_SECRETKEY: 'LocalEmulatorSecretKey000000000000',
  TENCENTCLOUD_SESSIONTOKEN: 'local-emulator-session-token',
};

/** The environment a function process starts with; the cloud's own variables win over envVariables. */
export function processEnv(o: ProcessEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, o.envVariables, LOCAL_CREDENTIALS, {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: o.region,
    SCF_NAMESPACE: o.envId,
    SCF_FUNCTIONNAME: o.functionName,
    SCF_FUNCTIONVERSION: '$LATEST',
    TCB_ENV: o.envId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: o.adminUrl }),
  });
  if (o.sessionToken !== undefined) env.TENCENTCLOUD_SESSIONTOKEN = o.sessionToken;
  if (o.nodePath.length > 0) env.NODE_PATH = o.nodePath.join(process.platform === 'win32' ? ';' : ':');
  // Inside the editor process.execPath is Electron; this makes it behave as plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
