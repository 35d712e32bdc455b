/**
 * The tokens tree items carry in `contextValue`. package.json menus match them with
 * `viewItem =~ /\bcloudbase\.<token>\b/`, so a node can carry several and menus stay readable;
 * test/unit/manifest.test.ts checks every token here against the menus. What an environment or a
 * function can do (environments/capabilities.ts) becomes tokens here, so a menu names the
 * capability it needs rather than a kind of environment. No vscode import: the manifest test
 * loads this module in plain Node.
 */
import type { EnvironmentCapability, FunctionCapability } from '../environments/capabilities';

export const ContextValue = {
  environment: 'cloudbase.environment',
  /** A Tencent environment: it belongs to a signed-in account (Sign Out). */
  tencentEnvironment: 'cloudbase.tencentEnvironment',
  /** Capability startStop: Start, Stop, Restart. */
  startStop: 'cloudbase.startStop',
  /** Capability sdkSetup: Copy SDK Setup. */
  sdkSetup: 'cloudbase.sdkSetup',
  /** A signed-in Tencent Cloud account (its environments below it). */
  account: 'cloudbase.account',
  running: 'cloudbase.running',
  /** Idle, stopped or failed: something Start can act on. */
  startable: 'cloudbase.startable',
  /** A local environment whose process went away without being stopped: Restart applies. */
  crashed: 'cloudbase.crashed',
  database: 'cloudbase.database',
  collection: 'cloudbase.collection',
  document: 'cloudbase.document',
  /** The Functions area of an environment. */
  functions: 'cloudbase.functions',
  function: 'cloudbase.function',
  /** A function whose process the Node debugger can attach to: Debug Function applies. */
  debuggable: 'cloudbase.debuggable',
  /** A function whose code is in the workspace: Deploy Function applies. */
  deployable: 'cloudbase.deployable',
  /** A function whose environment keeps deployed code apart from its folder in the workspace: Compare with Deployed applies. */
  deployedCopy: 'cloudbase.deployedCopy',
  /** A function whose package.json dependencies are not installed. */
  dependenciesMissing: 'cloudbase.dependenciesMissing',
  /** A valid timer trigger in an environment that runs triggers on demand (Run Trigger Now applies). */
  timerTrigger: 'cloudbase.timerTrigger',
  /** A served HTTP access route (Copy URL, Open in Browser). */
  httpRoute: 'cloudbase.httpRoute',
  /** A simulated WeChat Pay order nobody has paid yet (Pay Order, Fail Order). */
  unpaidOrder: 'cloudbase.unpaidOrder',
  /** The Users node of an environment with simulated WeChat users: Create WeChat User…. */
  wechatUsers: 'cloudbase.wechatUsers',
  /** A simulated WeChat user: Delete User. */
  wechatUser: 'cloudbase.wechatUser',
  /** A user functions do not run as yet: Run Functions as This User. */
  switchableUser: 'cloudbase.switchableUser',
  /** The user functions run as: Run Functions as the Default Caller. */
  currentUser: 'cloudbase.currentUser',
  /** The default caller while another user is current: Run Functions as the Default Caller. */
  switchableDefaultCaller: 'cloudbase.switchableDefaultCaller',
  /** The Storage area (its root folder), its folders and files. */
  storage: 'cloudbase.storage',
  storageFolder: 'cloudbase.storageFolder',
  storageFile: 'cloudbase.storageFile',
  /** A local environment's Snapshots list (Save, Import) and one snapshot in it (Restore, Export, Delete). */
  snapshots: 'cloudbase.snapshots',
  snapshot: 'cloudbase.snapshot',
  error: 'cloudbase.error',
  /** An error from keys that are wrong or expired: Sign In Again applies. */
  signInNeeded: 'cloudbase.signInNeeded',
} as const;

export type ContextToken = (typeof ContextValue)[keyof typeof ContextValue];

export const CONTEXT_SEPARATOR = ';';

export function contextValue(...tokens: ContextToken[]): string {
  return tokens.join(CONTEXT_SEPARATOR);
}

/** The tokens of the environment capabilities that menus act on (the others show as nodes, e.g. HTTP Access). */
const ENVIRONMENT_TOKENS: Partial<Record<EnvironmentCapability, ContextToken>> = {
  startStop: ContextValue.startStop,
  sdkSetup: ContextValue.sdkSetup,
};

const FUNCTION_TOKENS: Record<FunctionCapability, ContextToken> = {
  debug: ContextValue.debuggable,
  deploy: ContextValue.deployable,
  compareWithDeployed: ContextValue.deployedCopy,
  installDependencies: ContextValue.dependenciesMissing,
};

export function environmentCapabilityTokens(capabilities: Iterable<EnvironmentCapability>): ContextToken[] {
  return [...capabilities].flatMap((c) => ENVIRONMENT_TOKENS[c] ?? []);
}

export function functionContextValue(capabilities: readonly FunctionCapability[]): string {
  return contextValue(ContextValue.function, ...capabilities.map((c) => FUNCTION_TOKENS[c]));
}
