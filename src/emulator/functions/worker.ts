/**
 * One function host process, seen from the runtime: starts it, runs one invocation at a time,
 * enforces the time and memory limits from outside and turns every way a process can end into
 * that invocation's coded error.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LogLevel } from '../../shared/model';
import type { HostConfig, HostError, HostMessage, InvokeMessage } from './host/protocol';
import { isCompiledTypeScript } from '../../project/functions/typescript';

export interface WorkerOptions {
  hostScript: string;
  /** Node executable; defaults to the current one. */
  execPath?: string;
  config: HostConfig;
  cwd: string;
  env: Record<string, string>;
  /** Start with the inspector on a free port. */
  debug: boolean;
  /** Output that arrives after its invocation ended. */
  onLateLog: (requestId: string, log: WorkerLog) => void;
  /** How long loading the handler's module may take. */
  startTimeoutMs: number;
}

export interface WorkerOutcome {
  resultJson?: string;
  error?: HostError;
  rssBytes?: number;
}

export interface WorkerLog {
  level: LogLevel;
  message: string;
  time: number;
}

interface Running {
  message: InvokeMessage;
  onLog: (log: WorkerLog) => void;
  finish: (outcome: WorkerOutcome) => void;
  /** What an unexpected end of the process means for this invocation, when the host said so first. */
  exitReason?: HostError;
}

const INSPECTOR_NOISE = [/^Debugger listening on /, /^For help, see: https:\/\/nodejs.org/, /^Debugger attached\./, /^Waiting for the debugger to disconnect/];
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit|Allocation failed/;
/** Keeps the end of stderr for crash reports. */
const STDERR_TAIL_CHARS = 4000;
const MEMORY_SAMPLE_MS = 100;
/** Process groups are POSIX; on Windows `detached` would open a console instead. */
const OWN_GROUP = process.platform !== 'win32';

