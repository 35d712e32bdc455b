/**
 * How the extension reaches a project's local environment: a Node process of its own per project
 * (dist/emulator-cli.js, the `cloudbase-emulator` command), started on first use or found already
 * running, and talked to over its local endpoint. The engine never loads into the extension host,
 * so nothing it does can stall or crash the host. Unit tests replace the factory with a fake.
 */
import { join } from 'node:path';
import type { CloudBackend } from '../../cloud/backend';
import { attachLocalEnvironment } from '../../cloud/local/attach';
import type { StudioError } from '../../shared/errors';
import type { SnapshotManifest } from '../../cloud/local/snapshots';

export interface LocalEnvironmentOptions {
  projectRoot: string;
  dataDir?: string;
  port?: number;
  timersPaused?: boolean;
}

export interface LocalEnvironment {
  backend: CloudBackend;
  url: string;
  envId: string;
  /** Pauses or resumes every timer trigger (absent on environments without them). */
  setTimersPaused?(paused: boolean): void;
  /** Saves a named snapshot of the running environment's state. */
  saveSnapshot?(name: string): Promise<SnapshotManifest>;
  /** The process serving it, when it is one. */
  pid?: number;
  /** Shell lines that point SDK code run from a terminal at it (with its token). */
  sdkSetup?: string;
  /** Stops the environment (the user's Stop): its process ends for every window. */
  close(): Promise<void>;
  /** Lets go of it without stopping it (shutdown of this window); defaults to close(). */
  detach?(): Promise<void>;
  /** Hears once when it went away without this window asking. */
  onExit?(listener: (error: StudioError) => void): void;
}

export type OpenLocalEnvironment = (options: LocalEnvironmentOptions) => Promise<LocalEnvironment>;

export interface ProcessEnvironmentOptions {
  log?: (line: string) => void;
  /** More arguments for the process (tests shorten its detach grace). */
  extraArgs?: string[];
}

export function processLocalEnvironment(extensionPath: string, options: ProcessEnvironmentOptions = {}): OpenLocalEnvironment {
  const cliScript = join(extensionPath, 'dist', 'emulator-cli.js');
  return async (request) => {
    const dataDir = request.dataDir ?? join(request.projectRoot, '.cloudbase', 'local');
    const attached = await attachLocalEnvironment({ projectRoot: request.projectRoot, dataDir, cliScript, log: options.log, extraArgs: options.extraArgs });
    options.log?.(`${attached.started ? 'Started' : 'Attached to'} the local environment process ${attached.pid} at ${attached.url}`);
    const setTimersPaused = (paused: boolean): void => {
      attached.setTimersPaused(paused).catch((e: unknown) => options.log?.(`Could not ${paused ? 'pause' : 'resume'} the timer triggers: ${String(e)}`));
    };
    if (request.timersPaused !== undefined) setTimersPaused(request.timersPaused);
    return {
      backend: attached.backend,
      url: attached.url,
      envId: attached.envId,
      pid: attached.pid,
      sdkSetup: attached.sdkSetup,
      setTimersPaused,
      saveSnapshot: (name) => attached.saveSnapshot(name),
      close: () => attached.stop(),
      detach: () => attached.detach(),
      onExit: (listener) => attached.onExit(listener),
    };
  };
}
