/**
 * The environments the explorer shows and their lifecycles. Local environments are opened on
 * first use (or by auto-start) and closed on stop, removal and shutdown; concurrent callers share
 * one start. Tencent CloudBase environments are added per signed-in account; their backend is
 * built on first use and built again once the account's temporary keys expire. No vscode import:
 * the explorer's unit tests drive it with a fake factory.
 */
import { basename } from 'node:path';
import type { CloudBackend } from '../../cloud/backend';
import type { ProjectInfo } from '../../project/project';
import { localEnvId } from '../../project/project';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import type { EnvironmentInfo } from '../../shared/model';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import type { LocalEnvironment, OpenLocalEnvironment } from './localEnvironment';

export type EnvironmentState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** The signed-in account a Tencent environment was listed with. */
export interface AccountRef {
  readonly id: string;
  readonly label: string;
}

/** A Tencent environment's backend and when the keys it was built with stop working. */
export interface CloudHandle {
  backend: CloudBackend;
  expiresAt?: number;
}

export type OpenCloudEnvironment = () => Promise<CloudHandle>;

export interface EnvironmentEntry {
  readonly key: string;
  readonly info: EnvironmentInfo;
  /** Local environments: the project they run. */
  readonly project?: ProjectInfo;
  /** Tencent environments: the account they belong to. */
  readonly account?: AccountRef;
  /**
   * Where the functions' folders (with their saved test events) are on this machine: the
   * project's function root, or for a Tencent environment a folder in the extension's storage.
   */
  readonly functionRoot?: string;
  /** Started by the user for a folder that is not (or not only) a detected workspace project. */
  readonly explicit: boolean;
  readonly state: EnvironmentState;
  /** Why the last start failed (state `failed`). */
  readonly error?: unknown;
  /** The running environment's HTTP endpoint. */
  readonly url?: string;
  /** Local environments: the process serving it. */
  readonly pid?: number;
  /** Local environments: shell lines that point SDK code run from a terminal at it. */
  readonly sdkSetup?: string;
  /** The environment went away without being stopped (state `failed`): the tree offers Restart. */
  readonly crashed?: boolean;
}

export type RegistryChange =
  | { kind: 'added' | 'removed'; key: string }
  | { kind: 'state'; key: string; state: EnvironmentState };

export interface RegistryOptions {
  open: OpenLocalEnvironment;
  /** Absolute data folder for a project (the setting may move it). */
  dataDirectory: (project: ProjectInfo) => string;
  log?: Logger;
  /**
   * How long a start waits for another process to let go of the data folder. A reloaded window's
   * old extension host holds the lock for a few seconds while it shuts down.
   */
  lockWaitMs?: number;
  /** Whether local environments start with their timer triggers paused (the setting). */
  timersPaused?: () => boolean;
}

const LOCK_RETRY_INTERVAL_MS = 250;

/** Temporary keys this close to their end are not used for a new backend. */
const KEY_RENEW_MARGIN_MS = 60_000;

class Entry implements EnvironmentEntry {
  state: EnvironmentState = 'idle';
  error?: unknown;
  url?: string;
  pid?: number;
  sdkSetup?: string;
  crashed?: boolean;
  info: EnvironmentInfo;
  handle?: LocalEnvironment;
  cloud?: CloudHandle;
  account?: AccountRef;
  functionRoot?: string;
  openCloud?: OpenCloudEnvironment;
  /** The start or stop in progress; later calls wait for it instead of racing it. */
  transition?: Promise<unknown>;
  removed = false;

  constructor(
    readonly key: string,
    readonly project: ProjectInfo | undefined,
    public explicit: boolean,
    info?: EnvironmentInfo,
  ) {
    this.functionRoot = project?.functionRoot;
    this.info = info ?? {
      key,
      kind: 'local',
      envId: project ? localEnvId(project) : key,
      label: project ? basename(project.root) || project.root : key,
      projectRoot: project?.root,
    };
  }
}

export function localEnvironmentKey(projectRoot: string): string {
  return `local:${projectRoot}`;
}