/** Resident set size from /proc, readable while the process is busy; undefined elsewhere. */
function residentBytes(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export class FunctionWorker {
  private readonly child: ChildProcess;
  private running?: Running;
  private stderrTail = '';
  /** Output from before the first invocation (module load); the first one shows it, as in the cloud. */
  private earlyOutput: WorkerLog[] = [];
  /** Output after an invocation ended (stray timers) still belongs to it. */
  private lastRequestId?: string;
  private loadError?: HostError;
  private exited = false;
  /** Set once the process is to be replaced (its code changed, it misbehaved): no further invocations. */
  retired = false;
  lastUsed = Date.now();
  readonly ready: Promise<void>;
  /** Resolves with the inspector's ws:// URL when started with `debug`. */
  readonly inspectorUrl: Promise<string>;
  readonly closed: Promise<void>;

  constructor(private readonly options: WorkerOptions) {
    const execArgv = [`--max-old-space-size=${options.config.memoryLimitMB}`];
    if (options.debug) execArgv.push('--inspect=127.0.0.1:0');
    // Compiled TypeScript carries an inline source map: stack traces then name the .ts lines.
    if (isCompiledTypeScript(options.config.moduleFile)) execArgv.push('--enable-source-maps');
    this.child = fork(options.hostScript, [JSON.stringify(options.config)], {
      cwd: options.cwd,
      env: options.env,
      execPath: options.execPath,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // Its own process group, so whatever the function starts is stopped with it (see killGroup).
      detached: OWN_GROUP,
    });
    let resolveInspector!: (url: string) => void;
    let rejectInspector!: (e: Error) => void;
    this.inspectorUrl = new Promise((resolve, reject) => {
      resolveInspector = resolve;
      rejectInspector = reject;
    });
    this.inspectorUrl.catch(() => undefined);
    this.readLines(this.child.stdout!, 'info', () => undefined);
    this.readLines(this.child.stderr!, 'error', (line) => {
      const m = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (m) resolveInspector(m[1]);
    });

    let resolveClosed!: () => void;
    this.closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Loading the function took longer than ${options.startTimeoutMs} ms.`));
        this.kill();
      }, options.startTimeoutMs);
      this.child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.loadError = m.loadError;
          resolve();
        } else {
          this.onMessage(m);
        }
      });
      // Whatever the function left running (it inherited the output pipes, so 'close' would wait for it) goes too.
      this.child.on('exit', () => this.killGroup());
      // 'close' rather than 'exit': stderr is read to the end, so an out-of-memory report is complete.
      this.child.on('close', (code, signal) => {
        this.exited = true;
        this.retired = true;
        clearTimeout(timer);
        const crash = this.crashError(code, signal);
        reject(new Error(crash.message));
        rejectInspector(new Error('The function process ended before its inspector started.'));
        this.running?.finish({ error: this.running.exitReason ?? crash });
        resolveClosed();
      });
      this.child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
        // A process that never started will not report 'close'.
        if (this.child.pid === undefined) {
          this.exited = this.retired = true;
          resolveClosed();
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The invocation's error when the module could not be loaded; such a process answers every call with it. */
  get moduleError(): HostError | undefined {
    return this.loadError;
  }

  /** Output from before the first invocation, once. */
  takeEarlyOutput(): WorkerLog[] {
    return this.earlyOutput.splice(0);
  }

  /**
   * Runs one invocation. `timeoutMs` undefined means no limit (debugging). The promise never rejects:
   * failures are the outcome's `error`, after which the process may be gone (see `alive`).
   */
  run(message: InvokeMessage, timeoutMs: number | undefined, onLog: (log: WorkerLog) => void): Promise<WorkerOutcome> {
    if (this.running) throw new Error('A function process runs one invocation at a time.');
    return new Promise<WorkerOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let sampler: NodeJS.Timeout | undefined;
      const limit = this.options.config.memoryLimitMB * 1024 * 1024;
      let peak = 0;
      const running: Running = {
        message,
        onLog,
        finish: (outcome) => {
          if (this.running !== running) return;
          this.running = undefined;
          this.lastUsed = Date.now();
          clearTimeout(timer);
          clearInterval(sampler);
          if (peak > (outcome.rssBytes ?? 0)) outcome.rssBytes = peak;
          resolve(outcome);
        },
      };
      this.running = running;
      this.lastRequestId = message.requestId;
      for (const log of this.takeEarlyOutput()) onLog(log);
      if (this.exited) {
        running.finish({ error: this.crashError(this.child.exitCode, this.child.signalCode) });
        return;
      }
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const seconds = (timeoutMs / 1000).toFixed(2);
          running.exitReason = { code: 'Timeout', message: `Invocation timed out after ${seconds} s (the function's timeout); its process was stopped.` };
          this.kill();
          running.finish({ error: running.exitReason });
        }, timeoutMs);
      }
      sampler = setInterval(() => {
        const rss = this.pid === undefined ? undefined : residentBytes(this.pid);
        if (rss === undefined) return;
        peak = Math.max(peak, rss);
        if (rss > limit) this.overMemory(running, rss);
      }, MEMORY_SAMPLE_MS);
      this.child.send(message, (e) => {
        if (e && !this.exited) running.finish({ error: { code: 'FunctionCrashed', message: `The function process did not take the invocation: ${e.message}` } });
      });
    });
  }

  /** Stops the process now; a running invocation ends with the error its caller already chose. */
  kill(): void {
    this.retired = true;
    if (!this.exited) {
      this.killGroup();
      this.child.kill('SIGKILL');
    }
  }

  /** The host and every process it started, unless one of them left the group on purpose (setsid). */
  private killGroup(): void {
    if (!OWN_GROUP || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty.
    }
  }

  private overMemory(running: Running, rssBytes: number): void {
    if (this.running !== running) return;
    running.exitReason = {
      code: 'MemoryLimitExceeded',
      message: `Memory use reached ${Math.round(rssBytes / 1048576)} MB, over the function's ${this.options.config.memoryLimitMB} MB; its process was stopped.`,
    };
    this.kill();
    running.finish({ error: running.exitReason, rssBytes });
  }

  private onMessage(m: HostMessage): void {
    const running = this.running;
    switch (m.type) {
      case 'log': {
        const log = { level: m.level, message: m.message, time: m.time };
        this.route(log, m.requestId);
        break;
      }
      case 'done':
        if (running?.message.requestId !== m.requestId) return;
        if (m.recycle) this.retired = true;
        running.finish({ resultJson: m.resultJson, error: m.error, rssBytes: m.rssBytes });
        break;
      case 'memory':
        if (running?.message.requestId === m.requestId) this.overMemory(running, m.rssBytes);
        break;
      case 'exiting':
        this.retired = true;
        if (running) {
          running.exitReason = {
            code: 'FunctionCrashed',
            message: `The function called process.exit(${m.exitCode}); its process ended and will be replaced.`,
            stack: m.stack,
          };
          // The code after process.exit may still run and return: that result does not count.
          running.finish({ error: running.exitReason });
        }
        break;
      case 'ready':
        break;
    }
  }

  private route(log: WorkerLog, requestId: string | undefined): void {
    const running = this.running;
    if (running && (requestId === undefined || requestId === running.message.requestId)) running.onLog(log);
    else if (requestId !== undefined) this.options.onLateLog(requestId, log);
    else if (this.earlyOutput.length < 1000) this.earlyOutput.push(log);
  }

  private crashError(code: number | null, signal: NodeJS.Signals | null): HostError {
    const tail = this.stderrTail.trim();
    if (HEAP_EXHAUSTED.test(tail)) {
      return {
        code: 'MemoryLimitExceeded',
        message: `The function ran out of memory (limit ${this.options.config.memoryLimitMB} MB); its process ended.`,
        stack: tail || undefined,
      };
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return { code: 'FunctionCrashed', message: `The function's process ${how}.`, stack: tail || undefined };
  }

  private readLines(stream: NodeJS.ReadableStream, level: LogLevel, onLine: (line: string) => void): void {
    const cap = this.options.config.lineCapBytes;
    let pending = '';
    const flush = (line: string) => {
      onLine(line);
      if (INSPECTOR_NOISE.some((r) => r.test(line))) return;
      if (level === 'error') this.stderrTail = (this.stderrTail + line + '\n').slice(-STDERR_TAIL_CHARS);
      this.route({ level, message: line, time: Date.now() }, this.running?.message.requestId ?? this.lastRequestId);
    };
    // A line longer than the cap keeps its head; the rest up to the newline is counted, not kept.
    let head: string | undefined;
    let cut = 0;
    const endCut = () => {
      flush(`${head}… (${cut} more characters cut)`);
      head = undefined;
      cut = 0;
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      let rest = chunk;
      while (rest.length > 0) {
        const nl = rest.indexOf('\n');
        const piece = nl >= 0 ? rest.slice(0, nl) : rest;
        rest = nl >= 0 ? rest.slice(nl + 1) : '';
        if (head !== undefined) {
          cut += piece.length;
          if (nl >= 0) endCut();
          continue;
        }
        pending += piece;
        if (nl >= 0) {
          flush(pending.replace(/\r$/, ''));
          pending = '';
        } else if (pending.length > cap) {
          head = pending.slice(0, cap);
          cut = pending.length - cap;
          pending = '';
        }
      }
    });
    stream.on('end', () => {
      if (head !== undefined) endCut();
      else if (pending) flush(pending);
    });
  }
}
