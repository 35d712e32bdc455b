/**
 * The environment process's side of the editor's endpoint (see studio-protocol.ts): the backend
 * calls a window makes, run by LocalBackend next to the engine, and one event stream per window.
 * Only the calls listed in METHODS exist; everything arrives as JSON and is checked by the backend.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StorageSource } from '../backend';
import { StudioError, messageOf } from '../../shared/errors';
import type { JsonObject, JsonValue, LogEntry } from '../../shared/model';
import type { HttpRoute } from '../../emulator/server/index';
import { isJsonContentType } from '../../emulator/server/admin-route';
import type { WriteEvent } from '../../emulator/process/write-events';
import type { WeChatChange } from '../../shared/wechat';
import type { LocalBackend } from './local-backend';
import { EVENTS_PATH, RPC_PATH, TOKEN_HEADER, type EncodedBytes, type EnvironmentDescription, type RpcReply, type RpcRequest, type StudioEventName } from './studio-protocol';

const MAX_RPC_BYTES = 256 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

type Method = (backend: LocalBackend, params: unknown[], signal: AbortSignal) => Promise<unknown>;

function need<T>(value: T | undefined, area: string): T {
  if (value === undefined) throw new StudioError('NotSupported', `The local environment offers no ${area}.`);
  return value;
}

function decodeSource(value: unknown): StorageSource {
  const source = value as { localPath?: unknown; base64?: unknown } | null;
  if (source && typeof source.localPath === 'string') return { localPath: source.localPath };
  if (source && typeof source.base64 === 'string') return { data: Buffer.from(source.base64, 'base64') };
  throw new StudioError('InvalidArgument', 'An upload needs a localPath or base64 data.');
}

const str = (v: unknown): string => v as string;

/** Backend calls by name; each takes the contract's arguments in order, the signal last. */
const METHODS: Record<string, Method> = {
  'database.listCollections': (b, [page], s) => b.database.listCollections(page as never, s),
  'database.createCollection': (b, [name], s) => b.database.createCollection(str(name), s),
  'database.deleteCollection': (b, [name], s) => b.database.deleteCollection(str(name), s),
  'database.queryDocuments': (b, [c, query, page], s) => b.database.queryDocuments(str(c), query as never, page as never, s),
  'database.countDocuments': (b, [c, filter], s) => b.database.countDocuments(str(c), (filter ?? undefined) as JsonObject | undefined, s),
  'database.getDocument': async (b, [c, id], s) => (await b.database.getDocument(str(c), str(id), s)) ?? null,
  'database.insertDocuments': (b, [c, docs], s) => b.database.insertDocuments(str(c), docs as JsonObject[], s),
  'database.updateDocuments': (b, [c, f, u, o], s) => b.database.updateDocuments(str(c), f as JsonObject, u as JsonObject, o as never, s),
  'database.deleteDocuments': (b, [c, f, o], s) => b.database.deleteDocuments(str(c), f as JsonObject, o as never, s),
  'database.listIndexes': (b, [c], s) => b.database.listIndexes(str(c), s),
  'database.createIndex': (b, [c, spec], s) => b.database.createIndex(str(c), spec as never, s),
  'database.dropIndex': (b, [c, name], s) => b.database.dropIndex(str(c), str(name), s),
  'database.getPermission': (b, [c], s) => need(b.database.getPermission, 'permissions').call(b.database, str(c), s),
  'database.setPermission': (b, [c, p], s) => need(b.database.setPermission, 'permissions').call(b.database, str(c), p as never, s),

  'storage.list': (b, [prefix, page], s) => need(b.storage, 'storage').list(str(prefix), page as never, s),
  'storage.stat': async (b, [path], s) => (await need(b.storage, 'storage').stat(str(path), s)) ?? null,
  'storage.upload': (b, [path, source, options], s) => need(b.storage, 'storage').upload(str(path), decodeSource(source), options as never, s),
  'storage.download': (b, [path, localPath], s) => need(b.storage, 'storage').download(str(path), str(localPath), s),
  'storage.readFile': async (b, [path], s): Promise<EncodedBytes> => ({ base64: Buffer.from(await need(b.storage, 'storage').readFile(str(path), s)).toString('base64') }),
  'storage.delete': (b, [paths], s) => need(b.storage, 'storage').delete(paths as string[], s),
  'storage.listFiles': (b, [prefix], s) => need(b.storage, 'storage').listFiles(str(prefix), s),
  'storage.createFolder': (b, [prefix], s) => need(b.storage, 'storage').createFolder(str(prefix), s),
  'storage.getTemporaryUrl': (b, [path, maxAge], s) => need(b.storage, 'storage').getTemporaryUrl(str(path), (maxAge ?? undefined) as number | undefined, s),

  'functions.listFunctions': (b, [page], s) => need(b.functions, 'functions').listFunctions(page as never, s),
  'functions.getFunction': async (b, [name], s) => (await need(b.functions, 'functions').getFunction(str(name), s)) ?? null,
  'functions.invoke': (b, [name, event], s) => need(b.functions, 'functions').invoke(str(name), event as JsonValue, s),
  'functions.startDebug': (b, [name], s) => need(b.functions, 'functions').startDebug(str(name), s),
  'functions.stopDebug': (b, [name]) => need(b.functions, 'functions').stopDebug(str(name)),
  // A local deploy is a hot reload of the folder in place: only the name, folder and hash matter.
  'functions.deploy': (b, [request], s) => {
    const r = request as { name: string; folder: string; contentHash: string };
    return need(b.functions, 'functions').deploy({ name: r.name, folder: r.folder, settings: {} as never, package: { contentHash: r.contentHash } as never }, s);
  },

  'wechat.listUsers': (b, [], s) => need(b.wechat, 'WeChat users').listUsers(s),
  'wechat.createUser': (b, [user], s) => need(b.wechat, 'WeChat users').createUser(user as never, s),
  'wechat.deleteUser': (b, [openId], s) => need(b.wechat, 'WeChat users').deleteUser(str(openId), s),
  'wechat.setCurrentUser': (b, [openId], s) => need(b.wechat, 'WeChat users').setCurrentUser((openId ?? undefined) as string | undefined, s),
  'wechat.readInbox': (b, [openId], s) => need(b.wechat, 'WeChat users').readInbox(str(openId), s),
  'wechat.listTemplates': (b, [], s) => need(b.wechat, 'WeChat users').listTemplates(s),
  'wechat.subscribeUser': (b, [openId, templateId, kind], s) => need(b.wechat, 'WeChat users').subscribeUser(str(openId), str(templateId), kind as never, s),

  'logs.query': (b, [filter], s) => need(b.logs, 'logs').query(filter as never, s),

  'payments.listOrders': (b, [], s) => need(b.payments, 'payments').listOrders(s),
  'payments.pay': (b, [outTradeNo], s) => need(b.payments, 'payments').pay(str(outTradeNo), s),
  'payments.fail': (b, [outTradeNo], s) => need(b.payments, 'payments').fail(str(outTradeNo), s),
};

