/**
 * Cloud function actions (tcb ListFunctions; scf GetFunction, Invoke, CreateFunction,
 * UpdateFunctionCode, UpdateFunctionConfiguration, GetFunctionAddress, DeleteFunction,
 * BatchCreateTrigger; tcb DescribeCloudBaseGWAPI, which deleting asks first). A deployed zip is
 * unpacked into the environment's `cloudfunctions/<name>/` and its settings written to the
 * environment's cloudbaserc.json, so Invoke runs it in the local function runtime. Creating and updating pass through Creating / Updating before Active, like SCF.
 * Code downloads are served by a small HTTP server of their own on 127.0.0.1.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { extractZip } from '../../../../src/cloud/deploy/unzip';
import { CloudApiError, num, str, type ActionHandler, type FakeEnvironment, type Params } from './common';

interface FakeTrigger {
  TriggerName: string;
  Type: string;
  TriggerDesc: string;
}

interface FakeFunction {
  name: string;
  status: 'Creating' | 'Updating' | 'Active' | 'CreateFailed' | 'UpdateFailed';
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  variables: { Key: string; Value: string }[];
  installDependency: string;
  triggers: FakeTrigger[];
  zip: Buffer;
  addTime: string;
  modTime: string;
}

/** How long Creating / Updating last; tests may shorten it. */
export const functionTimings = { transitionMs: 200 };

const registry = new WeakMap<FakeEnvironment, Map<string, FakeFunction>>();

function functionsOf(env: FakeEnvironment): Map<string, FakeFunction> {
  let map = registry.get(env);
  if (!map) registry.set(env, (map = new Map()));
  return map;
}

/** scf actions name the environment by Namespace, tcb ones by EnvId. */
function envOf(params: Params, all: FakeEnvironment[]): FakeEnvironment {
  const id = params.Namespace ?? params.EnvId;
  const env = all.find((e) => e.envId === id);
  if (!env) throw new CloudApiError('ResourceNotFound.Namespace', `The namespace ${String(id)} does not exist.`);
  return env;
}

function find(params: Params, all: FakeEnvironment[]): { env: FakeEnvironment; fn: FakeFunction } {
  const env = envOf(params, all);
  const name = str(params, 'FunctionName');
  const fn = functionsOf(env).get(name);
  if (!fn) throw new CloudApiError('ResourceNotFound.Function', `The function ${name} does not exist.`);
  return { env, fn };
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

let codeServer: Promise<{ url: string; files: Map<string, Buffer> }> | undefined;

function codeDownloads(): Promise<{ url: string; files: Map<string, Buffer> }> {
  codeServer ??= new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    const server: Server = createServer((req, res) => {
      const data = files.get(String(req.url).slice(1));
      if (!data) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': data.length }).end(data);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      // Shared by every fake in the process and never closed: it must not keep the process alive.
      server.unref();
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, files });
    });
  });
  return codeServer;
}

function zipOf(params: Params): Buffer {
  const code = (params.Code ?? {}) as { ZipFile?: unknown; CosBucketRegion?: unknown; TempCosObjectName?: unknown };
  if (typeof code.ZipFile === 'string' && code.ZipFile !== '') {
    if (code.ZipFile.length > Math.floor((1.5 * 1024 * 1024 * 4) / 3) + 4) throw new CloudApiError('InvalidParameterValue.ZipFile', 'ZipFile exceeds 1.5 MB; upload through COS.');
    return Buffer.from(code.ZipFile, 'base64');
  }
  if (code.TempCosObjectName !== undefined) throw new CloudApiError('UnsupportedOperation', 'The fake cloud does not take code from COS.');
  throw new CloudApiError('InvalidParameterValue.Code', 'The request has no code.');
}

/** The environment's cloudbaserc.json holds each deployed function's settings for the local runtime. */
async function writeSettings(env: FakeEnvironment): Promise<void> {
  const functions = [...functionsOf(env).values()].map((f) => ({
    name: f.name,
    runtime: f.runtime,
    handler: f.handler,
    timeout: f.timeout,
    memorySize: f.memorySize,
    envVariables: Object.fromEntries(f.variables.map((v) => [v.Key, v.Value])),
  }));
  await fs.writeFile(join(env.local.project.root, 'cloudbaserc.json'), JSON.stringify({ envId: env.envId, functions }, null, 2));
}

