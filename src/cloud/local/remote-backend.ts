/**
 * The backend contract over a window's connection to its project's environment process: every
 * call is the same call on LocalBackend inside that process, so the two behave alike by
 * construction. Events (logs, functions, database writes) come over the one event stream.
 */
import { basename } from 'node:path';
import type {
  CloudBackend,
  DatabaseApi,
  DeployOutcome,
  DeployRequest,
  FunctionDebugTarget,
  FunctionsApi,
  FunctionsChange,
  LogQuery,
  LogsApi,
  PaymentCallbackOutcome,
  PaymentOrderInfo,
  PaymentsApi,
  StorageApi,
  StorageSource,
  WeChatApi,
} from '../backend';
import type { InboxMessage, NewWeChatUser, WeChatChange, WeChatSubscriptionKind, WeChatTemplateInfo, WeChatUser, WeChatUserList } from '../../shared/wechat';
import type {
  CollectionInfo,
  CollectionPermission,
  DocumentJson,
  DocumentQuery,
  EnvironmentInfo,
  FunctionInfo,
  IndexInfo,
  IndexSpec,
  InvokeResult,
  JsonObject,
  JsonValue,
  LogEntry,
  Page,
  PageRequest,
  StorageEntry,
  UpdateResult,
} from '../../shared/model';
import { throwIfAborted } from '../../shared/errors';
import { localEnvironmentKey } from '../../shared/environmentKeys';
import { fileIdOf } from '../../emulator/storage/fileIds';
import { checkFileKey } from '../../project/storage-paths';
import type { WriteEvent } from '../../emulator/process/write-events';
import type { StudioClient } from './studio-client';
import type { EncodedBytes } from './studio-protocol';

/** A tail that falls this far behind loses its oldest unread entries (as LocalLogsApi does). */
const TAIL_BUFFER_ENTRIES = 10_000;

type Listener<T> = (value: T) => void;

/** Fans the event stream out to the backend's areas. */
export class EventHub {
  readonly logs = new Set<Listener<LogEntry>>();
  readonly functions = new Set<Listener<FunctionsChange>>();
  readonly database = new Set<Listener<WriteEvent>>();
  readonly wechat = new Set<Listener<WeChatChange>>();

  dispatch(event: string, data: unknown): void {
    const set = event === 'log' ? this.logs : event === 'functions' ? this.functions : event === 'database' ? this.database : event === 'wechat' ? this.wechat : undefined;
    for (const listener of [...(set ?? [])]) (listener as Listener<unknown>)(data);
  }
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

class RemoteDatabaseApi implements DatabaseApi {
  constructor(private readonly client: StudioClient) {}
  private call<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    return this.client.call<T>(`database.${method}`, params, signal);
  }
  listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>> {
    return this.call('listCollections', [page], signal);
  }
  createCollection(name: string, signal?: AbortSignal): Promise<void> {
    return this.call('createCollection', [name], signal);
  }
  deleteCollection(name: string, signal?: AbortSignal): Promise<void> {
    return this.call('deleteCollection', [name], signal);
  }
  queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>> {
    return this.call('queryDocuments', [collection, query, page], signal);
  }
  countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number> {
    return this.call('countDocuments', [collection, filter ?? null], signal);
  }
  async getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined> {
    return orUndefined(await this.call<DocumentJson | null>('getDocument', [collection, id], signal));
  }
  insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]> {
    return this.call('insertDocuments', [collection, documents], signal);
  }
  updateDocuments(collection: string, filter: JsonObject, update: JsonObject, options: { multi: boolean; upsert?: boolean }, signal?: AbortSignal): Promise<UpdateResult> {
    return this.call('updateDocuments', [collection, filter, update, options], signal);
  }
  deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number> {
    return this.call('deleteDocuments', [collection, filter, options], signal);
  }
  listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]> {
    return this.call('listIndexes', [collection], signal);
  }
  createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo> {
    return this.call('createIndex', [collection, spec], signal);
  }
  dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void> {
    return this.call('dropIndex', [collection, name], signal);
  }
  getPermission(collection: string, signal?: AbortSignal): Promise<CollectionPermission> {
    return this.call('getPermission', [collection], signal);
  }
  setPermission(collection: string, permission: CollectionPermission, signal?: AbortSignal): Promise<void> {
    return this.call('setPermission', [collection, permission], signal);
  }
}

