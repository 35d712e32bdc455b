/**
 * Cloud functions of one Tencent CloudBase environment through manager-node: tcb ListFunctions
 * (paged by offset with TotalCount), scf GetFunction, Invoke (LogType Tail), GetFunctionAddress,
 * and deploys through createFunction / updateFunctionCode / updateFunctionConfig.
 *
 * Packages up to 1.5 MB go inline (`ZipFile`). Larger ones take manager-node's COS path: it zips a
 * folder itself and uploads to Tencent's temporary bucket, so the exact files this project chose
 * are staged into a temporary folder first. That path cannot be pointed at a local fake.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type CloudBase from '@cloudbase/manager-node';
import type { ICloudFunction } from '@cloudbase/manager-node/types/interfaces';
import { StudioError, throwIfAborted } from '../../shared/errors';
import type { FunctionInfo, InvokeResult, JsonValue, LogEntry, Page, PageRequest } from '../../shared/model';
import type { DeployedCode, DeployOutcome, DeployRecord, DeployRequest, FunctionsApi } from '../backend';
import { INLINE_ZIP_BYTES, type DeployWarning } from '../deploy/packager';
import type { DeploySettings } from '../deploy/settings';
import { callCloud, type CallPolicy } from './calls';
import { decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor';

const MAX_LIST_LIMIT = 100;

interface FunctionWire {
  FunctionName: string;
  Runtime?: string;
  Handler?: string;
  Timeout?: number;
  MemorySize?: number;
  Status?: string;
  StatusReasons?: { ErrorCode?: string; ErrorMessage?: string }[];
  Environment?: { Variables?: { Key: string; Value: string }[] };
  Triggers?: { TriggerName?: string; Type?: string; TriggerDesc?: string }[];
  ModTime?: string;
}

interface InvokeWire {
  RequestId?: string;
  FunctionRequestId?: string;
  RetMsg?: string;
  ErrMsg?: string;
  Log?: string;
  Duration?: number;
  MemUsage?: number;
  InvokeResult?: number;
}

function infoOf(f: FunctionWire): FunctionInfo {
  const info: FunctionInfo = { name: f.FunctionName };
  if (f.Runtime) info.runtime = f.Runtime;
  if (f.Handler) info.handler = f.Handler;
  if (typeof f.Timeout === 'number') info.timeoutSeconds = f.Timeout;
  if (typeof f.MemorySize === 'number') info.memoryMB = f.MemorySize;
  if (f.Status) info.status = f.Status;
  return info;
}

function isNotFound(e: unknown): boolean {
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' && code.startsWith('ResourceNotFound');
}

/** SCF's tail log as entries: START / END / Report lines mark the invocation, the rest is output. */
function logEntries(log: string | undefined, functionName: string, requestId: string, time: number): LogEntry[] {
  if (!log) return [];
  return log
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const kind = line.startsWith('START RequestId') ? 'start' : line.startsWith('END RequestId') || line.startsWith('Report RequestId') ? 'end' : 'log';
      const level = /\b(ERROR|Error:)\b/.test(line) ? 'error' : 'info';
      return { time, level, functionName, requestId, message: line, kind } as LogEntry;
    });
}

function parseJson(text: string | undefined): JsonValue | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** ErrMsg is a JSON object (errorMessage, stackTrace) for a function's own error, plain text otherwise. */
function errorOf(errMsg: string): InvokeResult['error'] {
  const parsed = parseJson(errMsg);
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as { errorMessage?: unknown; stackTrace?: unknown; errorCode?: unknown };
    return {
      message: typeof o.errorMessage === 'string' ? o.errorMessage : errMsg,
      ...(typeof o.stackTrace === 'string' && o.stackTrace !== '' ? { stack: o.stackTrace } : {}),
      code: 'FunctionError',
    };
  }
  return { message: errMsg, code: 'FunctionError' };
}

function variablesOf(f: FunctionWire): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of f.Environment?.Variables ?? []) out[v.Key] = v.Value;
  return out;
}

