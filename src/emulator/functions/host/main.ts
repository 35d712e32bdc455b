/**
 * The function host: a child process that loads one cloud function from its folder and runs one
 * invocation at a time for the runtime (see ./protocol.ts). It stands in for SCF's Node bootstrap:
 * console output goes to the runtime line by line as it happens, the caller's identity goes into
 * process.env before each invocation, and failures come back as coded errors whose stacks point
 * at the user's files rather than this one.
 */
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { LogLevel } from '../../../shared/model';
import type { HostConfig, HostError, HostMessage, InvokeMessage, ParentMessage } from './protocol';
import { redirectCloudEndpoints } from './cloud-endpoints';

const config = JSON.parse(process.argv[2] ?? '{}') as HostConfig;
if (config.adminUrl) redirectCloudEndpoints(config.adminUrl);
const limitBytes = config.memoryLimitMB * 1024 * 1024;
/** Set once the function called process.exit. */
let exiting = false;

/**
 * The channel to the runtime is the host's alone. SCF functions have no IPC; left visible, a
 * function could push messages of any size past the result limit into the runtime's memory.
 */
const ipcSend = process.send!.bind(process) as (message: HostMessage, handle: undefined, options: object, callback?: () => void) => boolean;
process.send = undefined;

function send(message: HostMessage, callback?: () => void): void {
  // After process.exit only the 'exiting' message itself goes out.
  if (!process.connected || (exiting && message.type !== 'exiting')) {
    callback?.();
    return;
  }
  ipcSend(message, undefined, {}, callback ? () => callback() : undefined);
}

// ---- errors ----------------------------------------------------------------------------------

class HostFailure extends Error {
  constructor(readonly code: HostError['code'], message: string, readonly userStack?: string) {
    super(message);
  }
}

/** Frames of this file and of Node's internals say nothing to the function's author. */
function cleanStack(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split('\n').filter((l) => !l.includes(__filename) && !/\(node:internal|at node:internal/.test(l));
  return lines.join('\n');
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function toHostError(e: unknown, code: HostError['code'] = 'FunctionError'): HostError {
  if (e instanceof HostFailure) return { code: e.code, message: e.message, stack: e.userStack };
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    return { code, message: `${name}${e.message}`, stack: cleanStack(e.stack) };
  }
  return { code, message: messageOf(e) };
}

// ---- console ---------------------------------------------------------------------------------

interface Budget {
  requestId?: string;
  bytes: number;
}

/** Output outside an invocation (module load, stray timers) is charged to the latest budget. */
let budget: Budget = { bytes: 0 };
let running: { message: InvokeMessage; fail: (e: unknown) => void } | undefined;

/** Sends one line; the runtime keeps less than the host sends and says so, this only bounds the traffic. */
function emit(level: LogLevel, message: string): void {
  if (message.length > config.lineCapBytes) {
    message = `${message.slice(0, config.lineCapBytes)}… (${message.length - config.lineCapBytes} more characters cut)`;
  }
  if (budget.bytes + message.length > config.outputCapBytes) return;
  budget.bytes += message.length;
  send({ type: 'log', requestId: budget.requestId, level, message, time: Date.now() });
}

const levels: [keyof Console, LogLevel][] = [
  ['log', 'info'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['debug', 'debug'],
];
for (const [method, level] of levels) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => emit(level, format(...args));
}
console.trace = (...args: unknown[]) => {
  const err = { name: 'Trace', message: format(...args) } as Error;
  Error.captureStackTrace(err, console.trace);
  emit('debug', cleanStack(err.stack) ?? err.message);
};
console.dir = (value: unknown) => emit('info', format('%O', value));

/**
 * Direct writes to stdout and stderr go the same way as console output, so they keep their order
 * with it and arrive before the invocation's end. Partial lines wait for their newline or the end.
 */
const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
function flushPartial(): void {
  if (partial.stdout) emit('info', partial.stdout);
  if (partial.stderr) emit('error', partial.stderr);
  partial.stdout = partial.stderr = '';
}
for (const [name, level] of [['stdout', 'info'], ['stderr', 'error']] as const) {
  const stream = process[name];
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    const lines = (partial[name] + text).split('\n');
    partial[name] = lines.pop()!;
    for (const line of lines) emit(level, line.replace(/\r$/, ''));
    if (partial[name].length > config.lineCapBytes) {
      emit(level, partial[name]);
      partial[name] = '';
    }
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') process.nextTick(cb as () => void);
    return true;
  }) as typeof stream.write;
}

// ---- process-level failures ------------------------------------------------------------------

let recycle = false;

process.on('unhandledRejection', (reason) => {
  const error = toHostError(reason);
  const failure = new HostFailure('FunctionError', `Unhandled promise rejection: ${error.message}`, error.stack);
  if (running) running.fail(failure);
  else emit('error', `${failure.message}${error.stack ? `\n${error.stack}` : ''}`);
});

