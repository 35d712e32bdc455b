/**
 * Runs a project's cloud functions locally, each in warm child processes of its own; see index.ts
 * for the contract.
 */
import { randomUUID } from 'node:crypto';
import { StudioError, isStudioError, type ErrorCode } from '../../shared/errors';
import type { InvokeResult, JsonValue } from '../../shared/model';
import type { ProjectInfo } from '../../project/project';
import { discoverFunctions, readFunction, type FunctionDefinition } from '../../project/functions/definitions';
import { missingDependencies } from '../../project/functions/dependencies';
import { folderFingerprint } from './fingerprint';
import { resolveHandler } from '../../project/functions/handler';
import { compiledHandler, isTypeScriptFile } from '../../project/functions/typescript';
import type { HostError, InvocationContext, InvokeMessage } from './host/protocol';
import { DEFAULT_IDENTITY, identityEnv, processEnv, type SimulatedIdentity } from './identity';
import { InvocationLog, LINE_CAP_BYTES, LogStore, OUTPUT_CAP_BYTES } from './logs';
import { MAX_RESULT_BYTES, assertPayload } from './payload';
import { FunctionPool } from './pool';
import { watchFunctions, type FunctionsChange, type FunctionsWatch, type WatchOptions } from './watcher';
import { FunctionWorker } from './worker';

export interface FunctionRuntimeOptions {
  project: ProjectInfo;
  /** The local environment's id: SCF_NAMESPACE, TCB_ENV and so `cloud.DYNAMIC_CURRENT_ENV`. */
  envId: string;
  /** The local environment's /admin URL, handed to the SDKs through TCB_CONTEXT_CNFG. */
  adminUrl: string;
  /** The bundled host (dist/function-host.js), or its transpiled copy in tests. */
  hostScript: string;
  /** Who calls functions when an invocation does not say (fields left out keep DEFAULT_IDENTITY's). */
  defaultIdentity?: Partial<SimulatedIdentity>;
  /** Extra folders to resolve packages from (NODE_PATH), after the function's own node_modules. */
  nodePath?: string[];
  /** Node executable for function processes; default the current one (Electron runs as Node). */
  execPath?: string;
  /** TENCENTCLOUD_REGION seen by functions. Default ap-shanghai. */
  region?: string;
  /** The environment's token, handed to the SDKs as their session token so /admin admits their calls. */
  sessionToken?: string;
  /** Warm processes per function before invocations queue. Default 10. */
  maxInstancesPerFunction?: number;
  /** Idle processes are stopped after this long. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Log entries kept in memory. Default 10 000. */
  logCapacity?: number;
}

export interface InvokeOptions {
  /** Overrides the default identity for this invocation (fields left out keep the default's). */
  identity?: Partial<SimulatedIdentity>;
  /** Aborting cancels a queued invocation, or stops the process of a running one. */
  signal?: AbortSignal;
  /** Runs in the function's debug process (see startDebug), without a time limit. */
  debug?: boolean;
  /**
   * The caller is a server SDK with keys (node-sdk outside a function), not a mini-program user:
   * the event then gets no `userInfo`, as in the cloud.
   */
  serverCaller?: boolean;
}

/** A mini program's call reaches the function with `userInfo: { appId, openId }` in its event, as in the cloud. */
function withUserInfo(event: unknown, identity: Partial<SimulatedIdentity>, options: InvokeOptions): unknown {
  if (options.serverCaller || !identity.openId || !identity.appId || !(identity.source ?? '').startsWith('wx_client')) return event;
  if (event === null || typeof event !== 'object' || Array.isArray(event) || 'userInfo' in event) return event;
  return { ...event, userInfo: { appId: identity.appId, openId: identity.openId } };
}

/** InvokeResult with the error's code always set and a few facts for the UI. */
export interface InvokeOutcome extends InvokeResult {
  functionName: string;
  error?: { code: ErrorCode; message: string; stack?: string };
  /** A process was started for this invocation (cold start). */
  coldStart: boolean;
  /** Time from the call to the end, including any queueing and process start. */
  totalMs: number;
}

export interface DebugSession {
  functionName: string;
  /** The inspector's port on 127.0.0.1. */
  port: number;
  /** ws://127.0.0.1:<port>/<id>, for a debugger that attaches by URL. */
  url: string;
  pid: number;
}

const DEFAULT_CAP = 10;
const DEFAULT_IDLE_MS = 10 * 60_000;
/** Loading a module may take longer than the function's own timeout (cold start in the cloud too). */
const MIN_START_TIMEOUT_MS = 10_000;
const RECENT_INVOCATIONS = 200;

/** The return value on the END log entry is cut here: the store bounds messages, not results. */
const LOGGED_RESULT_CHARS = 8 * 1024;