function sameVariables(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function triggerKey(t: { name: string; type: string; config: string }): string {
  return `${t.name}\u0000${t.type}\u0000${t.config}`;
}

/** Whether the deployed settings differ from the wanted ones (runtime and handler go with the code). */
export function settingsDiffer(deployed: FunctionWire, wanted: DeploySettings): boolean {
  const deployedTriggers = (deployed.Triggers ?? []).map((t) => triggerKey({ name: t.TriggerName ?? '', type: t.Type ?? '', config: t.TriggerDesc ?? '' }));
  const missingTrigger = wanted.triggers.some((t) => !deployedTriggers.includes(triggerKey(t)));
  // Empty variables cannot be sent (manager-node drops them), so extra deployed ones do not count.
  const vars = variablesOf(deployed);
  const wantedVars = wanted.envVariables;
  const varsDiffer = Object.keys(wantedVars).length > 0 && !sameVariables(vars, wantedVars);
  return deployed.Timeout !== wanted.timeoutSeconds || deployed.MemorySize !== wanted.memoryMB || varsDiffer || missingTrigger;
}

export interface TencentFunctionsOptions {
  /** How often to look at a function's state while waiting for it to be Active. Default 1 s. */
  pollIntervalMs?: number;
  /** Give up waiting after this long. Default 5 minutes (manager-node's own limit). */
  waitTimeoutMs?: number;
}

export class TencentFunctions implements FunctionsApi {
  constructor(
    private readonly app: CloudBase,
    private readonly policy: CallPolicy,
    private readonly options: TencentFunctionsOptions = {},
  ) {}

  private call<T>(action: string, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return callCloud(action, run, this.policy, signal);
  }

  /**
   * Creating and waiting take longer than one call: no time limit of ours, only the caller's signal.
   * Throttled calls are retried like any other: a throttled request was not carried out.
   */
  private long<T>(action: string, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return callCloud(action, run, { ...this.policy, timeoutMs: this.options.waitTimeoutMs ?? 5 * 60_000 }, signal);
  }

  async listFunctions(page: PageRequest, signal?: AbortSignal): Promise<Page<FunctionInfo>> {
    const offset = decodeOffsetCursor(page.cursor);
    if (!Number.isInteger(page.limit) || page.limit < 1) throw new StudioError('InvalidArgument', `A page size must be a positive integer (got ${page.limit}).`);
    const limit = Math.min(page.limit, MAX_LIST_LIMIT);
    const res = (await this.call('ListFunctions', () => this.app.functions.getFunctionList(limit, offset), signal)) as unknown as { Functions?: FunctionWire[]; TotalCount?: number };
    const items = (res.Functions ?? []).map(infoOf);
    const next = offset + items.length;
    return { items, nextCursor: items.length > 0 && next < (res.TotalCount ?? 0) ? encodeOffsetCursor(next) : undefined };
  }

  private async detail(name: string, signal?: AbortSignal): Promise<FunctionWire | undefined> {
    try {
      return (await this.call('GetFunction', () => this.app.functions.getFunctionDetail(name), signal)) as unknown as FunctionWire;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async getFunction(name: string, signal?: AbortSignal): Promise<FunctionInfo | undefined> {
    const f = await this.detail(name, signal);
    return f ? infoOf({ ...f, FunctionName: f.FunctionName ?? name }) : undefined;
  }

  async invoke(name: string, event: JsonValue, signal?: AbortSignal): Promise<InvokeResult> {
    if (typeof name !== 'string' || name === '') throw new StudioError('InvalidArgument', 'A function name must be a non-empty string.');
    // Invoke is synchronous: it takes as long as the function (up to 900 s); manager-node stops at 60 s.
    const res = (await this.long('Invoke', () => this.app.functions.invokeFunction(name, event as Record<string, unknown>), signal)) as InvokeWire;
    const requestId = res.FunctionRequestId || res.RequestId || '';
    const result: InvokeResult = {
      requestId,
      durationMs: Math.round(Number(res.Duration ?? 0)),
      logs: logEntries(res.Log, name, requestId, Date.now()),
    };
    if (typeof res.MemUsage === 'number' && res.MemUsage > 0) result.memoryMB = Math.round((res.MemUsage / 1048576) * 10) / 10;
    if (res.ErrMsg || (res.InvokeResult !== undefined && res.InvokeResult !== 0)) result.error = errorOf(res.ErrMsg || `The invocation failed (${res.InvokeResult}).`);
    else {
      const value = parseJson(res.RetMsg);
      if (value !== undefined) result.result = value;
    }
    return result;
  }

  private async address(name: string, signal?: AbortSignal): Promise<{ Url?: string; CodeSha256?: string }> {
    return this.call('GetFunctionAddress', () => this.app.functions.getFunctionDownloadUrl(name), signal);
  }

  async getDeployedCode(name: string, signal?: AbortSignal): Promise<DeployedCode> {
    const { Url, CodeSha256 } = await this.address(name, signal);
    if (!Url) throw new StudioError('ServiceError', `Tencent Cloud gave no download address for the code of "${name}".`);
    let res: Response;
    try {
      res = await fetch(Url, { signal });
    } catch (e) {
      if (signal?.aborted) throw new StudioError('Cancelled', 'The operation was cancelled.');
      throw new StudioError('Network', `Could not download the deployed code of "${name}": ${(e as Error).message}`, { cause: e });
    }
    if (!res.ok) throw new StudioError('ServiceError', `Downloading the deployed code of "${name}" failed with HTTP ${res.status}.`);
    return { zip: new Uint8Array(await res.arrayBuffer()), codeSha256: CodeSha256 };
  }

  /** Polls GetFunction until the function leaves Creating/Updating; fails on a failed state. */
  private async waitActive(name: string, signal?: AbortSignal): Promise<FunctionWire> {
    const interval = this.options.pollIntervalMs ?? 1000;
    const deadline = Date.now() + (this.options.waitTimeoutMs ?? 5 * 60_000);
    for (;;) {
      throwIfAborted(signal);
      const f = await this.detail(name, signal);
      if (!f) throw new StudioError('FunctionNotFound', `The function "${name}" disappeared while deploying.`);
      if (f.Status && /Failed$/.test(f.Status)) {
        const reasons = (f.StatusReasons ?? []).map((r) => `[${r.ErrorCode}] ${r.ErrorMessage}`).join('; ');
        throw new StudioError('ServiceError', `The function "${name}" is ${f.Status}${reasons ? `: ${reasons}` : ''}.`);
      }
      if (f.Status !== 'Creating' && f.Status !== 'Updating' && f.Status !== 'Publishing') return f;
      if (Date.now() > deadline) throw new StudioError('Timeout', `The function "${name}" was still ${f.Status} after waiting.`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** Code for manager-node: inline base64, or a staged folder of exactly the packed files for its COS upload. */
  private async codeOf(request: DeployRequest): Promise<{ base64Code?: string; functionPath?: string; deployMode: 'zip' | 'cos'; cleanup(): Promise<void> }> {
    const pkg = request.package;
    if (pkg.zip.length <= INLINE_ZIP_BYTES) return { base64Code: pkg.zip.toString('base64'), deployMode: 'zip', cleanup: async () => {} };
    const staging = await fs.mkdtemp(join(tmpdir(), 'cloudbase-deploy-'));
    const folder = join(staging, request.name);
    for (const f of pkg.files) {
      await fs.mkdir(dirname(join(folder, f.path)), { recursive: true });
      await fs.copyFile(join(request.folder, f.path), join(folder, f.path));
    }
    return { functionPath: folder, deployMode: 'cos', cleanup: () => fs.rm(staging, { recursive: true, force: true }) };
  }

  private funcOf(request: DeployRequest): ICloudFunction {
    const s = request.settings;
    return {
      name: request.name,
      runtime: s.runtime,
      handler: s.handler,
      timeout: s.timeoutSeconds,
      memorySize: s.memoryMB,
      envVariables: s.envVariables,
      installDependency: s.installDependency,
      triggers: s.triggers,
      // The staged folder already holds only the chosen files; node_modules follows installDependency.
      ignore: [],
    };
  }

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    throwIfAborted(signal);
    const { name, package: pkg } = request;
    const warnings: DeployWarning[] = [];
    const existing = await this.detail(name, signal);
    const func = this.funcOf(request);
    const record = async (): Promise<DeployRecord> => ({
      contentHash: pkg.contentHash,
      codeSha256: (await this.address(name, signal)).CodeSha256,
      deployedAt: Date.now(),
    });

    // A failed creation leaves a husk that takes no code: manager-node's createFunction deletes and recreates it.
    if (!existing || existing.Status === 'CreateFailed') {
      request.onStage?.('upload');
      const code = await this.codeOf(request);
      try {
        request.onStage?.('create');
        const res = (await this.long(
          'CreateFunction',
          () => this.app.functions.createFunction({ func, base64Code: code.base64Code, functionPath: code.functionPath, deployMode: code.deployMode }),
          signal,
        )) as { RequestId?: string };
        request.onStage?.('wait');
        const done = await this.waitActive(name, signal);
        return { action: 'created', status: done.Status ?? 'Active', uploaded: true, record: await record(), warnings, requestId: res?.RequestId };
      } finally {
        await code.cleanup();
      }
    }

    if (existing.Runtime && existing.Runtime !== request.settings.runtime) {
      warnings.push({ code: 'SettingsWarning', message: `runtime ${request.settings.runtime} is set only when a function is created; ${name} keeps ${existing.Runtime}` });
    }
    const deployed = await this.address(name, signal);
    const previous = request.previous;
    // Zips are reproducible: deployed code equal to this very package is ours (e.g. a deploy cancelled while waiting), not another writer's.
    const ours = deployed.CodeSha256 !== undefined && deployed.CodeSha256 === createHash('sha256').update(pkg.zip).digest('hex');
    const changedElsewhere = previous?.codeSha256 !== undefined && deployed.CodeSha256 !== undefined && deployed.CodeSha256 !== previous.codeSha256 && !ours;
    if (changedElsewhere) {
      warnings.push({ code: 'DeployedCodeChanged', functionName: name });
      await request.confirmOverwrite?.();
      throwIfAborted(signal);
    }
    const codeSame = previous !== undefined && previous.contentHash === pkg.contentHash && !changedElsewhere && existing.Handler === request.settings.handler;
    const configure = settingsDiffer(existing, request.settings);
    let requestId: string | undefined;
    let current = existing;

    if (!codeSame) {
      request.onStage?.('upload');
      const code = await this.codeOf(request);
      try {
        request.onStage?.('update');
        const res = (await this.long(
          'UpdateFunctionCode',
          () => this.app.functions.updateFunctionCode({ func, base64Code: code.base64Code, functionPath: code.functionPath, deployMode: code.deployMode }),
          signal,
        )) as { RequestId?: string };
        requestId = res?.RequestId;
      } finally {
        await code.cleanup();
      }
      request.onStage?.('wait');
      current = await this.waitActive(name, signal);
    }
    if (configure) {
      throwIfAborted(signal);
      request.onStage?.('configure');
      const res = (await this.long('UpdateFunctionConfiguration', () => this.app.functions.updateFunctionConfig(func), signal)) as { RequestId?: string };
      requestId = res?.RequestId ?? requestId;
      request.onStage?.('wait');
      current = await this.waitActive(name, signal);
    }
    if (codeSame && !configure) {
      return { action: 'unchanged', status: existing.Status ?? 'Active', uploaded: false, record: { ...previous!, codeSha256: deployed.CodeSha256 ?? previous!.codeSha256 }, warnings };
    }
    return {
      action: codeSame ? 'configured' : 'updated',
      status: current.Status ?? 'Active',
      uploaded: !codeSame,
      record: codeSame ? { ...previous!, codeSha256: deployed.CodeSha256 } : await record(),
      warnings,
      requestId,
    };
  }
}
