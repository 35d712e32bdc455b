/**
 * The backend of a project's local environment. It talks to the engine in-process (no HTTP), so
 * lists page by cursor over the engine's own order and documents never lose precision on the way.
 */
import { basename } from 'node:path';
import type { CloudBackend, DatabaseApi, LogsApi } from '../backend';
import { LocalPaymentsApi } from './payments-api';
import { throwIfAborted } from '../../shared/errors';
import { localEnvironmentKey } from '../../shared/environmentKeys';
import type {
  CollectionInfo,
  CollectionPermission,
  DocumentJson,
  DocumentQuery,
  EnvironmentInfo,
  IndexInfo,
  IndexSpec,
  JsonObject,
  Page,
  PageRequest,
  UpdateResult,
} from '../../shared/model';
import type { Database } from '../../emulator/database/api';
import type { FunctionRuntime } from '../../emulator/functions/index';
import { fromDocumentJson, toDocumentJson } from './document-json';
import { LocalFunctionsApi } from './functions-api';
import { LocalLogsApi } from './logs-api';
import { LocalStorageApi } from './storage-api';
import type { LocalStorage } from '../../emulator/storage/index';
import type { WeChatUsers } from '../../emulator/wechat/index';
import { LocalWeChatApi } from './wechat-api';
import { checkPage, decodeNameCursor, encodeNameCursor } from './paging';

/** Runs one engine call between two cancellation checks: a result that arrives after abort is dropped. */
async function guarded<T>(signal: AbortSignal | undefined, call: () => T | Promise<T>): Promise<T> {
  throwIfAborted(signal);
  const result = await call();
  throwIfAborted(signal);
  return result;
}

export class LocalDatabaseApi implements DatabaseApi {
  constructor(private readonly db: Database) {}

  listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>> {
    return guarded(signal, () => {
      checkPage(page);
      const after = page.cursor === undefined ? undefined : decodeNameCursor(page.cursor);
      const all = [...this.db.listCollections()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const rest = after === undefined ? all : all.filter((c) => c.name > after);
      const items = rest.slice(0, page.limit);
      const more = rest.length > items.length;
      return { items, nextCursor: more ? encodeNameCursor(items[items.length - 1].name) : undefined };
    });
  }

  createCollection(name: string, signal?: AbortSignal): Promise<void> {
    return guarded(signal, async () => {
      await this.db.createCollection(name);
    });
  }

  deleteCollection(name: string, signal?: AbortSignal): Promise<void> {
    return guarded(signal, () => this.db.dropCollection(name));
  }

  queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>> {
    return guarded(signal, () => {
      checkPage(page);
      const filter = query.filter ? fromDocumentJson(query.filter, 'filter') : {};
      const result = this.db.collection(collection).find(filter, {
        sort: query.sort,
        projection: query.projection,
        limit: page.limit,
        after: page.cursor,
      });
      return { items: result.documents.map(toDocumentJson), nextCursor: result.nextCursor };
    });
  }

  countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number> {
    return guarded(signal, () => this.db.collection(collection).count(filter ? fromDocumentJson(filter, 'filter') : {}));
  }

  getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined> {
    return guarded(signal, () => {
      const [document] = this.db.collection(collection).find({ _id: id }, { limit: 1 }).documents;
      return document ? toDocumentJson(document) : undefined;
    });
  }

  insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]> {
    return guarded(signal, () => {
      const native = documents.map((d, i) => fromDocumentJson(d, `document ${i + 1}`));
      return this.db.collection(collection).insertMany(native);
    });
  }

  updateDocuments(
    collection: string,
    filter: JsonObject,
    update: JsonObject,
    options: { multi: boolean; upsert?: boolean },
    signal?: AbortSignal,
  ): Promise<UpdateResult> {
    return guarded(signal, () =>
      this.db.collection(collection).update(fromDocumentJson(filter, 'filter'), fromDocumentJson(update, 'update'), options),
    );
  }

  deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number> {
    return guarded(signal, () => this.db.collection(collection).remove(fromDocumentJson(filter, 'filter'), options));
  }

  listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]> {
    return guarded(signal, () => this.db.collection(collection).listIndexes());
  }

  createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo> {
    return guarded(signal, () => this.db.collection(collection).createIndex(spec));
  }

  dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void> {
    return guarded(signal, () => this.db.collection(collection).dropIndex(name));
  }

  getPermission(collection: string, signal?: AbortSignal): Promise<CollectionPermission> {
    return guarded(signal, () => this.db.collection(collection).getPermission());
  }

  setPermission(collection: string, permission: CollectionPermission, signal?: AbortSignal): Promise<void> {
    return guarded(signal, () => this.db.collection(collection).setPermission(permission));
  }
}

export interface LocalBackendOptions {
  envId: string;
  projectRoot: string;
  database: Database;
  /** The environment's files; without it the backend offers no storage. */
  storage?: LocalStorage;
  /** The environment's function runtime; without it the backend offers no functions and no logs. */
  functions?: FunctionRuntime;
  /** The environment's data folder; with the runtime, the backend offers its WeChat Pay orders. */
  dataDir?: string;
  /** The simulated WeChat users and the data folder their inboxes are in; without them the backend offers no WeChat users. */
  wechat?: { users: WeChatUsers; dataDir: string };
  /** Stops what the backend runs on (the environment); called once by dispose(). */
  dispose?: () => Promise<void>;
}

export class LocalBackend implements CloudBackend {
  readonly environment: EnvironmentInfo;
  readonly database: DatabaseApi;
  readonly functions?: LocalFunctionsApi;
  readonly logs?: LogsApi;
  readonly storage?: LocalStorageApi;
  readonly payments?: LocalPaymentsApi;
  readonly wechat?: LocalWeChatApi;
  private disposing?: Promise<void>;

  constructor(private readonly options: LocalBackendOptions) {
    this.environment = {
      key: localEnvironmentKey(options.projectRoot),
      kind: 'local',
      envId: options.envId,
      label: basename(options.projectRoot) || options.envId,
      projectRoot: options.projectRoot,
    };
    this.database = new LocalDatabaseApi(options.database);
    if (options.storage) this.storage = new LocalStorageApi(options.storage);
    if (options.wechat) this.wechat = new LocalWeChatApi(options.wechat.users, options.wechat.dataDir, options.projectRoot);
    if (options.functions) {
      this.functions = new LocalFunctionsApi(options.functions);
      this.logs = new LocalLogsApi(options.functions.logs);
      if (options.dataDir !== undefined) this.payments = new LocalPaymentsApi(options.dataDir, options.functions);
    }
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.functions?.dispose();
      await this.options.dispose?.();
    })();
    return this.disposing;
  }
}