function resultText(result: JsonValue): string {
  const text = JSON.stringify(result);
  return text.length > LOGGED_RESULT_CHARS ? `${text.slice(0, LOGGED_RESULT_CHARS)}… (${text.length - LOGGED_RESULT_CHARS} more characters cut)` : text;
}

export class FunctionRuntime {
  readonly logs: LogStore;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly debugging = new Set<string>();
  /** Open invocation logs by request ID, so output arriving after the end is still charged to them. */
  private readonly recent = new Map<string, InvocationLog>();
  private readonly reaper: NodeJS.Timeout;
  private defaultIdentity: SimulatedIdentity;
  private readonly invocationListeners = new Set<(caller: SimulatedIdentity) => void | Promise<void>>();
  private readonly nodePath: string[];
  private disposed = false;

  constructor(private readonly options: FunctionRuntimeOptions) {
    this.logs = new LogStore(options.logCapacity);
    this.defaultIdentity = { ...DEFAULT_IDENTITY, ...options.defaultIdentity };
    this.nodePath = options.nodePath ?? [];
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    this.reaper = setInterval(() => {
      for (const [name, pool] of this.pools) if (!this.debugging.has(name)) pool.reap(idleMs);
    }, Math.min(idleMs, 60_000));
    this.reaper.unref();
  }

  /**
   * Who calls from the next invocation on when the invocation does not say (the current simulated
   * user); undefined: the configured default again. Fields left out keep the configured default's.
   */
  setCaller(identity: Partial<SimulatedIdentity> | undefined): void {
    this.defaultIdentity = { ...DEFAULT_IDENTITY, ...this.options.defaultIdentity, ...identity };
  }

  /**
   * Hears who each invocation by a mini program user runs as, before its code runs (the simulated
   * users' last interaction); server SDK calls are not heard.
   */
  onInvocation(listener: (caller: SimulatedIdentity) => void | Promise<void>): () => void {
    this.invocationListeners.add(listener);
    return () => this.invocationListeners.delete(listener);
  }

  get project(): ProjectInfo {
    return this.options.project;
  }

  /** The project's functions with their merged settings, sorted by name. */
  list(): Promise<FunctionDefinition[]> {
    return discoverFunctions(this.options.project, this.nodePath);
  }

  /** One function; StudioError 'FunctionNotFound' when its folder does not exist. */
  async get(name: string): Promise<FunctionDefinition> {
    if (typeof name !== 'string') throw new StudioError('InvalidArgument', 'A function name must be a string.');
    const def = await readFunction(this.options.project, name, this.nodePath);
    // The name only: the message reaches callers over /admin, which must not learn the machine's folders.
    if (!def) throw new StudioError('FunctionNotFound', `There is no function "${name}" in this environment.`);
    return def;
  }

  /** Reports functions added, removed or edited on disk until disposed. */
  watch(listener: (change: FunctionsChange) => void, options?: WatchOptions): FunctionsWatch {
    return watchFunctions(this.options.project, listener, options);
  }

  /** Process IDs of the function's current processes (for diagnostics and tests). */
  processIds(name: string): number[] {
    return this.pools.get(name)?.pids ?? [];
  }

