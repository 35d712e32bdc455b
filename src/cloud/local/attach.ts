/**
 * How a window gets its project's local environment: it attaches to the process already serving
 * the data folder (running.json, a live pid and an answer to `environment.describe`), or starts
 * one (dist/emulator-cli.js --stop-when-detached), detached from the window so that a reload or
 * a crash of the extension host leaves it running for the next window. Two windows starting at
 * once: the database lock lets one win and the other attaches to it.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import { processAlive, readRunning, type RunningEnvironment } from '../../emulator/process/discovery';
import { sdkSetup } from '../../emulator/process/sdk-setup';
import { EventHub, RemoteLocalBackend } from './remote-backend';
import { StudioClient } from './studio-client';
import type { EnvironmentDescription } from './studio-protocol';
import type { SnapshotManifest } from '../../emulator/snapshots/snapshots';

/** The exit code of the command line when another process serves the data folder. */
const EXIT_ALREADY_RUNNING = 3;
export const PROCESS_LOG_FILE = 'environment.log';

export interface AttachOptions {
  projectRoot: string;
  /** Absolute data folder. */
  dataDir: string;
  /** dist/emulator-cli.js */
  cliScript: string;
  /** The Node executable; Electron's is told to run as Node. */
  execPath?: string;
  /** How long a start may take before it is given up. */
  startTimeoutMs?: number;
  /** Passed on to the process (tests shorten the grace). */
  extraArgs?: string[];
  log?: (line: string) => void;
}

export interface AttachedEnvironment {
  backend: RemoteLocalBackend;
  url: string;
  envId: string;
  pid: number;
  /** This window started the process (false: it attached to a running one). */
  started: boolean;
  /** Started by a person from a terminal: a window never stops it on detaching. */
  manual: boolean;
  /** Shell lines that point SDK code run from a terminal at it. */
  sdkSetup: string;
  /** Lets go of the environment; the process stops by itself once no window is attached. */
  detach(): Promise<void>;
  /** Stops the process for every window (the user's Stop). */
  stop(): Promise<void>;
  /** Saves a named snapshot of its state, taken by the process (its database copy is consistent while it serves). */
  saveSnapshot(name: string): Promise<SnapshotManifest>;
  /** Pauses or resumes the environment's timer triggers (for every window: the setting is the user's). */
  setTimersPaused(paused: boolean): Promise<void>;
  /** Hears once when the process went away without this window asking (a crash, a kill, another window's Stop). */
  onExit(listener: (error: StudioError) => void): void;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function describe(running: RunningEnvironment): Promise<EnvironmentDescription | undefined> {
  if (!processAlive(running.pid)) return undefined;
  const client = new StudioClient(running.url, running.token);
  try {
    return await client.call<EnvironmentDescription>('environment.describe', [], undefined, 3000);
  } catch {
    return undefined;
  } finally {
    client.dispose();
  }
}

/** A running process for this data folder that answers, if any. */
export async function findRunning(dataDir: string): Promise<RunningEnvironment | undefined> {
  const running = await readRunning(dataDir);
  if (!running) return undefined;
  const described = await describe(running);
  return described && described.envId !== '' ? running : undefined;
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.slice(-5).join('\n');
  } catch {
    return '';
  }
}

function startProcess(options: AttachOptions): { pid: number; exited: Promise<number | null> } {
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = join(options.dataDir, PROCESS_LOG_FILE);
  const out = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(
      options.execPath ?? process.execPath,
      [options.cliScript, '--project', options.projectRoot, '--data', options.dataDir, '--stop-when-detached', ...(options.extraArgs ?? [])],
      {
        // Its own process group and no pipes to this process: it outlives a reload of the window.
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      },
    );
    const exited = new Promise<number | null>((resolveExit) => {
      child.once('exit', (code) => resolveExit(code));
      child.once('error', () => resolveExit(-1));
    });
    child.unref();
    if (child.pid === undefined) throw new StudioError('Internal', `Could not start ${options.cliScript}.`);
    return { pid: child.pid, exited };
  } finally {
    closeSync(out);
  }
}