/** Unpacks the code (replacing the folder) and restarts warm processes, then settles the state after a while. */
function settle(env: FakeEnvironment, fn: FakeFunction, unpack: boolean): void {
  const failed = fn.status === 'Creating' ? 'CreateFailed' : 'UpdateFailed';
  const work = async (): Promise<void> => {
    if (unpack) {
      const folder = join(env.local.project.functionRoot, fn.name);
      await fs.rm(folder, { recursive: true, force: true });
      await extractZip(fn.zip, folder);
    }
    await writeSettings(env);
    await new Promise((r) => setTimeout(r, functionTimings.transitionMs));
  };
  work().then(
    () => {
      fn.status = 'Active';
    },
    () => {
      fn.status = failed;
    },
  );
}

function detail(env: FakeEnvironment, fn: FakeFunction): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionId: `lam-${createHash('md5').update(env.envId + fn.name).digest('hex').slice(0, 8)}`,
    Namespace: env.envId,
    Runtime: fn.runtime,
    Handler: fn.handler,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    Status: fn.status,
    StatusDesc: '',
    StatusReasons: fn.status.endsWith('Failed') ? [{ ErrorCode: 'UnpackFailed', ErrorMessage: 'The code package could not be unpacked.' }] : [],
    Environment: { Variables: fn.variables },
    Triggers: fn.triggers.map((t) => ({ ...t, Enable: 1, AddTime: fn.addTime, ModTime: fn.modTime })),
    InstallDependency: fn.installDependency,
    CodeSize: fn.zip.length,
    AddTime: fn.addTime,
    ModTime: fn.modTime,
    Type: 'Event',
  };
}

function variablesOf(params: Params): { Key: string; Value: string }[] | undefined {
  const env = params.Environment as { Variables?: { Key?: unknown; Value?: unknown }[] } | undefined;
  return env?.Variables?.map((v) => ({ Key: String(v.Key), Value: String(v.Value ?? '') }));
}

function positive(params: Params, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new CloudApiError('InvalidParameterValue', `Parameter \`${name}\` must be a positive integer.`);
  return v;
}

function assertActive(fn: FakeFunction, what: string): void {
  if (fn.status !== 'Active') throw new CloudApiError('FailedOperation.FunctionStatusError', `The function ${fn.name} is ${fn.status}: ${what} needs it Active.`);
}

/** The SCF tail log of one invocation from the local runtime's entries. */
function tailLog(logs: { message: string }[]): string {
  return logs.map((l) => l.message).join('\n');
}

