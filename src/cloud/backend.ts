/**
 * The one contract the UI talks to. Local and Tencent environments implement it; the extension
 * never reaches past it. Every call takes an AbortSignal; lists come back as cursor pages.
 */
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
  LogQuery,
  Page,
  PageRequest,
  StorageEntry,
  UpdateResult,
} from '../shared/model';
import type { InboxMessage, NewWeChatUser, WeChatChange, WeChatSubscriptionKind, WeChatTemplateInfo, WeChatUser, WeChatUserList } from '../shared/wechat';

export type { LogQuery };
import type { DeployWarning, PackedFunction } from './deploy/packager';
import type { DeploySettings } from './deploy/settings';

export interface DatabaseApi {
  listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>>;
  createCollection(name: string, signal?: AbortSignal): Promise<void>;
  deleteCollection(name: string, signal?: AbortSignal): Promise<void>;

  /** Pages follow the query's sort (default `_id` ascending) by cursor, never by skipping. */
  queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>>;
  countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number>;
  getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined>;
  /** Returns the ids of the inserted documents, in order. */
  insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]>;
  /** `update` holds update operators ($set, $inc, …); without operators it replaces the document. */
  updateDocuments(collection: string, filter: JsonObject, update: JsonObject, options: { multi: boolean; upsert?: boolean }, signal?: AbortSignal): Promise<UpdateResult>;
  deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number>;

  listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]>;
  createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo>;
  dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void>;

  /** The collection's security rule (absent where an implementation cannot read it). */
  getPermission?(collection: string, signal?: AbortSignal): Promise<CollectionPermission>;
  setPermission?(collection: string, permission: CollectionPermission, signal?: AbortSignal): Promise<void>;
}

/** What an upload reads: a file on this machine, bytes in memory, or a stream of chunks. */
export type StorageSource = { localPath: string } | { data: Uint8Array } | { stream: AsyncIterable<Uint8Array> };

/**
 * Paths are keys inside the bucket (`a/b.png`); folders end with `/` and `` is the root. Bad
 * paths (`..`, absolute, empty segments, backslashes, control characters) fail with InvalidPath.
 */
