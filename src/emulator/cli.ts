/**
 * `cloudbase-emulator`: runs a project's local environment outside the editor, for scripts, tests
 * and other tools. The first line of output is the address, so callers can wait for it and parse it.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { messageOf } from '../shared/errors';
import type { LogEntry } from '../shared/model';
import { startLocalEnvironment, type LocalEnvironment } from './environment';
import { dataDirectory, detectProject, type ProjectInfo } from '../project/project';
import { loadEndpoint, processAlive, readRunning, rememberPort, removeRunning, writeRunning, type Endpoint } from './process/discovery';
import { isStudioError } from '../shared/errors';
import { sdkSetup } from './process/sdk-setup';
import type { HttpRoute } from './server/index';
import { readHttpAccessRoutes } from '../project/http-access-routes';

const USAGE = `Usage: cloudbase-emulator [--project DIR] [--port N] [--data DIR] [--env ID] [--quiet] [--stop-when-detached]

Runs the CloudBase local environment of a project on 127.0.0.1: its database and its cloud
functions (one folder per function under the project's function root).

Options:
  --project DIR   the project folder (default: the current folder)
  --port N        the port to listen on (default: the port this project used last
                  when it is free, otherwise a free one; 0: always a free one)
  --data DIR      where the environment keeps its data
                  (default: <project>/.cloudbase/local)
  --env ID        the environment id to report (default: local-<folder name>)
  --quiet         do not print the functions' logs
  --stop-when-detached
                  stop 30 seconds after the last editor window detached
                  (how an editor starts it; without it only Ctrl+C stops it)
  -h, --help      show this help

The first line printed is
  CloudBase local environment <envId> listening on http://127.0.0.1:<port>
SDKs reach it with serviceUrl (node-sdk) or TCB_CONTEXT_CNFG={"URL":"…"} (wx-server-sdk)
set to that address followed by /admin; callFunction runs the project's functions, which use
their own node_modules (run npm install in each function's folder). Stop with Ctrl+C or SIGTERM.
Editor windows on the same project attach to it instead of starting another one.`;

/** Exit codes: 0 after a clean stop, 1 when the environment fails, 2 for bad arguments, 3 when it runs already. */
export const EXIT_USAGE = 2;
export const EXIT_ALREADY_RUNNING = 3;

/** How long a window-started environment waits for a window to (re)attach before it stops. */
export const DEFAULT_DETACH_GRACE_MS = 30_000;

interface CliOptions {
  projectRoot: string;
  /** Undefined: the remembered port when free. */
  port?: number;
  stopWhenDetached: boolean;
  detachGraceMs: number;
  dataDir?: string;
  envId?: string;
  quiet: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        project: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        env: { type: 'string' },
        quiet: { type: 'boolean' },
        'stop-when-detached': { type: 'boolean' },
        'detach-grace-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  if (values.help) return 'help';
  const portText = values.port;
  const port = portText === undefined ? undefined : /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (port !== undefined && !(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}".`);
  const graceText = values['detach-grace-ms'];
  const detachGraceMs = graceText === undefined ? DEFAULT_DETACH_GRACE_MS : /^\d{1,7}$/.test(graceText) ? Number(graceText) : NaN;
  if (Number.isNaN(detachGraceMs)) throw new UsageError(`--detach-grace-ms must be a number of milliseconds, not "${graceText}".`);
  for (const name of ['project', 'data', 'env'] as const) {
    if (values[name] === '') throw new UsageError(`--${name} needs a value.`);
  }
  if (values.env !== undefined && !/^[a-z0-9_-]{1,40}$/.test(values.env)) {
    throw new UsageError('--env must be 1 to 40 lower-case letters, digits, "-" or "_".');
  }
  return {
    projectRoot: resolve(values.project ?? '.'),
    port,
    dataDir: values.data === undefined ? undefined : resolve(values.data),
    envId: values.env,
    quiet: values.quiet === true,
    stopWhenDetached: values['stop-when-detached'] === true,
    detachGraceMs,
  };
}

/** `12:00:01.123 [login] message`, with the level where it is not plain output. */
function logLine(entry: LogEntry): string {
  const time = new Date(entry.time).toISOString().slice(11, 23);
  const level = entry.level === 'warn' || entry.level === 'error' ? `${entry.level.toUpperCase()} ` : '';
  return `${time} [${entry.functionName}] ${level}${entry.message}\n`;
}

/**
 * What the process serves beside /admin for editor windows (the extension's endpoint lives with
 * the backend, outside this layer): its routes exist from the start, it serves once the
 * environment runs, and it tells how many windows are attached.
 */
export interface CliExtension {
  routes: HttpRoute[];
  serve(environment: LocalEnvironment): void;
  close(): void;
}

export interface CliExtensionContext {
  token: string;
  projectRoot: string;
  manual: boolean;
  environment(): LocalEnvironment | undefined;
  /** Stops the process as Ctrl+C would. */
  stop(): void;
  /** The number of attached windows changed. */
  attachedChanged(count: number): void;
}

export type CliExtensionFactory = (context: CliExtensionContext) => CliExtension;

/** The project when its folder exists (the environment itself reports a missing one). */
async function projectOf(root: string): Promise<ProjectInfo | undefined> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  return detectProject(root, true).catch(() => undefined);
}