export const functionActions: Record<string, ActionHandler> = {
  ListFunctions: (params, _env, all) => {
    const env = envOf(params, all);
    const offset = num(params, 'Offset', 0);
    const limit = num(params, 'Limit', 20);
    const fns = [...functionsOf(env).values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      Functions: fns.slice(offset, offset + limit).map((f) => ({
        FunctionName: f.name,
        FunctionId: detail(env, f).FunctionId,
        Namespace: env.envId,
        Runtime: f.runtime,
        Status: f.status,
        AddTime: f.addTime,
        ModTime: f.modTime,
        Description: '',
      })),
      TotalCount: fns.length,
    };
  },

  GetFunction: (params, _env, all) => {
    const { env, fn } = find(params, all);
    return detail(env, fn);
  },

  CreateFunction: async (params, _env, all) => {
    const env = envOf(params, all);
    const name = str(params, 'FunctionName');
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name)) throw new CloudApiError('InvalidParameterValue.FunctionName', `The function name ${name} is invalid.`);
    if (functionsOf(env).has(name)) throw new CloudApiError('ResourceInUse.Function', `The function ${name} already exists.`);
    const zip = zipOf(params);
    const now = stamp();
    const fn: FakeFunction = {
      name,
      status: 'Creating',
      runtime: typeof params.Runtime === 'string' ? params.Runtime : 'Nodejs20.19',
      handler: typeof params.Handler === 'string' ? params.Handler : 'index.main',
      timeout: positive(params, 'Timeout') ?? 3,
      memorySize: positive(params, 'MemorySize') ?? 256,
      variables: variablesOf(params) ?? [],
      installDependency: String(params.InstallDependency ?? 'FALSE'),
      triggers: [],
      zip,
      addTime: now,
      modTime: now,
    };
    functionsOf(env).set(name, fn);
    settle(env, fn, true);
    return {};
  },

  UpdateFunctionCode: (params, _env, all) => {
    const { env, fn } = find(params, all);
    assertActive(fn, 'UpdateFunctionCode');
    fn.zip = zipOf(params);
    if (typeof params.Handler === 'string') fn.handler = params.Handler;
    if (params.InstallDependency !== undefined) fn.installDependency = String(params.InstallDependency);
    fn.status = 'Updating';
    fn.modTime = stamp();
    settle(env, fn, true);
    return {};
  },

  UpdateFunctionConfiguration: (params, _env, all) => {
    const { env, fn } = find(params, all);
    assertActive(fn, 'UpdateFunctionConfiguration');
    fn.timeout = positive(params, 'Timeout') ?? fn.timeout;
    fn.memorySize = positive(params, 'MemorySize') ?? fn.memorySize;
    fn.variables = variablesOf(params) ?? fn.variables;
    fn.status = 'Updating';
    fn.modTime = stamp();
    settle(env, fn, false);
    return {};
  },

  GetFunctionAddress: async (params, _env, all) => {
    const { fn } = find(params, all);
    const downloads = await codeDownloads();
    const token = `${randomUUID()}.zip`;
    downloads.files.set(token, fn.zip);
    return { Url: `${downloads.url}/${token}`, CodeSha256: createHash('sha256').update(fn.zip).digest('hex') };
  },

  // manager-node's deleteFunction first looks for HTTP access paths bound to the function; the fake has none.
  DescribeCloudBaseGWAPI: () => ({ APISet: [], Total: 0 }),

  DeleteFunction: async (params, _env, all) => {
    const { env, fn } = find(params, all);
    functionsOf(env).delete(fn.name);
    await fs.rm(join(env.local.project.functionRoot, fn.name), { recursive: true, force: true });
    await writeSettings(env);
    return {};
  },

  BatchCreateTrigger: (params, _env, all) => {
    const { fn } = find(params, all);
    const raw = params.Triggers;
    const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { TriggerName?: string; Type?: string; TriggerDesc?: string }[];
    if (!Array.isArray(list)) throw new CloudApiError('InvalidParameterValue.Triggers', 'Triggers must be a JSON array.');
    for (const t of list) {
      if (!t.TriggerName || !t.Type) throw new CloudApiError('InvalidParameterValue.Triggers', 'A trigger needs a name and a type.');
      fn.triggers = fn.triggers.filter((x) => x.TriggerName !== t.TriggerName);
      fn.triggers.push({ TriggerName: t.TriggerName, Type: t.Type, TriggerDesc: t.TriggerDesc ?? '' });
    }
    return { Result: fn.triggers };
  },

  Invoke: async (params, _env, all) => {
    const { env, fn } = find(params, all);
    assertActive(fn, 'Invoke');
    let event: unknown = {};
    if (typeof params.ClientContext === 'string' && params.ClientContext !== '') {
      try {
        event = JSON.parse(params.ClientContext);
      } catch {
        throw new CloudApiError('InvalidParameterValue.ClientContext', 'ClientContext is not valid JSON.');
      }
    }
    const outcome = await env.local.functions.invoke(fn.name, event);
    const error = outcome.error ? JSON.stringify({ errorCode: 1, errorMessage: outcome.error.message, stackTrace: outcome.error.stack ?? '' }) : '';
    return {
      Result: {
        FunctionRequestId: outcome.requestId,
        Duration: outcome.durationMs,
        BillDuration: Math.max(1, Math.ceil(outcome.durationMs)),
        MemUsage: Math.round((outcome.memoryMB ?? 0) * 1048576),
        RetMsg: outcome.error ? '' : JSON.stringify(outcome.result ?? null),
        ErrMsg: error,
        Log: tailLog(outcome.logs),
        InvokeResult: outcome.error ? 1 : 0,
      },
    };
  },
};
