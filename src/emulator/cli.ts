/**
 * `cloudbase-emulator`: runs a project's local environment outside the editor, for scripts, tests
 * and other tools. The first line of output is the address, so callers can wait for it and parse it.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { messageOf } from '../shared/errors';
import type { LogEntry } from '../shared/model';
import { startLocalEnvironment, type LocalEnvironment } from './environment';
import { readHttpAccessRoutes } from './server/http-access-routes';

const USAGE = `Usage: cloudbase-emulator [--project DIR] [--port N] [--data DIR] [--env ID] [--quiet]

Runs the CloudBase local environment of a project on 127.0.0.1: its database and its cloud
functions (one folder per function under the project's function root).

Options:
  --project DIR   the project folder (default: the current folder)
  --port N        the port to listen on (default: 0, a free port)
  --data DIR      where the environment keeps its data
                  (default: <project>/.cloudbase/local)
  --env ID        the environment id to report (default: local-<folder name>)
  --quiet         do not print the functions' logs
  -h, --help      show this help

The first line printed is
  CloudBase local environment <envId> listening on http://127.0.0.1:<port>
SDKs reach it with serviceUrl (node-sdk) or TCB_CONTEXT_CNFG={"URL":"…"} (wx-server-sdk)
set to that address followed by /admin; callFunction runs the project's functions, which use
their own node_modules (run npm install in each function's folder). Stop with Ctrl+C or SIGTERM.`;

/** Exit codes: 0 after a clean stop, 1 when the environment fails, 2 for bad arguments. */
export const EXIT_USAGE = 2;

interface CliOptions {
  projectRoot: string;
  port: number;
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
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  if (values.help) return 'help';
  const portText = values.port ?? '0';
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}".`);
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
  };
}

/** `12:00:01.123 [login] message`, with the level where it is not plain output. */
function logLine(entry: LogEntry): string {
  const time = new Date(entry.time).toISOString().slice(11, 23);
  const level = entry.level === 'warn' || entry.level === 'error' ? `${entry.level.toUpperCase()} ` : '';
  return `${time} [${entry.functionName}] ${level}${entry.message}\n`;
}

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
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

  let environment: LocalEnvironment;
  try {
    const { quiet, ...environmentOptions } = options;
    environment = await startLocalEnvironment({
      ...environmentOptions,
      onError: (e) => process.stderr.write(`cloudbase-emulator: ${messageOf(e)}\n`),
    });
    if (!quiet) environment.functions.logs.subscribe((entry) => process.stdout.write(logLine(entry)));
  } catch (e) {
    process.stderr.write(`cloudbase-emulator: could not start: ${messageOf(e)}\n`);
    return 1;
  }

  process.stdout.write(`CloudBase local environment ${environment.envId} listening on ${environment.url}\n`);
  const functions = await environment.functions.list().catch(() => []);
  const names = functions.length > 0 ? functions.map((f) => f.name).join(', ') : 'none';
  process.stdout.write(`  admin endpoint: ${environment.adminUrl}\n  data: ${environment.dataDir}\n`);
  process.stdout.write(await triggerLines(environment));
  process.stdout.write(`  functions (${environment.project.functionRoot}): ${names}\n  press Ctrl+C to stop\n`);

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal}: stopping…\n`);
      environment.close().then(
        () => resolveExit(0),
        (e: unknown) => {
          process.stderr.write(`cloudbase-emulator: error while stopping: ${messageOf(e)}\n`);
          resolveExit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
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

/** Entry for the bundle (`node dist/emulator-cli.js`) and for bin/cloudbase-emulator.js. */
export function run(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`cloudbase-emulator: ${e instanceof Error ? (e.stack ?? e.message) : messageOf(e)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
