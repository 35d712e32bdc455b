/**
 * The tokens tree items carry in `contextValue`. package.json menus match them with
 * `viewItem =~ /\bcloudbase\.<token>\b/`, so a node can carry several and menus stay readable;
 * test/unit/manifest.test.ts checks every token here against the menus. No vscode import: the
 * manifest test loads this module in plain Node.
 */
export const ContextValue = {
  environment: 'cloudbase.environment',
  localEnvironment: 'cloudbase.localEnvironment',
  tencentEnvironment: 'cloudbase.tencentEnvironment',
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
  /** A function whose environment keeps deployed code apart from the folder: Compare with Deployed applies. */
  deployedCopy: 'cloudbase.deployedCopy',
  /** A function whose package.json dependencies are not installed. */
  dependenciesMissing: 'cloudbase.dependenciesMissing',
  /** A valid timer trigger under a local function (Run Trigger Now applies). */
  timerTrigger: 'cloudbase.timerTrigger',
  /** A served HTTP access route (Copy URL, Open in Browser). */
  httpRoute: 'cloudbase.httpRoute',
  /** The Storage area (its root folder), its folders and files. */
  storage: 'cloudbase.storage',
  storageFolder: 'cloudbase.storageFolder',
  storageFile: 'cloudbase.storageFile',
  error: 'cloudbase.error',
  /** An error from keys that are wrong or expired: Sign In Again applies. */
  signInNeeded: 'cloudbase.signInNeeded',
} as const;

export type ContextToken = (typeof ContextValue)[keyof typeof ContextValue];

export const CONTEXT_SEPARATOR = ';';

export function contextValue(...tokens: ContextToken[]): string {
  return tokens.join(CONTEXT_SEPARATOR);
}