async function encodeSource(source: StorageSource): Promise<{ localPath: string } | EncodedBytes> {
  if ('localPath' in source) return { localPath: source.localPath };
  if ('data' in source) return { base64: Buffer.from(source.data).toString('base64') };
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream) chunks.push(Buffer.from(chunk));
  return { base64: Buffer.concat(chunks).toString('base64') };
}

class RemoteStorageApi implements StorageApi {
  constructor(
    private readonly client: StudioClient,
    private readonly envId: string,
  ) {}
  private call<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    return this.client.call<T>(`storage.${method}`, params, signal);
  }
  list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>> {
    return this.call('list', [prefix, page], signal);
  }
  async stat(path: string, signal?: AbortSignal): Promise<StorageEntry | undefined> {
    return orUndefined(await this.call<StorageEntry | null>('stat', [path], signal));
  }
  async upload(path: string, source: StorageSource, options: { overwrite: boolean }, signal?: AbortSignal): Promise<StorageEntry> {
    throwIfAborted(signal);
    return this.call('upload', [path, await encodeSource(source), options], signal);
  }
  /** The process runs on this machine: it writes the file itself. */
  download(path: string, localPath: string, signal?: AbortSignal): Promise<StorageEntry> {
    return this.call('download', [path, localPath], signal);
  }
  async readFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    const encoded = await this.call<EncodedBytes>('readFile', [path], signal);
    return Buffer.from(encoded.base64, 'base64');
  }
  delete(paths: string[], signal?: AbortSignal): Promise<number> {
    return this.call('delete', [paths], signal);
  }
  listFiles(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return this.call('listFiles', [prefix], signal);
  }
  createFolder(prefix: string, signal?: AbortSignal): Promise<void> {
    return this.call('createFolder', [prefix], signal);
  }
  getTemporaryUrl(path: string, maxAgeSeconds?: number, signal?: AbortSignal): Promise<string> {
    return this.call('getTemporaryUrl', [path, maxAgeSeconds ?? null], signal);
  }
  fileId(path: string): string {
    return fileIdOf(this.envId, checkFileKey(path));
  }
}

class RemoteFunctionsApi implements FunctionsApi {
  constructor(
    private readonly client: StudioClient,
    private readonly hub: EventHub,
  ) {}
  private call<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    return this.client.call<T>(`functions.${method}`, params, signal);
  }
  listFunctions(page: PageRequest, signal?: AbortSignal): Promise<Page<FunctionInfo>> {
    return this.call('listFunctions', [page], signal);
  }
  async getFunction(name: string, signal?: AbortSignal): Promise<FunctionInfo | undefined> {
    return orUndefined(await this.call<FunctionInfo | null>('getFunction', [name], signal));
  }
  invoke(name: string, event: JsonValue, signal?: AbortSignal): Promise<InvokeResult> {
    return this.call('invoke', [name, event], signal);
  }
  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    throwIfAborted(signal);
    request.onStage?.('update');
    return this.call('deploy', [{ name: request.name, folder: request.folder, contentHash: request.package.contentHash }], signal);
  }
  watch(listener: (change: FunctionsChange) => void): { dispose(): void } {
    this.hub.functions.add(listener);
    return { dispose: () => this.hub.functions.delete(listener) };
  }
  startDebug(name: string, signal?: AbortSignal): Promise<FunctionDebugTarget> {
    return this.call('startDebug', [name], signal);
  }
  stopDebug(name: string): Promise<void> {
    return this.call('stopDebug', [name]);
  }
}

class RemoteLogsApi implements LogsApi {
  constructor(
    private readonly client: StudioClient,
    private readonly hub: EventHub,
  ) {}

  async *tail(filter: { functionName?: string }, signal: AbortSignal): AsyncIterable<LogEntry[]> {
    let pending: LogEntry[] = [];
    let wake: (() => void) | undefined;
    const listener = (entry: LogEntry): void => {
      if (filter.functionName !== undefined && entry.functionName !== filter.functionName) return;
      pending.push(entry);
      if (pending.length > TAIL_BUFFER_ENTRIES) pending.splice(0, pending.length - TAIL_BUFFER_ENTRIES);
      wake?.();
    };
    this.hub.logs.add(listener);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (signal.aborted) break;
        const batch = pending;
        pending = [];
        if (batch.length > 0) yield batch;
      }
    } finally {
      this.hub.logs.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  query(filter: LogQuery, signal?: AbortSignal): Promise<LogEntry[]> {
    return this.client.call('logs.query', [filter], signal);
  }
}

