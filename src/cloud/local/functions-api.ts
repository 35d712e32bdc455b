/**
 * FunctionsApi of a local environment: the function runtime in-process. Lists page by name (the
 * runtime lists every function folder, sorted), invocations go straight to the runtime, and
 * watches end with the backend.
 */
import type { DeployOutcome, DeployRequest, FunctionDebugTarget, FunctionsApi, FunctionsChange } from '../backend';
import { StudioError, throwIfAborted } from '../../shared/errors';
import type { FunctionInfo, InvokeResult, JsonValue, Page, PageRequest } from '../../shared/model';
import type { FunctionDefinition, FunctionRuntime } from '../../emulator/functions/index';
import { resolve } from 'node:path';
import { readTriggers } from '../../shared/triggers';
import { checkPage, decodeNameCursor, encodeNameCursor } from './paging';

function infoOf(def: FunctionDefinition): FunctionInfo {
  const info: FunctionInfo = {
    name: def.name,
    runtime: def.runtime,
    timeoutSeconds: def.timeoutSeconds,
    memoryMB: def.memoryMB,
    handler: def.handler,
    status: def.status,
    folder: def.folder,
  };
  if (def.warnings.length > 0) info.warnings = [...def.warnings];
  if (def.triggers.length > 0) info.triggers = readTriggers(def.triggers);
  return info;
}

export class LocalFunctionsApi implements FunctionsApi {
  private readonly watches = new Set<{ dispose(): void }>();

  constructor(private readonly runtime: FunctionRuntime) {}

  async listFunctions(page: PageRequest, signal?: AbortSignal): Promise<Page<FunctionInfo>> {
    throwIfAborted(signal);
    checkPage(page);
    const after = page.cursor === undefined ? undefined : decodeNameCursor(page.cursor, 'function');
    const all = await this.runtime.list();
    throwIfAborted(signal);
    // The runtime sorts with localeCompare; the cursor compares the same way so no name is skipped.
    const rest = after === undefined ? all : all.filter((f) => f.name.localeCompare(after) > 0);
    const items = rest.slice(0, page.limit).map(infoOf);
    const more = rest.length > items.length;
    return { items, nextCursor: more ? encodeNameCursor(items[items.length - 1].name) : undefined };
  }

  async invoke(name: string, event: JsonValue, signal?: AbortSignal): Promise<InvokeResult> {
    if (typeof name !== 'string' || name === '') throw new StudioError('InvalidArgument', 'A function name must be a non-empty string.');
    throwIfAborted(signal);
    const outcome = await this.runtime.invoke(name, event, { signal });
    const result: InvokeResult = { requestId: outcome.requestId, durationMs: outcome.durationMs, logs: outcome.logs };
    if (outcome.result !== undefined) result.result = outcome.result;
    if (outcome.error) result.error = outcome.error;
    if (outcome.memoryMB !== undefined) result.memoryMB = outcome.memoryMB;
    return result;
  }

  async getFunction(name: string, signal?: AbortSignal): Promise<FunctionInfo | undefined> {
    throwIfAborted(signal);
    try {
      return infoOf(await this.runtime.get(name));
    } catch (e) {
      if (e instanceof StudioError && e.code === 'FunctionNotFound') return undefined;
      throw e;
    }
  }

  /**
   * The local environment runs the project's folders in place, so deploying is a hot reload: the
   * function's processes are replaced and the next invocation runs the code as it is on disk.
   */
  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    throwIfAborted(signal);
    const def = await this.runtime.get(request.name);
    if (resolve(def.folder) !== resolve(request.folder)) {
      throw new StudioError('InvalidArgument', `The local environment runs "${request.name}" from ${def.folder}, not ${request.folder}.`);
    }
    request.onStage?.('update');
    const reloaded = await this.runtime.reload(request.name);
    return {
      action: 'reloaded',
      status: reloaded.status,
      uploaded: false,
      record: { contentHash: request.package.contentHash, deployedAt: Date.now() },
      warnings: [],
    };
  }

  watch(listener: (change: FunctionsChange) => void): { dispose(): void } {
    const watch = this.runtime.watch(listener);
    const handle = {
      dispose: () => {
        this.watches.delete(handle);
        watch.dispose();
      },
    };
    this.watches.add(handle);
    return handle;
  }

  async startDebug(name: string, signal?: AbortSignal): Promise<FunctionDebugTarget> {
    throwIfAborted(signal);
    const session = await this.runtime.startDebug(name);
    if (signal?.aborted) {
      await this.runtime.stopDebug(name);
      throwIfAborted(signal);
    }
    return { functionName: session.functionName, port: session.port, url: session.url };
  }

  stopDebug(name: string): Promise<void> {
    return this.runtime.stopDebug(name);
  }

  /** Ends every watch; the runtime itself belongs to the environment. */
  dispose(): void {
    for (const watch of [...this.watches]) watch.dispose();
  }
}