process.on('uncaughtException', (err) => {
  recycle = true;
  const error = toHostError(err);
  const failure = new HostFailure('FunctionError', `Uncaught exception: ${error.message}`, error.stack);
  if (running) running.fail(failure);
  else emit('error', `${failure.message}${error.stack ? `\n${error.stack}` : ''}`);
});

const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  exiting = true;
  const exitCode = Number(code ?? process.exitCode ?? 0) || 0;
  const stack = cleanStack(new Error(`process.exit(${code ?? ''}) was called`).stack);
  // The fallback covers a runtime that stopped listening; the message normally flushes at once.
  setTimeout(() => realExit(exitCode), 1000).unref();
  send({ type: 'exiting', requestId: running?.message.requestId, exitCode, stack }, () => realExit(exitCode));
}) as typeof process.exit;

// ---- the handler -----------------------------------------------------------------------------

type Handler = (event: unknown, context: unknown, callback: (err: unknown, data?: unknown) => void) => unknown;

async function load(): Promise<Handler> {
  let mod: Record<string, unknown>;
  try {
    mod = config.moduleFile.endsWith('.mjs')
      ? ((await import(pathToFileURL(config.moduleFile).href)) as Record<string, unknown>)
      : (require(config.moduleFile) as Record<string, unknown>);
  } catch (e) {
    const err = toHostError(e, 'FunctionLoadFailed');
    // Only the handler itself: a missing dependency names the handler too, in its require stack.
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && (e as Error).message.split('\n')[0].includes(config.moduleFile)) {
      throw new HostFailure('HandlerNotFound', `The handler's file ${config.moduleFile} does not exist.`);
    }
    throw new HostFailure('FunctionLoadFailed', `Loading ${config.moduleFile} failed: ${err.message}`, err.stack);
  }
  const fromDefault = (mod.default as Record<string, unknown> | undefined)?.[config.exportName];
  const handler = mod[config.exportName] ?? fromDefault;
  if (typeof handler !== 'function') {
    throw new HostFailure(
      'HandlerNotFound',
      `${config.moduleFile} does not export a function named "${config.exportName}" (handler "${config.handler}").`,
    );
  }
  return handler as Handler;
}

let loaded: Promise<Handler> | undefined;
const handler = (): Promise<Handler> => (loaded ??= load());

/** Async handlers resolve; callback-style ones (three parameters, no promise) call back; others return. */
function call(fn: Handler, message: InvokeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (err: unknown, data?: unknown) => (err ? reject(err) : resolve(data));
    let returned: unknown;
    try {
      returned = fn(message.event, { ...message.context, callbackWaitsForEmptyEventLoop: false }, callback);
    } catch (e) {
      reject(e);
      return;
    }
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(resolve, reject);
    } else if (fn.length < 3) {
      resolve(returned);
    }
  });
}

function applyEnv(patch: InvokeMessage['env']): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
}

/** As in SCF, a response over the limit fails the invocation; it never crosses to the runtime. */
function checkResultSize(json: string | undefined): void {
  if (json === undefined) return;
  const limit = config.resultLimitBytes;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only results near the limit are measured.
  if (json.length * 3 <= limit) return;
  const bytes = Buffer.byteLength(json);
  if (bytes <= limit) return;
  throw new HostFailure('FunctionError', `The size of response exceeds the upper limit (${limit / 1048576}MB): the function returned ${bytes} bytes of JSON.`);
}

async function invoke(message: InvokeMessage): Promise<void> {
  budget = { requestId: message.requestId, bytes: 0 };
  applyEnv(message.env);
  let peak = process.memoryUsage.rss();
  let reported = false;
  // Catches growth in async code; the runtime also samples from outside for busy loops.
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    if (rss > limitBytes && !reported) {
      reported = true;
      send({ type: 'memory', requestId: message.requestId, rssBytes: rss });
    }
  }, 50);
  sampler.unref();

  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  running = { message, fail };
  let resultJson: string | undefined;
  let error: HostError | undefined;
  try {
    const fn = await Promise.race([handler(), failed]);
    const value = await Promise.race([call(fn, message), failed]);
    try {
      resultJson = value === undefined ? undefined : JSON.stringify(value);
    } catch (e) {
      throw new HostFailure('FunctionError', `The return value cannot be turned into JSON: ${messageOf(e)}`);
    }
    checkResultSize(resultJson);
  } catch (e) {
    error = toHostError(e);
  } finally {
    running = undefined;
    clearInterval(sampler);
    flushPartial();
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  send({ type: 'done', requestId: message.requestId, resultJson, error, rssBytes: peak, recycle: recycle || undefined });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'invoke') void invoke(message);
});
// Without the runtime there is nobody to serve. The runtime may have died without stopping this
// process group (it is its own, see worker.ts), so the group goes, with what the function started.
process.on('disconnect', () => {
  if (process.platform !== 'win32') {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // not a group leader (started by hand): only this process ends
    }
  }
  realExit(0);
});

handler().then(
  () => send({ type: 'ready' }),
  (e: unknown) => send({ type: 'ready', loadError: toHostError(e, 'FunctionLoadFailed') }),
);
