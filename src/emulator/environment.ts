/**
 * One project's local environment: its database and the HTTP server that speaks the CloudBase
 * server SDK protocol at /admin. The CLI and the extension both start it through here.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../shared/errors';
import type { Database } from './database/api';
import { openDatabase } from './database/index';
import { dataDirectory, detectProject, localEnvId, type ProjectInfo } from './project';
import { ADMIN_PATH, adminRoute, databaseActions, startHttpServer, type HttpServerHandle, type ServiceTable } from './server/index';

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
  /** Stops the server (requests in flight finish first), then flushes and closes the database. */
  close(): Promise<void>;
}

/** Each area registers its /admin actions here by prefix. */
function services(database: Database): ServiceTable {
  return { database: databaseActions(database) };
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
  const database = await openDatabase(join(dataDir, 'database'));

  let server: HttpServerHandle;
  try {
    server = await startHttpServer({
      port: options.port ?? 0,
      routes: [adminRoute({ envId, services: services(database), onError: options.onError })],
      onError: options.onError,
    });
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }

  let closing: Promise<void> | undefined;
  return {
    envId,
    project,
    dataDir,
    url: server.url,
    adminUrl: server.url + ADMIN_PATH,
    port: server.port,
    database,
    close() {
      closing ??= (async () => {
        try {
          await server.close();
        } finally {
          await database.close();
        }
      })();
      return closing;
    },
  };
}