export class EnvironmentRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly log: Logger;
  private resolver?: (key: string) => Promise<void>;

  constructor(private readonly options: RegistryOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Environments ordered by label, so the tree and pickers agree. */
  list(): EnvironmentEntry[] {
    return [...this.entries.values()].sort((a, b) => a.info.label.localeCompare(b.info.label) || a.key.localeCompare(b.key));
  }

  get(key: string): EnvironmentEntry | undefined {
    return this.entries.get(key);
  }

  findByRoot(projectRoot: string): EnvironmentEntry | undefined {
    return this.entries.get(localEnvironmentKey(projectRoot));
  }

  /** Pauses or resumes the timer triggers of every running local environment. */
  setTimersPaused(paused: boolean): void {
    for (const entry of this.entries.values()) entry.handle?.setTimersPaused?.(paused);
  }

  onDidChange(listener: (change: RegistryChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Adds a project's local environment (idle) or returns the one already known. */
  addLocal(project: ProjectInfo, options: { explicit: boolean }): EnvironmentEntry {
    const key = localEnvironmentKey(project.root);
    const known = this.entries.get(key);
    if (known) {
      known.explicit ||= options.explicit;
      return known;
    }
    const entry = new Entry(key, project, options.explicit);
    this.entries.set(key, entry);
    this.emit({ kind: 'added', key });
    return entry;
  }

  /**
   * Adds a Tencent environment of a signed-in account (idle until used), or updates the one known
   * under the same key (a new listing may bring a new alias or new keys).
   */
  addTencent(info: EnvironmentInfo, account: AccountRef, open: OpenCloudEnvironment, functionRoot?: string): EnvironmentEntry {
    const known = this.entries.get(info.key);
    if (known) {
      known.info = info;
      known.account = account;
      known.openCloud = open;
      known.functionRoot = functionRoot;
      return known;
    }
    const entry = new Entry(info.key, undefined, false, info);
    entry.account = account;
    entry.openCloud = open;
    entry.functionRoot = functionRoot;
    this.entries.set(info.key, entry);
    this.emit({ kind: 'added', key: info.key });
    return entry;
  }

  /** Stops the environment if it runs and forgets it. */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.removed = true;
    this.entries.delete(key);
    this.emit({ kind: 'removed', key });
    await this.stopEntry(entry);
  }

  /** The environment's backend, starting it when it is not running. */
  backend(key: string): Promise<CloudBackend> {
    return this.start(key);
  }

  async start(key: string): Promise<CloudBackend> {
    if (!this.entries.has(key) && this.resolver) await this.resolver(key).catch(() => undefined /* reported as unknown below */);
    return this.startEntry(this.require(key));
  }

  /**
   * Finds environments the registry does not know yet: a Tencent document left open in an editor
   * names its environment before the account's environments were listed in this window.
   */
  setResolver(resolver: (key: string) => Promise<void>): void {
    this.resolver = resolver;
  }

  async stop(key: string): Promise<void> {
    await this.stopEntry(this.require(key));
  }

  /**
   * Extension shutdown: lets go of every local environment (its process stops by itself once no
   * window is attached, after a grace that outlasts a reload) and closes the Tencent clients.
   */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    await Promise.all(all.map((e) => this.stopEntry(e, { detach: true }).catch((err: unknown) => this.log.error(`Stopping ${e.info.label} failed: ${messageOf(err)}`))));
  }

  private require(key: string): Entry {
    const entry = this.entries.get(key);
    if (!entry) throw new StudioError('EnvironmentNotFound', `No environment ${key} is known.`);
    return entry;
  }

  private async startEntry(entry: Entry): Promise<CloudBackend> {
    if (entry.openCloud) return this.startCloud(entry, entry.openCloud);
    const project = entry.project;
    if (!project) throw new StudioError('Internal', `The environment ${entry.info.label} has no project.`);
    while (entry.transition) {
      // A start in flight resolves for everyone; a stop in flight is followed by a fresh start.
      await entry.transition.catch(() => undefined);
      if (entry.state === 'running' && entry.handle) return entry.handle.backend;
    }
    if (entry.state === 'running' && entry.handle) return entry.handle.backend;
    if (entry.removed) throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed.`);

    const dataDir = this.options.dataDirectory(project);
    this.setState(entry, 'starting');
    entry.error = undefined;
    this.log.info(`Starting local environment ${entry.info.label} (data: ${dataDir})`);
    const started = Date.now();
    const paused = this.options.timersPaused?.();
    const opening = this.openWaitingForLock({ projectRoot: project.root, dataDir, ...(paused === undefined ? {} : { timersPaused: paused }) });
    entry.transition = opening;
    try {
      const handle = await opening;
      if (entry.removed) {
        await handle.close();
        throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed while starting.`);
      }
      entry.handle = handle;
      entry.url = handle.url;
      entry.pid = handle.pid;
      entry.sdkSetup = handle.sdkSetup;
      entry.crashed = false;
      entry.info = { ...entry.info, envId: handle.envId };
      handle.onExit?.((error) => this.lost(entry, handle, error));
      this.log.info(`Local environment ${entry.info.label} (${handle.envId}) runs at ${handle.url} after ${Date.now() - started} ms`);
      this.setState(entry, 'running');
      return handle.backend;
    } catch (e) {
      if (!entry.removed) {
        entry.error = e;
        this.log.error(`Local environment ${entry.info.label} failed to start: ${messageOf(e)}`);
        this.setState(entry, 'failed');
      }
      throw e;
    } finally {
      entry.transition = undefined;
    }
  }

  private async startCloud(entry: Entry, open: OpenCloudEnvironment): Promise<CloudBackend> {
    while (entry.transition) await entry.transition.catch(() => undefined);
    const fresh = (h: CloudHandle | undefined): h is CloudHandle => !!h && (h.expiresAt === undefined || h.expiresAt - KEY_RENEW_MARGIN_MS > Date.now());
    if (entry.state === 'running' && fresh(entry.cloud)) return entry.cloud.backend;
    if (entry.removed) throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed.`);
    const stale = entry.cloud;
    entry.cloud = undefined;
    if (stale) {
      this.log.info(`The keys of ${entry.info.label} expire; building its client again`);
      await stale.backend.dispose().catch(() => undefined);
    }
    this.setState(entry, 'starting');
    entry.error = undefined;
    // Loading the bundle may throw synchronously; keep every failure on the promise path.
    const opening = Promise.resolve().then(open);
    entry.transition = opening;
    try {
      const handle = await opening;
      if (entry.removed) {
        await handle.backend.dispose();
        throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed.`);
      }
      entry.cloud = handle;
      this.setState(entry, 'running');
      return handle.backend;
    } catch (e) {
      if (!entry.removed) {
        entry.error = e;
        this.log.error(`Opening ${entry.info.label} (${entry.info.envId}) failed: ${messageOf(e)}`);
        this.setState(entry, 'failed');
      }
      throw e;
    } finally {
      entry.transition = undefined;
    }
  }

  private async openWaitingForLock(request: Parameters<OpenLocalEnvironment>[0]): Promise<LocalEnvironment> {
    const deadline = Date.now() + (this.options.lockWaitMs ?? 10_000);
    for (;;) {
      try {
        // Loading the bundle may throw synchronously; keep every failure on the promise path.
        return await Promise.resolve().then(() => this.options.open(request));
      } catch (e) {
        if (!isStudioError(e, 'EnvironmentLocked') || Date.now() >= deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_INTERVAL_MS));
      }
    }
  }

  /** The process went away on its own (a crash, a kill, a Stop from another window). */
  private lost(entry: Entry, handle: LocalEnvironment, error: unknown): void {
    if (entry.handle !== handle) return;
    entry.handle = undefined;
    entry.url = undefined;
    entry.pid = undefined;
    entry.sdkSetup = undefined;
    entry.crashed = true;
    entry.error = error;
    this.log.error(`Local environment ${entry.info.label}: ${messageOf(error)}`);
    void handle.backend.dispose().catch(() => undefined);
    this.setState(entry, 'failed');
  }

  private async stopEntry(entry: Entry, options: { detach?: boolean } = {}): Promise<void> {
    while (entry.transition) await entry.transition.catch(() => undefined);
    if (entry.openCloud) {
      const cloud = entry.cloud;
      entry.cloud = undefined;
      await cloud?.backend.dispose();
      // Nothing runs for a Tencent environment: "stopped" would only hide it behind a Start.
      if (entry.state !== 'idle' && !entry.removed) this.setState(entry, 'idle');
      return;
    }
    const handle = entry.handle;
    if (!handle) {
      if (entry.state !== 'idle' && entry.state !== 'stopped' && !entry.removed) this.setState(entry, 'stopped');
      return;
    }
    this.setState(entry, 'stopping');
    entry.handle = undefined;
    const closing = options.detach && handle.detach ? handle.detach() : handle.close();
    entry.transition = closing;
    try {
      await closing;
      this.log.info(`Local environment ${entry.info.label} stopped`);
    } finally {
      entry.url = undefined;
      entry.pid = undefined;
      entry.sdkSetup = undefined;
      entry.transition = undefined;
      this.setState(entry, 'stopped');
    }
  }

  private setState(entry: Entry, state: EnvironmentState): void {
    entry.state = state;
    if (!entry.removed) this.emit({ kind: 'state', key: entry.key, state });
  }

  private emit(change: RegistryChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (e) {
        this.log.error(`A registry listener failed: ${messageOf(e)}`);
      }
    }
  }
}