/** Waits for the started process to announce itself, or for it to exit. */
async function awaitStarted(options: AttachOptions, pid: number, exited: Promise<number | null>, deadline: number): Promise<RunningEnvironment | 'lost'> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    const running = await readRunning(options.dataDir);
    if (running?.pid === pid && (await describe(running))) return running;
    if (exitCode !== undefined) {
      if (exitCode === EXIT_ALREADY_RUNNING) return 'lost';
      const tail = logTail(join(options.dataDir, PROCESS_LOG_FILE));
      throw new StudioError('Internal', `The local environment exited (code ${String(exitCode)}) while starting${tail ? `:\n${tail}` : '.'}`);
    }
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      throw new StudioError('Timeout', `The local environment did not start within ${Math.round((options.startTimeoutMs ?? 30_000) / 1000)} s.`);
    }
    await delay(100);
  }
}

/** Attaches to the project's running environment, starting it first when none runs. */
export async function attachLocalEnvironment(options: AttachOptions): Promise<AttachedEnvironment> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const projectRoot = resolve(options.projectRoot);
  for (;;) {
    const running = await findRunning(options.dataDir);
    if (running) {
      try {
        return await connect(running, projectRoot, false);
      } catch (e) {
        // It stopped between the check and the connection (its grace ran out): start one.
        if (Date.now() > deadline || !isStudioError(e, 'Network')) throw e;
        continue;
      }
    }
    const { pid, exited } = startProcess(options);
    options.log?.(`Started the local environment process ${pid} for ${projectRoot}`);
    const started = await awaitStarted(options, pid, exited, deadline);
    if (started === 'lost') {
      // Another window or a terminal won the data folder meanwhile: attach to that one.
      if (Date.now() > deadline) throw new StudioError('Timeout', 'The local environment of this project is held by another process that does not answer.');
      await delay(200);
      continue;
    }
    return connect(started, projectRoot, true);
  }
}

async function connect(running: RunningEnvironment, projectRoot: string, started: boolean): Promise<AttachedEnvironment> {
  const client = new StudioClient(running.url, running.token);
  const hub = new EventHub();
  const exitListeners: ((error: StudioError) => void)[] = [];
  let leaving = false;
  let exited = false;
  const reportExit = (error: StudioError): void => {
    if (exited || leaving) return;
    exited = true;
    client.dispose();
    for (const listener of exitListeners.splice(0)) listener(error);
  };

  let stream: { close(): void } | undefined;
  const onEnd = (): void => {
    stream = undefined;
    if (leaving) return;
    void reconnect();
  };
  // The stream can end without the process ending (a socket reset): it is gone only when it no longer answers.
  const reconnect = async (): Promise<void> => {
    for (let attempt = 0; attempt < 5 && !leaving; attempt++) {
      await delay(attempt === 0 ? 50 : 300);
      if (!processAlive(running.pid)) break;
      try {
        stream = await client.openEvents((e, d) => hub.dispatch(e, d), onEnd);
        return;
      } catch {
        // try again
      }
    }
    reportExit(new StudioError('EnvironmentNotFound', `The local environment process ${running.pid} stopped unexpectedly.`));
  };
  stream = await client.openEvents((e, d) => hub.dispatch(e, d), onEnd);

  const detach = async (): Promise<void> => {
    leaving = true;
    stream?.close();
    client.dispose();
  };
  const backend = new RemoteLocalBackend({ client, hub, envId: running.envId, projectRoot, dispose: detach });
  return {
    backend,
    url: running.url,
    envId: running.envId,
    pid: running.pid,
    started,
    manual: running.manual,
    sdkSetup: sdkSetup(running.envId, `${running.url}/admin`, running.token),
    detach: () => backend.dispose(),
    setTimersPaused: (paused) => client.call<void>('environment.setTimersPaused', [paused]),
    // A large database takes a while to copy: no short timeout.
    saveSnapshot: (name) => client.call<SnapshotManifest>('environment.saveSnapshot', [name], undefined, 10 * 60_000),
    async stop() {
      leaving = true;
      try {
        await client.call('environment.shutdown', [], undefined, 5000);
      } catch (e) {
        if (!isStudioError(e, 'Network')) throw e;
      }
      const until = Date.now() + 15_000;
      while (processAlive(running.pid) && Date.now() < until) await delay(100);
      if (processAlive(running.pid)) throw new StudioError('Timeout', `The local environment process ${running.pid} did not stop: ${messageOf('still running after 15 s')}`);
      await backend.dispose();
    },
    onExit(listener) {
      exitListeners.push(listener);
    },
  };
}