  /**
   * Runs a function once. Throws StudioError only for bad input (unknown function, a payload that is
   * not JSON) and cancellation; everything the function does wrong is the outcome's `error`.
   */
  async invoke(name: string, event: unknown = {}, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    this.assertOpen();
    const called = Date.now();
    assertPayload(event);
    const def = await this.get(name);

    const requestId = randomUUID();
    const log = this.openLog(name, requestId);
    // In the cloud START marks when the function begins to run, so waiting for a process comes before it.
    let startLogged = false;
    const logStart = () => {
      if (startLogged) return;
      startLogged = true;
      log.add({ time: Date.now(), level: 'info', kind: 'start', message: `START RequestId: ${requestId}` });
    };
    const finish = (outcome: Omit<InvokeOutcome, 'functionName' | 'requestId' | 'logs' | 'totalMs'>): InvokeOutcome => {
      logStart();
      const memory = outcome.memoryMB === undefined ? '' : ` MemUsage: ${outcome.memoryMB} MB`;
      const tail = outcome.error ? ` Error: ${outcome.error.code}: ${outcome.error.message}` : '';
      log.add({
        time: Date.now(),
        level: outcome.error ? 'error' : 'info',
        kind: 'end',
        message: `END RequestId: ${requestId} Duration: ${outcome.durationMs} ms Memory: ${def.memoryMB} MB${memory}${tail}`,
        durationMs: outcome.durationMs,
        memoryMB: outcome.memoryMB,
        result: outcome.result === undefined ? undefined : resultText(outcome.result),
      });
      return { functionName: name, requestId, ...outcome, logs: log.close(), totalMs: Date.now() - called };
    };

    const precheck = await this.precheck(def);
    if (precheck) return finish({ error: precheck, durationMs: 0, coldStart: false });
    if (options.debug && !this.debugging.has(name)) await this.startDebug(name);
    const debug = this.debugging.has(name);

    const pool = this.poolOf(name);
    pool.setCap(debug ? 1 : (this.options.maxInstancesPerFunction ?? DEFAULT_CAP));
    let spec;
    try {
      spec = await this.spec(def, debug);
    } catch (e) {
      // A TypeScript function that does not compile fails like one that does not load.
      if (!isStudioError(e, 'FunctionLoadFailed')) throw e;
      return finish({ error: { code: 'FunctionLoadFailed', message: e.message }, durationMs: 0, coldStart: false });
    }
    let lease;
    try {
      lease = await pool.acquire(spec, options.signal);
    } catch (e) {
      if (e instanceof StudioError && e.code === 'Cancelled') throw e;
      return finish({ error: { code: 'FunctionCrashed', message: `The function's process could not start: ${(e as Error).message}` }, durationMs: 0, coldStart: true });
    }
    const { worker, cold } = lease;
    if (worker.moduleError) {
      logStart();
      for (const l of worker.takeEarlyOutput()) log.add({ ...l, kind: 'log' });
      pool.release(worker);
      return finish({ error: worker.moduleError, durationMs: 0, coldStart: cold });
    }

    const identity = { ...this.defaultIdentity, ...options.identity };
    if (!options.serverCaller) {
      for (const listener of [...this.invocationListeners]) await Promise.resolve(listener(identity)).catch(() => undefined);
    }
    const message: InvokeMessage = {
      type: 'invoke',
      requestId,
      event: withUserInfo(event, identity, options) as JsonValue,
      context: this.context(def, requestId, identity),
      env: identityEnv(identity, this.options.envId, requestId),
    };
    const onAbort = () => worker.kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    logStart();
    const started = Date.now();
    const result = await worker.run(message, debug ? undefined : def.timeoutSeconds * 1000, (l) => log.add({ ...l, kind: 'log' }));
    options.signal?.removeEventListener('abort', onAbort);
    pool.release(worker);
    if (options.signal?.aborted || this.disposed) {
      finish({ error: { code: 'Cancelled', message: 'The invocation was cancelled.' }, durationMs: Date.now() - started, coldStart: cold });
      throw new StudioError('Cancelled', 'The invocation was cancelled.', { requestId });
    }
    const outcome: Omit<InvokeOutcome, 'functionName' | 'requestId' | 'logs' | 'totalMs'> = {
      durationMs: Date.now() - started,
      memoryMB: result.rssBytes === undefined ? undefined : Math.round((result.rssBytes / 1048576) * 10) / 10,
      coldStart: cold,
    };
    if (result.error) outcome.error = result.error;
    else if (result.resultJson !== undefined && result.resultJson.length > MAX_RESULT_BYTES) {
      // The host refuses these itself; this covers a host that did not (its code replaced by the function).
      outcome.error = { code: 'FunctionError', message: `The size of response exceeds the upper limit (${MAX_RESULT_BYTES / 1048576}MB).` };
    } else if (result.resultJson !== undefined) outcome.result = JSON.parse(result.resultJson) as JsonValue;
    return finish(outcome);
  }

  /**
   * (Re)starts the function's process with the inspector on a free 127.0.0.1 port and keeps running
   * its invocations there, one at a time and without a time limit, until stopDebug.
   */
  async startDebug(name: string): Promise<DebugSession> {
    this.assertOpen();
    const def = await this.get(name);
    const problem = await this.precheck(def);
    if (problem) throw new StudioError(problem.code, problem.message);
    this.debugging.add(name);
    const pool = this.poolOf(name);
    pool.setCap(1);
    const lease = await pool.acquire(await this.spec(def, true));
    try {
      const url = await lease.worker.inspectorUrl;
      return { functionName: name, url, port: Number(new URL(url).port), pid: lease.worker.pid! };
    } finally {
      pool.release(lease.worker);
    }
  }

  /** Back to normal running: the debug process is replaced on the next invocation. */
  async stopDebug(name: string): Promise<void> {
    if (!this.debugging.delete(name)) return;
    const pool = this.pools.get(name);
    if (!pool) return;
    pool.clear();
    pool.setCap(this.options.maxInstancesPerFunction ?? DEFAULT_CAP);
    await pool.closed();
  }

