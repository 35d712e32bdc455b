/**
 * One project's local environment: its database, its cloud functions (a FunctionRuntime over the
 * project's function root) and the HTTP server that speaks the CloudBase server SDK protocol at
 * /admin, through which functions and outside SDKs reach both. The CLI and the extension both
 * start it through here.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../shared/errors';
import type { Database } from './database/api';
import { openDatabase, type DatabaseOptions } from './database/index';
import { DEFAULT_IDENTITY, FunctionRuntime, type SimulatedIdentity } from './functions/index';
import { dataDirectory, detectProject, localEnvId, type ProjectInfo } from '../project/project';
import { LocalStorage } from './storage/index';
import { httpAccessHandler } from './server/http-access';
import { WebFunctions } from './server/web-functions';
import { TimerScheduler, type Clock } from './triggers/scheduler';
import { timerNoticeEntry } from './triggers/notices';
import { observeWrites, type WriteListener } from './process/write-events';
import { ClientRequestLog, ClientUsers, FileOwners, GATEWAY_PATH, StorageRuleStore, TokenSigner, clientApi } from './client/index';
import { WeChatUsers, identityOfWeChatUser, wechatJsonApi, wechatOpenApi, wechatPayApi, type InboxMessage } from './wechat/index';
import type { WeChatChange, WeChatUser } from '../shared/wechat';
import {
  ADMIN_PATH,
  adminRoute,
  databaseActions,
  functionsActions,
  platformServices,
  startHttpServer,
  storageActions,
  storageRoutes,
  type FunctionInvoker,
  type HttpRoute,
  type HttpServerHandle,
  type ServiceTable,
} from './server/index';

export interface LocalFunctionsOptions {
  /** The function host script; default: function-host.js next to the running bundle (see defaultHostScript). */
  hostScript?: string;
  /** Extra package folders (NODE_PATH). Default none: functions use their own node_modules. */
  nodePath?: string[];
  /** The Node executable for function processes; default the current one (Electron runs as Node). */
  execPath?: string;
  /** Who calls functions when the caller does not say. */
  defaultIdentity?: Partial<SimulatedIdentity>;
}

export interface LocalTimersOptions {
  /** Start with every timer trigger paused (Run Now still works). */
  paused?: boolean;
  /** Tests drive the schedule with their own clock. */
  clock?: Clock;
  /** The fixed offset cron fields are read in; default the cloud's UTC+8. */
  utcOffsetMinutes?: number;
}

export interface LocalEnvironmentOptions {
  projectRoot: string;
  /** Where the environment keeps its data; relative paths are resolved from the project. Default `.cloudbase/local`. */
  dataDir?: string;
  /** Default: derived from the project folder's name (`local-<name>`). */
  envId?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Told about failures that are defects of the environment (the request still gets an error reply). */
  onError?: (error: unknown) => void;
  functions?: LocalFunctionsOptions;
  timers?: LocalTimersOptions;
  /**
   * When set, /admin admits only calls that carry it (the SDKs' session token, a Bearer
   * authorization or the studio header); function processes get it as their session token.
   */
  token?: string;
  /** More routes on the same server (the editor's endpoint, served by the environment's process). */
  routes?: HttpRoute[];
  /** Told while a database in the earlier format is converted, which happens once. */
  onMigrationProgress?: DatabaseOptions['onMigrationProgress'];
}

export interface LocalEnvironment {
  readonly envId: string;
  readonly project: ProjectInfo;
  readonly dataDir: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `url` + `/admin`: what SDKs take as `serviceUrl` or `TCB_CONTEXT_CNFG.URL`. */
  readonly adminUrl: string;
  readonly port: number;
  readonly database: Database;
  /** `url` + `/v1`: what a web app registers as js-sdk's GATEWAY endpoint (see src/emulator/client). */
  readonly gatewayUrl: string;
  /** Every client SDK request with the security rule that decided it. */
  readonly clientRequests: ClientRequestLog;
  /** Username-and-password users of client sign-in, in `<dataDir>/client/users.json`. */
  readonly clientUsers: ClientUsers;
  /** The storage security rule client requests pass (READONLY unless set), in `<dataDir>/client/storage-rule.json`. */
  readonly storageRule: StorageRuleStore;
  /** The simulated WeChat users, in `<dataDir>/wechat/users.json`; the current one calls functions that name no caller. */
  readonly wechatUsers: WeChatUsers;
  /** The project's cloud functions; their SDK calls come back to `adminUrl`. */
  readonly functions: FunctionRuntime;
  /** Files under `<dataDir>/storage`, with signed URLs on this server. */
  readonly storage: LocalStorage;
  /** The functions' timer triggers, fired on schedule; follows edits to their settings. */
  readonly timers: TimerScheduler;
  /** Hears the simulated users change and messages arrive in their inboxes; returns the unsubscribe. */
  onWeChatChange(listener: (change: WeChatChange) => void): () => void;
  /** Hears every database write, whoever made it (functions, SDK scripts, the editor); returns the unsubscribe. */
  onWrite(listener: WriteListener): () => void;
  /**
   * Stops every function process, then the server (requests in flight finish first), then flushes
   * and closes the database.
   */
  close(): Promise<void>;
}

