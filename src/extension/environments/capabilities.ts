/**
 * What each kind of environment can do, declared once. The tree turns these into context values
 * (explorer/contextValues.ts) so package.json menus offer only what works, and the registry
 * follows `startStop` for its lifecycle. Commands still check the backend, because the palette
 * and other extensions reach them without a node. No vscode import: unit tests read it in plain Node.
 */
import type { EnvironmentKind } from '../../shared/model';

export type EnvironmentCapability =
  /** Runs on this machine: Start, Stop, Restart; a stopped one waits for Start. */
  | 'startStop'
  /** Shell lines that point SDK code at it (Copy SDK Setup). */
  | 'sdkSetup'
  /** Serves the project's HTTP access routes (cloudbaserc.json servicePaths) at its own address. */
  | 'httpAccess'
  /** Runs function processes the Node debugger can attach to (Debug Function). */
  | 'debugFunctions'
  /** Keeps deployed code apart from the function folders (Compare with Deployed). */
  | 'deployedCopy'
  /** Runs a function's timer trigger on demand (Run Trigger Now). */
  | 'runTriggers'
  /** Keeps simulated WeChat users that functions run as, each with an inbox (the Users node). */
  | 'simulatedUsers';

const BY_KIND: Record<EnvironmentKind, ReadonlySet<EnvironmentCapability>> = {
  local: new Set<EnvironmentCapability>(['startStop', 'sdkSetup', 'httpAccess', 'debugFunctions', 'runTriggers', 'simulatedUsers']),
  // Nothing runs here to start or debug; the cloud serves its own HTTP access and timers.
  tencent: new Set<EnvironmentCapability>(['deployedCopy', 'runTriggers']),
};

export function capabilitiesOf(kind: EnvironmentKind): ReadonlySet<EnvironmentCapability> {
  return BY_KIND[kind];
}

export function can(kind: EnvironmentKind, capability: EnvironmentCapability): boolean {
  return BY_KIND[kind].has(capability);
}

export type FunctionCapability = 'debug' | 'deploy' | 'compareWithDeployed' | 'installDependencies';

export interface FunctionFacts {
  /** A folder of that name in one of this workspace's projects (a local function's own folder). */
  workspaceSource: boolean;
  dependenciesMissing: boolean;
}

/**
 * What a function offers where it differs from function to function: its code must be in the
 * workspace to deploy or to compare, and its environment decides debugging and a deployed copy.
 */
export function functionCapabilities(kind: EnvironmentKind, facts: FunctionFacts): FunctionCapability[] {
  const out: FunctionCapability[] = [];
  if (can(kind, 'debugFunctions')) out.push('debug');
  if (facts.workspaceSource) out.push('deploy');
  if (facts.workspaceSource && can(kind, 'deployedCopy')) out.push('compareWithDeployed');
  if (facts.dependenciesMissing) out.push('installDependencies');
  return out;
}