  /**
   * A local deploy: the function's warm processes are replaced so the next invocation loads the code
   * afresh, even where the edit escaped the folder fingerprint. Running invocations finish first.
   */
  async reload(name: string): Promise<FunctionDefinition> {
    this.assertOpen();
    const def = await this.get(name);
    if (!this.debugging.has(name)) this.pools.get(name)?.retire();
    return def;
  }

  isDebugging(name: string): boolean {
    return this.debugging.has(name);
  }

  /** Stops every function process and waits until they are gone. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.reaper);
    const reason = new StudioError('Cancelled', 'The function runtime was stopped.');
    const pools = [...this.pools.values()];
    for (const pool of pools) pool.clear(reason);
    await Promise.all(pools.map((p) => p.closed()));
    this.pools.clear();
  }

  private assertOpen(): void {
    if (this.disposed) throw new StudioError('Cancelled', 'The function runtime was stopped.');
  }

  private poolOf(name: string): FunctionPool {
    let pool = this.pools.get(name);
    if (!pool) this.pools.set(name, (pool = new FunctionPool(this.options.maxInstancesPerFunction ?? DEFAULT_CAP)));
    return pool;
  }

  private openLog(name: string, requestId: string): InvocationLog {
    const log = new InvocationLog(this.logs, name, requestId);
    this.recent.set(requestId, log);
    if (this.recent.size > RECENT_INVOCATIONS) this.recent.delete(this.recent.keys().next().value!);
    return log;
  }

  /** Failures found without starting a process: no handler file, dependencies not installed. */
  private async precheck(def: FunctionDefinition): Promise<HostError | undefined> {
    if (def.status === 'Active') return undefined;
    const handler = await resolveHandler(def.folder, def.handler);
    if (!handler.file) {
      return {
        code: 'HandlerNotFound',
        message: `The function "${def.name}" has no ${handler.candidates[0]} for its handler "${def.handler}" in ${def.folder}.`,
      };
    }
    const missing = await missingDependencies(def.folder, this.nodePath);
    if (missing.length > 0) {
      return {
        code: 'DependenciesMissing',
        message: `Dependencies of "${def.name}" are not installed: ${missing.join(', ')}. Run npm install in ${def.folder}.`,
      };
    }
    return undefined;
  }

  private async spec(def: FunctionDefinition, debug: boolean) {
    const handler = await resolveHandler(def.folder, def.handler);
    const env = processEnv({
      envId: this.options.envId,
      functionName: def.name,
      region: this.options.region ?? 'ap-shanghai',
      adminUrl: this.options.adminUrl,
      sessionToken: this.options.sessionToken,
      envVariables: def.envVariables,
      nodePath: this.nodePath,
    });
    // TypeScript runs as its compiled JavaScript, compiled again when the folder's fingerprint changes.
    const typescript = isTypeScriptFile(handler.file!);
    const fingerprint = await folderFingerprint(def.folder);
    const config = {
      functionName: def.name,
      moduleFile: typescript ? await compiledHandler(def.folder, handler.file!, fingerprint) : handler.file!,
      exportName: handler.exportName,
      handler: def.handler,
      memoryLimitMB: def.memoryMB,
      // The invocation log enforces the cap; the host's own (twice as much) only bounds IPC traffic.
      outputCapBytes: OUTPUT_CAP_BYTES * 2,
      lineCapBytes: LINE_CAP_BYTES,
      resultLimitBytes: MAX_RESULT_BYTES,
      adminUrl: this.options.adminUrl,
    };
    const signature = JSON.stringify({ fingerprint, config, env, debug });
    return {
      signature,
      start: () =>
        new FunctionWorker({
          hostScript: this.options.hostScript,
          execPath: this.options.execPath,
          config,
          cwd: def.folder,
          env,
          debug,
          startTimeoutMs: debug ? 24 * 3600_000 : Math.max(MIN_START_TIMEOUT_MS, def.timeoutSeconds * 1000),
          onLateLog: (requestId, l) => this.recent.get(requestId)?.add({ ...l, kind: 'log' }),
        }),
    };
  }

  private context(def: FunctionDefinition, requestId: string, identity: SimulatedIdentity): InvocationContext {
    const vars = Object.fromEntries(
      Object.entries(identityEnv(identity, this.options.envId, requestId)).filter((e): e is [string, string] => e[1] !== null),
    );
    return {
      request_id: requestId,
      function_name: def.name,
      function_version: '$LATEST',
      namespace: this.options.envId,
      memory_limit_in_mb: def.memoryMB,
      time_limit_in_ms: def.timeoutSeconds * 1000,
      tencentcloud_region: this.options.region ?? 'ap-shanghai',
      environment: JSON.stringify({ ...vars, SCF_NAMESPACE: this.options.envId }),
      environ: Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
    };
  }
}