/** The mini program's appid from project.config.json, for answers that carry it (phone number watermarks). */
async function projectAppId(project: ProjectInfo): Promise<string> {
  try {
    const config = JSON.parse(await readFile(join(project.root, 'project.config.json'), 'utf8')) as { appid?: unknown };
    if (typeof config.appid === 'string' && /^wx[0-9a-f]{16}$/i.test(config.appid)) return config.appid;
  } catch {
    // No mini program project (a CloudBase-only folder): the default below.
  }
  return 'wx0000000000000000';
}

/** Each area registers its /admin actions here by prefix. */
function services(
  project: ProjectInfo,
  dataDir: string,
  database: Database,
  functions: FunctionInvoker,
  storage: LocalStorage,
  onDelivered: (message: InboxMessage) => void,
  recipients: WeChatUsers,
  onError?: (error: unknown) => void,
): ServiceTable {
  const appid = (): Promise<string> => projectAppId(project);
  const wechatOptions = { projectRoot: project.root, dataDir, appid, onDelivered, recipients };
  const pay = wechatPayApi({ dataDir, functions, appid, onError });
  return {
    ...platformServices({ 'wx.openApi': wechatOpenApi(wechatOptions), 'wx.api': wechatJsonApi(wechatOptions), 'wx.wxPayApi': pay }),
    database: databaseActions(database),
    functions: functionsActions(functions),
    storage: storageActions(storage),
  };
}

/**
 * The bundles (dist/local-environment.js, dist/emulator-cli.js) sit next to dist/function-host.js;
 * the file-by-file test build (out/src/emulator/environment.js) has the host at functions/host/main.js.
 */
export function defaultHostScript(dir: string = __dirname): string {
  const bundled = join(dir, 'function-host.js');
  const transpiled = join(dir, 'functions', 'host', 'main.js');
  return !existsSync(bundled) && existsSync(transpiled) ? transpiled : bundled;
}