/** The remembered port when it is free, else a free one; an explicit --port is used as given. */
async function startOnStablePort(
  options: CliOptions,
  start: (port: number) => Promise<LocalEnvironment>,
  endpoint: Endpoint,
): Promise<LocalEnvironment> {
  if (options.port !== undefined) return start(options.port);
  if (endpoint.port > 0) {
    try {
      return await start(endpoint.port);
    } catch (e) {
      if (!isStudioError(e, 'Conflict')) throw e;
    }
  }
  return start(0);
}

/** The lines after the first: where to reach it and how SDK code run from a terminal does. */
function introduction(environment: LocalEnvironment, token: string, names: string): string {
  const snippet = sdkSetup(environment.envId, environment.adminUrl, token);
  return (
    `  admin endpoint: ${environment.adminUrl}\n  data: ${environment.dataDir}\n` +
    `  functions (${environment.project.functionRoot}): ${names}\n` +
    `  SDK scripts in a terminal (node-sdk and wx-server-sdk), paste:\n${snippet
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n  press Ctrl+C to stop\n`
  );
}

/** Runs until SIGINT or SIGTERM (or, when a window started it, until the last window left); resolves with the exit code. */
export async function main(argv: string[], extend?: CliExtensionFactory): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`cloudbase-emulator: ${e.message}\nRun cloudbase-emulator --help for usage.\n`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const cli = options;

  const project = await projectOf(cli.projectRoot);
  const dataDir = project ? dataDirectory(project, cli.dataDir) : undefined;
  let endpoint: Endpoint = { port: 0, token: '' };
  if (dataDir) {
    const running = await readRunning(dataDir);
    if (running && running.pid !== process.pid && processAlive(running.pid)) {
      process.stderr.write(`cloudbase-emulator: the local environment of this project already runs at ${running.url} (process ${running.pid}).\n`);
      return EXIT_ALREADY_RUNNING;
    }
    try {
      endpoint = await loadEndpoint(dataDir);
    } catch (e) {
      process.stderr.write(`cloudbase-emulator: could not start: ${messageOf(e)}\n`);
      return 1;
    }
  }

  let environment: LocalEnvironment | undefined;
  let requestStop: (signal: string) => void = () => undefined;
  let detachTimer: NodeJS.Timeout | undefined;
  const attachedChanged = (count: number): void => {
    if (!cli.stopWhenDetached) return;
    clearTimeout(detachTimer);
    detachTimer = count > 0 ? undefined : setTimeout(() => requestStop('last window detached'), cli.detachGraceMs);
  };
  const extension = extend?.({
    token: endpoint.token,
    projectRoot: cli.projectRoot,
    manual: !cli.stopWhenDetached,
    environment: () => environment,
    stop: () => requestStop('stop requested'),
    attachedChanged,
  });
  try {
    const { quiet, stopWhenDetached: _s, detachGraceMs: _g, port: _p, ...environmentOptions } = cli;
    environment = await startOnStablePort(
      cli,
      (port) =>
        startLocalEnvironment({
          ...environmentOptions,
          port,
          token: endpoint.token || undefined,
          routes: extension?.routes,
          onError: (e) => process.stderr.write(`cloudbase-emulator: ${messageOf(e)}\n`),
          onMigrationProgress: (p) =>
            process.stdout.write(`Converting the database to the store format (once): ${p.collection} ${p.documentsDone}/${p.documents} (collection ${p.collectionsDone + 1} of ${p.collections})\n`),
        }),
      endpoint,
    );
    if (!quiet) environment.functions.logs.subscribe((entry) => process.stdout.write(logLine(entry)));
  } catch (e) {
    if (isStudioError(e, 'EnvironmentLocked')) {
      process.stderr.write(`cloudbase-emulator: ${messageOf(e)}\n`);
      return EXIT_ALREADY_RUNNING;
    }
    process.stderr.write(`cloudbase-emulator: could not start: ${messageOf(e)}\n`);
    return 1;
  }
  const env = environment;
  // Signals are heard from here on, before the first line: a caller may stop it as soon as it read it.
  const exit = new Promise<number>((resolveExit) => {
    let stopping = false;
    requestStop = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      clearTimeout(detachTimer);
      process.stdout.write(`${reason}: stopping…\n`);
      extension?.close();
      env
        .close()
        .then(() => removeRunning(env.dataDir, process.pid).catch(() => undefined))
        .then(
          () => resolveExit(0),
          (e: unknown) => {
            process.stderr.write(`cloudbase-emulator: error while stopping: ${messageOf(e)}\n`);
            resolveExit(1);
          },
        );
    };
    process.on('SIGINT', () => requestStop('SIGINT'));
    process.on('SIGTERM', () => requestStop('SIGTERM'));
  });
  extension?.serve(env);
  if (dataDir) {
    await rememberPort(env.dataDir, { port: env.port, token: endpoint.token });
    await writeRunning(env.dataDir, { pid: process.pid, port: env.port, token: endpoint.token, url: env.url, envId: env.envId, manual: !cli.stopWhenDetached, startedAt: Date.now() });
  }
  // Nobody attached yet: a window that started it and went away must not leave it running.
  attachedChanged(0);

  process.stdout.write(`CloudBase local environment ${env.envId} listening on ${env.url}\n`);
  const functions = await env.functions.list().catch(() => []);
  const names = functions.length > 0 ? functions.map((f) => f.name).join(', ') : 'none';
  process.stdout.write(introduction(env, endpoint.token, names));
  process.stdout.write(await triggerLines(env));
  return exit;
}

/** One line per timer trigger and HTTP access route, so what runs on its own is visible. */
async function triggerLines(environment: LocalEnvironment): Promise<string> {
  const lines = environment.timers.list().map((t) => {
    const state = t.error ? `invalid: ${t.error.message}` : t.nextFire === undefined ? 'no fire left' : `next ${new Date(t.nextFire).toISOString()}`;
    return `  timer ${t.functionName}/${t.name} "${t.config}": ${state}\n`;
  });
  for (const r of await readHttpAccessRoutes(environment.project.root).catch(() => [])) {
    lines.push(`  http ${environment.url}${r.path} → ${r.functionName}${r.error ? ` (not served: ${r.error})` : ''}\n`);
  }
  return lines.join('');
}

/** Run by the bundle's entry (src/cloud/local/environment-process.ts), which adds the editor's endpoint. */
export function run(argv: string[] = process.argv.slice(2), extend?: CliExtensionFactory): void {
  main(argv, extend).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`cloudbase-emulator: ${e instanceof Error ? (e.stack ?? e.message) : messageOf(e)}\n`);
      process.exit(1);
    },
  );
}