class RemoteWeChatApi implements WeChatApi {
  constructor(
    private readonly client: StudioClient,
    private readonly hub: EventHub,
  ) {}
  /** Hears every change of the users and every message delivered, whoever caused it. */
  onChange(listener: (change: WeChatChange) => void): { dispose(): void } {
    this.hub.wechat.add(listener);
    return { dispose: () => this.hub.wechat.delete(listener) };
  }
  private call<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    return this.client.call<T>(`wechat.${method}`, params, signal);
  }
  listUsers(signal?: AbortSignal): Promise<WeChatUserList> {
    return this.call('listUsers', [], signal);
  }
  createUser(user: NewWeChatUser, signal?: AbortSignal): Promise<WeChatUser> {
    return this.call('createUser', [user], signal);
  }
  deleteUser(openId: string, signal?: AbortSignal): Promise<void> {
    return this.call('deleteUser', [openId], signal);
  }
  setCurrentUser(openId: string | undefined, signal?: AbortSignal): Promise<void> {
    return this.call('setCurrentUser', [openId ?? null], signal);
  }
  readInbox(openId: string, signal?: AbortSignal): Promise<InboxMessage[]> {
    return this.call('readInbox', [openId], signal);
  }
  subscribeUser(openId: string, templateId: string, kind: WeChatSubscriptionKind, signal?: AbortSignal): Promise<WeChatUser> {
    return this.call('subscribeUser', [openId, templateId, kind], signal);
  }
  listTemplates(signal?: AbortSignal): Promise<WeChatTemplateInfo[]> {
    return this.call('listTemplates', [], signal);
  }
}

export interface RemoteBackendOptions {
  client: StudioClient;
  hub: EventHub;
  envId: string;
  projectRoot: string;
  /** Detaches this window (the process goes on for others). */
  dispose: () => Promise<void>;
}

class RemotePaymentsApi implements PaymentsApi {
  constructor(private readonly client: StudioClient) {}
  listOrders(signal?: AbortSignal): Promise<PaymentOrderInfo[]> {
    return this.client.call('payments.listOrders', [], signal);
  }
  pay(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo; callback?: PaymentCallbackOutcome }> {
    return this.client.call('payments.pay', [outTradeNo], signal);
  }
  fail(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo }> {
    return this.client.call('payments.fail', [outTradeNo], signal);
  }
}

export class RemoteLocalBackend implements CloudBackend {
  readonly environment: EnvironmentInfo;
  readonly database: RemoteDatabaseApi;
  readonly storage: RemoteStorageApi;
  readonly functions: RemoteFunctionsApi;
  readonly logs: RemoteLogsApi;
  readonly payments: RemotePaymentsApi;
  readonly wechat: RemoteWeChatApi;
  private disposing?: Promise<void>;

  constructor(private readonly options: RemoteBackendOptions) {
    this.environment = {
      key: localEnvironmentKey(options.projectRoot),
      kind: 'local',
      envId: options.envId,
      label: basename(options.projectRoot) || options.envId,
      projectRoot: options.projectRoot,
    };
    this.database = new RemoteDatabaseApi(options.client);
    this.storage = new RemoteStorageApi(options.client, options.envId);
    this.functions = new RemoteFunctionsApi(options.client, options.hub);
    this.logs = new RemoteLogsApi(options.client, options.hub);
    this.payments = new RemotePaymentsApi(options.client);
    this.wechat = new RemoteWeChatApi(options.client, options.hub);
  }

  /** Hears every database write the process made, whoever asked for it. */
  onDatabaseWrite(listener: (event: WriteEvent) => void): { dispose(): void } {
    this.options.hub.database.add(listener);
    return { dispose: () => this.options.hub.database.delete(listener) };
  }

  dispose(): Promise<void> {
    this.disposing ??= this.options.dispose();
    return this.disposing;
  }
}