function tokenMatches(expected: Buffer, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RPC_BYTES) {
        request.destroy();
        reject(new StudioError('DocumentTooLarge', `A call may carry at most ${MAX_RPC_BYTES} bytes.`));
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(new StudioError('InvalidJson', `The call is not valid JSON: ${messageOf(e)}`));
      }
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, reply: RpcReply): void {
  const text = JSON.stringify(reply);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  response.end(text);
}

function errorReply(e: unknown): RpcReply {
  const code = e instanceof StudioError ? e.code : 'Internal';
  return { error: { code, message: messageOf(e) } };
}

export interface StudioEndpointOptions {
  token: string;
  describe(): EnvironmentDescription;
  /** Asked to stop the whole environment (the editor's Stop). */
  shutdown(): void;
  /** The editor's `cloudbase.local.timersPaused` setting, sent by every window that attaches. */
  setTimersPaused(paused: boolean): void;
  /** Saves a named snapshot of the running environment's state (see src/emulator/snapshots). */
  saveSnapshot?(name: string): Promise<unknown>;
  /** The number of windows holding the event stream changed. */
  onAttachedChange?(count: number): void;
}

export class StudioEndpoint {
  private backend?: LocalBackend;
  private readonly token: Buffer;
  private readonly streams = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: StudioEndpointOptions) {
    this.token = Buffer.from(options.token, 'utf8');
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get attached(): number {
    return this.streams.size;
  }

  /** Called once the environment runs; calls before that are answered "starting". */
  serve(
    backend: LocalBackend,
    events: { onLog(listener: (entry: LogEntry) => void): void; onWrite(listener: (event: WriteEvent) => void): void; onWeChat?(listener: (change: WeChatChange) => void): void },
  ): void {
    this.backend = backend;
    events.onLog((entry) => this.broadcast('log', entry));
    events.onWrite((event) => this.broadcast('database', event));
    events.onWeChat?.((change) => this.broadcast('wechat', change));
    backend.functions?.watch((change) => this.broadcast('functions', change));
  }

  routes(): HttpRoute[] {
    return [
      { method: 'POST', path: RPC_PATH, handle: (request, response) => this.call(request, response) },
      { method: 'GET', path: EVENTS_PATH, handle: async (request, response) => this.stream(request, response) },
    ];
  }

  /** Ends every event stream (the process is stopping). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const response of [...this.streams]) response.end();
    this.streams.clear();
  }

  private authorized(request: IncomingMessage, response: ServerResponse): boolean {
    if (tokenMatches(this.token, request.headers[TOKEN_HEADER])) return true;
    request.resume();
    send(response, 401, { error: { code: 'Unauthorized', message: 'This endpoint needs the environment token.' } });
    return false;
  }

  private async call(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.authorized(request, response)) return;
    if (!isJsonContentType(request.headers['content-type'])) {
      request.resume();
      send(response, 415, { error: { code: 'InvalidArgument', message: 'Calls are application/json.' } });
      return;
    }
    const controller = new AbortController();
    // The caller went away before the answer: its call is cancelled (an invocation stops).
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    let reply: RpcReply;
    try {
      const body = (await readJson(request)) as Partial<RpcRequest> | null;
      const method = typeof body?.method === 'string' ? body.method : '';
      const params = Array.isArray(body?.params) ? body.params : [];
      reply = { result: (await this.run(method, params, controller.signal)) ?? null };
    } catch (e) {
      reply = errorReply(e);
    }
    if (!response.destroyed) send(response, 200, reply);
  }

  private async run(method: string, params: unknown[], signal: AbortSignal): Promise<unknown> {
    if (method === 'environment.describe') return this.options.describe();
    if (method === 'environment.setTimersPaused') {
      this.options.setTimersPaused(params[0] === true);
      return null;
    }
    if (method === 'environment.saveSnapshot') {
      if (!this.options.saveSnapshot || !this.backend) throw new StudioError('EnvironmentNotFound', 'The local environment is still starting.');
      return this.options.saveSnapshot(str(params[0]));
    }
    if (method === 'environment.shutdown') {
      setImmediate(() => this.options.shutdown());
      return null;
    }
    const run = Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
    if (!run) throw new StudioError('UnknownAction', `Unknown call "${method}".`);
    if (!this.backend) throw new StudioError('EnvironmentNotFound', 'The local environment is still starting.');
    return run(this.backend, params, signal);
  }

  private stream(request: IncomingMessage, response: ServerResponse): void {
    if (!this.authorized(request, response)) return;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': attached\n\n');
    this.streams.add(response);
    this.options.onAttachedChange?.(this.streams.size);
    response.on('close', () => {
      if (this.streams.delete(response)) this.options.onAttachedChange?.(this.streams.size);
    });
  }

  private broadcast(event: StudioEventName, data: unknown): void {
    this.broadcastRaw(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private broadcastRaw(text: string): void {
    for (const response of this.streams) response.write(text);
  }
}