export interface StorageApi {
  /** A folder's direct children, folders first, each by name; the cursor is the last path seen. */
  list(prefix: string, page: PageRequest, signal?: AbortSignal): Promise<Page<StorageEntry>>;
  /** A file's details, or undefined when there is none. */
  stat(path: string, signal?: AbortSignal): Promise<StorageEntry | undefined>;
  /** Without `overwrite`, an existing file is refused (FileExists) and stays as it was. */
  upload(path: string, source: StorageSource, options: { overwrite: boolean }, signal?: AbortSignal): Promise<StorageEntry>;
  /** Writes the file to `localPath` (replacing what is there: the caller asked for that place). */
  download(path: string, localPath: string, signal?: AbortSignal): Promise<StorageEntry>;
  readFile(path: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Files and folders (with everything in them); returns how many files were deleted. */
  delete(paths: string[], signal?: AbortSignal): Promise<number>;
  /** Every file path under a folder, at any depth. */
  listFiles(prefix: string, signal?: AbortSignal): Promise<string[]>;
  createFolder(prefix: string, signal?: AbortSignal): Promise<void>;
  /** A URL anyone can GET until it expires; `maxAgeSeconds` defaults to two hours. */
  getTemporaryUrl(path: string, maxAgeSeconds?: number, signal?: AbortSignal): Promise<string>;
  fileId(path: string): string;
}

/** Function names whose folders appeared, disappeared, or whose code or settings changed. */
export interface FunctionsChange {
  added: string[];
  removed: string[];
  changed: string[];
}

/** A function process waiting for a debugger: the Node inspector on 127.0.0.1. */
export interface FunctionDebugTarget {
  functionName: string;
  port: number;
  /** ws://127.0.0.1:<port>/<id> */
  url: string;
}

/** Deploy stages in the order they happen; a deploy reports those it goes through. */
export type DeployStage = 'pack' | 'upload' | 'create' | 'update' | 'configure' | 'wait';

/** What this project last deployed to one environment's function; the caller keeps it between deploys. */
export interface DeployRecord {
  /** The package's content hash (paths and bytes, see packFunction). */
  contentHash: string;
  /** The cloud's CodeSha256 of the code right after that deploy, to notice changes made elsewhere. */
  codeSha256?: string;
  deployedAt: number;
}

export interface DeployRequest {
  name: string;
  /** The function's folder on this machine. */
  folder: string;
  settings: DeploySettings;
  package: PackedFunction;
  previous?: DeployRecord;
  onStage?: (stage: DeployStage) => void;
  /**
   * Asked before replacing deployed code that changed since `previous` (someone deployed from
   * elsewhere); rejecting stops the deploy. Without it the deploy goes on and says so in a warning.
   */
  confirmOverwrite?: () => Promise<void>;
}

export interface DeployOutcome {
  /** `unchanged`: nothing was uploaded or changed; `configured`: only settings changed; `reloaded`: a local hot reload. */
  action: 'created' | 'updated' | 'configured' | 'unchanged' | 'reloaded';
  /** The function's state at the end (e.g. Active). */
  status: string;
  uploaded: boolean;
  record: DeployRecord;
  warnings: DeployWarning[];
  /** The request ID of the last call that changed something, for the log. */
  requestId?: string;
}

export interface DeployedCode {
  zip: Uint8Array;
  codeSha256?: string;
}

export interface FunctionsApi {
  listFunctions(page: PageRequest, signal?: AbortSignal): Promise<Page<FunctionInfo>>;
  /** One function's details, or undefined when there is none. */
  getFunction?(name: string, signal?: AbortSignal): Promise<FunctionInfo | undefined>;
  /** Creates or updates the function from a package; uploads nothing when `previous` shows the same code is deployed. */
  deploy?(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome>;
  /** The deployed package, for comparing with the folder. */
  getDeployedCode?(name: string, signal?: AbortSignal): Promise<DeployedCode>;
  /** Rejects only for bad input (unknown function, an event that is not JSON) and cancellation; the function's own failure is `error`. */
  invoke(name: string, event: JsonValue, signal?: AbortSignal): Promise<InvokeResult>;
  /** Local environments: reports functions added, removed or edited on disk until disposed. */
  watch?(listener: (change: FunctionsChange) => void): { dispose(): void };
  /** Local environments: runs the function's invocations under the inspector, without a time limit, until stopDebug. */
  startDebug?(name: string, signal?: AbortSignal): Promise<FunctionDebugTarget>;
  stopDebug?(name: string): Promise<void>;
}

export interface LogsApi {
  /**
   * True when `tail` may repeat entries that `query` already returned (a poller whose first
   * window reaches back before the tail started); a reader that loads history first drops them.
   */
  readonly overlapping?: boolean;
  /** Streams entries until the signal aborts. */
  tail(filter: { functionName?: string }, signal: AbortSignal, hooks?: TailHooks): AsyncIterable<LogEntry[]>;
  /** Kept entries, oldest first: the most recent `limit` of those matching (time bounds inclusive, ms). */
  query(filter: LogQuery, signal?: AbortSignal): Promise<LogEntry[]>;
}

/** What a tail tells its reader besides entries. */
export interface TailHooks {
  /**
   * A service that is polled (not pushing) was just asked: `at` in ms since the epoch, and the
   * pause before the next poll (0: the tail ends).
   */
  onPolled?(poll: { at: number; nextInMs: number }): void;
}

/** A simulated WeChat Pay order of a local environment (`cloud.cloudPay.unifiedOrder`). */
export interface PaymentOrderInfo {
  outTradeNo: string;
  body: string;
  /** Fen. */
  totalFee: number;
  /** WeChat Pay's trade_state: NOTPAY, SUCCESS, PAYERROR, CLOSED, REFUND. */
  state: string;
  /** The payment result callback function. */
  functionName: string;
  /** ISO times. */
  createdAt: string;
  paidAt?: string;
  transactionId?: string;
  /** Fen refunded so far. */
  refundedFee: number;
}

/** What a callback function answered WeChat Pay's notification with. */
export interface PaymentCallbackOutcome {
  functionName: string;
  errcode?: number;
  errmsg?: string;
  /** The invocation failed, or the answer was not `{ errcode, errmsg }`. */
  error?: string;
}

/** Local environments: the user's side of a WeChat Pay payment, which nobody performs locally. */
export interface PaymentsApi {
  /** Oldest first. */
  listOrders(signal?: AbortSignal): Promise<PaymentOrderInfo[]>;
  /** Pays an unpaid order, then runs its callback function with the payment result event. */
  pay(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo; callback?: PaymentCallbackOutcome }>;
  /** Fails an unpaid order (PAYERROR); no function runs, as with WeChat Pay. */
  fail(outTradeNo: string, signal?: AbortSignal): Promise<{ order: PaymentOrderInfo }>;
}

/** Local environments: the simulated WeChat users functions run as, and what functions sent them. */
export interface WeChatApi {
  listUsers(signal?: AbortSignal): Promise<WeChatUserList>;
  createUser(user: NewWeChatUser, signal?: AbortSignal): Promise<WeChatUser>;
  deleteUser(openId: string, signal?: AbortSignal): Promise<void>;
  /** The next invocations run as this user; undefined: as the environment's default caller. */
  setCurrentUser(openId: string | undefined, signal?: AbortSignal): Promise<void>;
  /** The user's messages, oldest first. */
  readInbox(openId: string, signal?: AbortSignal): Promise<InboxMessage[]>;
  /** The user accepts a template, as wx.requestSubscribeMessage would record: one more subscribe message, or long-term. */
  subscribeUser(openId: string, templateId: string, kind: WeChatSubscriptionKind, signal?: AbortSignal): Promise<WeChatUser>;
  /** The project's message templates, by id. */
  listTemplates(signal?: AbortSignal): Promise<WeChatTemplateInfo[]>;
  /** Environments in their own process: hears the users change and messages arrive, whoever caused it. */
  onChange?(listener: (change: WeChatChange) => void): { dispose(): void };
}

/** One environment's services. Areas that an implementation does not offer yet are absent. */
export interface CloudBackend {
  readonly environment: EnvironmentInfo;
  readonly database: DatabaseApi;
  readonly storage?: StorageApi;
  readonly functions?: FunctionsApi;
  readonly logs?: LogsApi;
  readonly payments?: PaymentsApi;
  readonly wechat?: WeChatApi;
  dispose(): Promise<void>;
}
