/**
 * The environments the explorer shows and their lifecycles. Every kind has one `open()` (a local
 * project's process, or a Tencent environment's client built with its account's keys) and the
 * same start and stop path over it: opened on first use (or by auto-start), shared by concurrent
 * callers, opened again once what it was opened with expires (temporary keys), let go on stop,
 * removal and shutdown. What differs by kind is declared in capabilities.ts. No vscode import:
 * the explorer's unit tests drive it with a fake factory.
 */
import { basename } from 'node:path';
import type { CloudBackend } from '../../cloud/backend';
import type { ProjectInfo } from '../../project/project';
import { localEnvId } from '../../project/project';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import { localEnvironmentKey } from '../../shared/environmentKeys';
import type { EnvironmentInfo } from '../../shared/model';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import { can } from './capabilities';
import type { LocalEnvironment, OpenLocalEnvironment } from './localEnvironment';
import type { SnapshotManifest } from '../../cloud/local/snapshots';

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

/** An environment as its kind's open() hands it over: the backend and how to let go of it. */
interface Opened {
  backend: CloudBackend;
  /** When what it was opened with (temporary keys) stops working: opened again before then. */
  expiresAt?: number;
  url?: string;
  pid?: number;
  sdkSetup?: string;
  /** The id the environment reports once open (a local environment's emulator id). */
  envId?: string;
  setTimersPaused?(paused: boolean): void;
  saveSnapshot?(name: string): Promise<SnapshotManifest>;
  /** The user's Stop (or a removal). */
  close(): Promise<void>;
  /** Shutdown of this window: lets go without stopping what other windows use; defaults to close(). */
  detach?(): Promise<void>;
  onExit?(listener: (error: StudioError) => void): void;
}

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
  opened?: Opened;
  account?: AccountRef;
  functionRoot?: string;
  /** The start or stop in progress; later calls wait for it instead of racing it. */
  transition?: Promise<unknown>;
  removed = false;

  constructor(
    readonly key: string,
    readonly project: ProjectInfo | undefined,
    public explicit: boolean,
    /** The kind's way of opening this environment. */
    public open: () => Promise<Opened>,
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

/** A Tencent environment's open(): its client, closed by disposing it. */
async function openCloud(open: OpenCloudEnvironment): Promise<Opened> {
  const handle = await open();
  return { backend: handle.backend, expiresAt: handle.expiresAt, close: () => handle.backend.dispose() };
}

/** Importers of the registry find the key builder here too; it lives in shared/environmentKeys.ts. */
export { localEnvironmentKey };

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
    for (const entry of this.entries.values()) entry.opened?.setTimersPaused?.(paused);
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
    const entry = new Entry(key, project, options.explicit, () => this.openLocal(project));
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
      known.open = () => openCloud(open);
      known.functionRoot = functionRoot;
      return known;
    }
    const entry = new Entry(info.key, undefined, false, () => openCloud(open), info);
    entry.account = account;
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

  /** A local environment's data folder (the setting may move it). */
  dataDirectory(key: string): string {
    const { project } = this.require(key);
    if (!project) throw new StudioError('NotSupported', 'Only a local environment keeps its data in a folder.');
    return this.options.dataDirectory(project);
  }

  /**
   * Stops a local environment, runs `task` on its data folder and starts it again if it ran.
   * Starts asked for meanwhile (a panel reloading) wait for the task, so nothing opens the folder
   * while it changes.
   */
  async whileStopped<T>(key: string, task: (dataDir: string) => Promise<T>): Promise<T> {
    const entry = this.require(key);
    const dataDir = this.dataDirectory(key);
    const wasRunning = entry.state === 'running' || entry.state === 'starting';
    await this.stopEntry(entry);
    while (entry.transition) await entry.transition.catch(() => undefined);
    const running = task(dataDir);
    entry.transition = running;
    try {
      return await running;
    } finally {
      entry.transition = undefined;
      if (wasRunning) await this.startEntry(entry);
    }
  }

  /** Saves a snapshot of a local environment, starting it first: its process takes the consistent copy. */
  async saveSnapshot(key: string, name: string): Promise<SnapshotManifest> {
    const entry = this.require(key);
    await this.startEntry(entry);
    if (!entry.opened?.saveSnapshot) throw new StudioError('NotSupported', `The environment ${entry.info.label} cannot save snapshots.`);
    return entry.opened.saveSnapshot(name);
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
    const usable = (): boolean => entry.state === 'running' && !!entry.opened && (entry.opened.expiresAt === undefined || entry.opened.expiresAt - KEY_RENEW_MARGIN_MS > Date.now());
    while (entry.transition) {
      // A start in flight resolves for everyone; a stop in flight is followed by a fresh start.
      await entry.transition.catch(() => undefined);
      if (usable()) return entry.opened!.backend;
    }
    if (usable()) return entry.opened!.backend;
    if (entry.removed) throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed.`);
    const stale = entry.opened;
    entry.opened = undefined;
    if (stale) {
      this.log.info(`The keys of ${entry.info.label} expire; building its client again`);
      await stale.close().catch(() => undefined);
    }

    this.setState(entry, 'starting');
    entry.error = undefined;
    const started = Date.now();
    // Loading a bundle may throw synchronously; keep every failure on the promise path.
    const opening = Promise.resolve().then(() => entry.open());
    entry.transition = opening;
    try {
      const opened = await opening;
      if (entry.removed) {
        await opened.close();
        throw new StudioError('EnvironmentNotFound', `The environment ${entry.info.label} was removed while starting.`);
      }
      entry.opened = opened;
      entry.url = opened.url;
      entry.pid = opened.pid;
      entry.sdkSetup = opened.sdkSetup;
      entry.crashed = false;
      if (opened.envId !== undefined) entry.info = { ...entry.info, envId: opened.envId };
      opened.onExit?.((error) => this.lost(entry, opened, error));
      if (opened.url) this.log.info(`${entry.info.label} (${entry.info.envId}) runs at ${opened.url} after ${Date.now() - started} ms`);
      this.setState(entry, 'running');
      return opened.backend;
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

  /** A local environment's open(): the project's process, waiting for another window's to let go of the data folder. */
  private async openLocal(project: ProjectInfo): Promise<Opened> {
    const dataDir = this.options.dataDirectory(project);
    this.log.info(`Starting local environment ${basename(project.root) || project.root} (data: ${dataDir})`);
    const paused = this.options.timersPaused?.();
    return this.openWaitingForLock({ projectRoot: project.root, dataDir, ...(paused === undefined ? {} : { timersPaused: paused }) });
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
  private lost(entry: Entry, opened: Opened, error: unknown): void {
    if (entry.opened !== opened) return;
    entry.opened = undefined;
    entry.url = undefined;
    entry.pid = undefined;
    entry.sdkSetup = undefined;
    entry.crashed = true;
    entry.error = error;
    this.log.error(`Local environment ${entry.info.label}: ${messageOf(error)}`);
    void opened.backend.dispose().catch(() => undefined);
    this.setState(entry, 'failed');
  }

  private async stopEntry(entry: Entry, options: { detach?: boolean } = {}): Promise<void> {
    while (entry.transition) await entry.transition.catch(() => undefined);
    // Nothing runs for an environment without a lifecycle of its own: "stopped" would only hide it behind a Start.
    const lifecycle = can(entry.info.kind, 'startStop');
    const rest: EnvironmentState = lifecycle ? 'stopped' : 'idle';
    const opened = entry.opened;
    entry.opened = undefined;
    if (!opened) {
      if (entry.state !== 'idle' && entry.state !== rest && !entry.removed) this.setState(entry, rest);
      return;
    }
    if (lifecycle) this.setState(entry, 'stopping');
    const closing = options.detach && opened.detach ? opened.detach() : opened.close();
    entry.transition = closing;
    try {
      await closing;
      if (lifecycle) this.log.info(`Local environment ${entry.info.label} stopped`);
    } finally {
      entry.url = undefined;
      entry.pid = undefined;
      entry.sdkSetup = undefined;
      entry.transition = undefined;
      if (!entry.removed && entry.state !== rest) this.setState(entry, rest);
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