async function checkOptions(options: LocalEnvironmentOptions): Promise<void> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StudioError('InvalidArgument', `The port must be an integer from 0 to 65535, not ${String(options.port)}.`);
  }
  const info = await stat(options.projectRoot).catch(() => undefined);
  if (!info?.isDirectory()) throw new StudioError('InvalidPath', `The project folder does not exist: ${options.projectRoot}`);
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  await checkOptions(options);
  const project = (await detectProject(options.projectRoot, true)) as ProjectInfo;
  const dataDir = dataDirectory(project, options.dataDir);
  const envId = options.envId ?? localEnvId(project);
  const observed = observeWrites(await openDatabase(join(dataDir, 'database'), { onMigrationProgress: options.onMigrationProgress }));
  const database = observed.database;
  // Like the runtime, storage URLs need the server's address, known once it listens.
  let serverUrl: string | undefined;
  let storage: LocalStorage;
  try {
    storage = await LocalStorage.open({
      envId,
      dataDir,
      baseUrl: () => {
        if (!serverUrl) throw new StudioError('Internal', 'The local server is not listening yet.');
        return serverUrl;
      },
    });
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }

  // The runtime needs the server's address and the server serves the runtime: nobody knows the
  // address before the server listens, so no call can arrive before `runtime` is set.
  let runtime: FunctionRuntime | undefined;
  const invoker: FunctionInvoker = {
    invoke(name, event, invokeOptions) {
      if (!runtime) throw new StudioError('Internal', 'The function runtime is not running yet.');
      return runtime.invoke(name, event, invokeOptions);
    },
  };

  const webFunctions = new WebFunctions({
    functionRoot: project.functionRoot,
    execPath: options.functions?.execPath,
    log: (entry) => runtime?.logs.append(entry),
  });
  const wechatListeners = new Set<(change: WeChatChange) => void>();
  const announceWeChat = (change: WeChatChange): void => {
    for (const listener of [...wechatListeners]) listener(change);
  };
  const defaultCaller = { ...DEFAULT_IDENTITY, ...options.functions?.defaultIdentity };
  const wechatUsers = new WeChatUsers(join(dataDir, 'wechat', 'users.json'), () => projectAppId(project), { openId: defaultCaller.openId, appId: defaultCaller.appId });
  const clientRequests = new ClientRequestLog();
  const clientUsers = new ClientUsers(join(dataDir, 'client', 'users.json'));
  const storageRule = new StorageRuleStore(join(dataDir, 'client', 'storage-rule.json'));
  let server: HttpServerHandle;
  try {
    // Sign-in tokens are signed with a key of this environment's own, kept with its data.
    const signer = await TokenSigner.open(join(dataDir, 'client', 'signing-key'), envId);
    const fileOwners = await FileOwners.open(join(dataDir, 'client', 'storage-owners.json'));
    const baseUrl = (): string => {
      if (!serverUrl) throw new StudioError('Internal', 'The local server is not listening yet.');
      return serverUrl;
    };
    server = await startHttpServer({
      browserApi: clientApi({ envId, database, functions: invoker, storage, storageRule, fileOwners, users: clientUsers, signer, log: clientRequests, baseUrl, documentWrites: (listener) => observed.subscribeDocuments(listener), onError: options.onError }),
      port: options.port ?? 0,
      routes: [
        adminRoute({ envId, services: services(project, dataDir, database, invoker, storage, (message) => announceWeChat({ inbox: message.touser }), wechatUsers, options.onError), onError: options.onError, token: options.token }),
        ...storageRoutes(storage),
        ...(options.routes ?? []),
      ],
      fallback: httpAccessHandler({
        projectRoot: project.root,
        envId,
        invoke: (name, event) => invoker.invoke(name, event, {}),
        log: (entry) => runtime?.logs.append(entry),
        web: { functionRoot: project.functionRoot, functions: webFunctions },
      }),
      onError: options.onError,
    });
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }
  serverUrl = server.url;
  const functions = options.functions ?? {};
  runtime = new FunctionRuntime({
    project,
    envId,
    adminUrl: server.url + ADMIN_PATH,
    hostScript: functions.hostScript ?? defaultHostScript(),
    nodePath: functions.nodePath,
    execPath: functions.execPath,
    defaultIdentity: functions.defaultIdentity,
    sessionToken: options.token,
  });
  const functionRuntime = runtime;
  const followCurrentUser = (user: WeChatUser | undefined): void => functionRuntime.setCaller(user && identityOfWeChatUser(user));
  const stopFollowing = wechatUsers.onCurrentChange(followCurrentUser);
  const stopAnnouncing = wechatUsers.onChange(() => announceWeChat({}));
  const stopTouching = functionRuntime.onInvocation((caller) => wechatUsers.touch(caller.openId, Date.now()));
  try {
    followCurrentUser(await wechatUsers.current());
  } catch (e) {
    // A damaged users file must not keep the environment from starting: the default caller stays.
    options.onError?.(e);
  }
  const timers = new TimerScheduler({
    list: () => functionRuntime.list(),
    invoke: (name, event) => functionRuntime.invoke(name, event),
    clock: options.timers?.clock,
    utcOffsetMinutes: options.timers?.utcOffsetMinutes,
    paused: options.timers?.paused,
    onNotice: (notice) => {
      const entry = timerNoticeEntry(notice);
      if (entry) functionRuntime.logs.append(entry);
    },
  });
  const timerWatch = functionRuntime.watch(() => void timers.refresh());
  await timers.refresh();

  let closing: Promise<void> | undefined;
  return {
    envId,
    project,
    dataDir,
    url: server.url,
    adminUrl: server.url + ADMIN_PATH,
    gatewayUrl: server.url + GATEWAY_PATH,
    clientRequests,
    clientUsers,
    storageRule,
    wechatUsers,
    port: server.port,
    database,
    functions: functionRuntime,
    storage,
    timers,
    onWrite: (listener) => observed.subscribe(listener),
    onWeChatChange(listener) {
      wechatListeners.add(listener);
      return () => wechatListeners.delete(listener);
    },
    close() {
      // Functions first: an invocation waiting on /admin ends (cancelled) instead of holding the server open.
      closing ??= (async () => {
        timers.dispose();
        timerWatch.dispose();
        stopFollowing();
        stopAnnouncing();
        stopTouching();
        wechatListeners.clear();
        webFunctions.dispose();
        try {
          await functionRuntime.dispose();
        } finally {
          try {
            await server.close();
          } finally {
            await database.close();
          }
        }
      })();
      return closing;
    },
  };
}
