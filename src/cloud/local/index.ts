/**
 * Entry of the bundle dist/local-environment.js: the local environment in-process, for seeding
 * scripts (the demo), benchmarks and tests. The extension never loads it: it reaches a project's
 * environment in its own process (attach.ts over dist/emulator-cli.js).
 */
import { resolve } from 'node:path';
import type { CloudBackend } from '../backend';
import { startLocalEnvironment, type LocalFunctionsOptions } from '../../emulator/environment';
import { LocalBackend } from './local-backend';

export { openDatabase } from '../../emulator/database/index';
export { LocalBackend, LocalDatabaseApi } from './local-backend';
export { LocalFunctionsApi } from './functions-api';
export { LocalLogsApi } from './logs-api';
export { LocalStorageApi } from './storage-api';

export interface OpenLocalEnvironmentOptions {
  projectRoot: string;
  dataDir?: string;
  port?: number;
  /** Function host, node path, executable; defaults suit the bundle (dist/function-host.js next to it). */
  functions?: LocalFunctionsOptions;
  /** Start with every timer trigger paused. */
  timersPaused?: boolean;
}

export interface OpenedLocalEnvironment {
  backend: CloudBackend;
  /** `http://127.0.0.1:<port>`; functions reach the environment at `url + '/admin'`. */
  url: string;
  adminUrl: string;
  envId: string;
  /** Pauses or resumes every timer trigger of the environment. */
  setTimersPaused(paused: boolean): void;
  /** Stops the server and closes the database; the backend's dispose() does the same. */
  close(): Promise<void>;
}

export async function openLocalEnvironment(options: OpenLocalEnvironmentOptions): Promise<OpenedLocalEnvironment> {
  const projectRoot = resolve(options.projectRoot);
  const environment = await startLocalEnvironment({ projectRoot, dataDir: options.dataDir, port: options.port, functions: options.functions, timers: { paused: options.timersPaused } });
  const backend = new LocalBackend({
    envId: environment.envId,
    projectRoot,
    database: environment.database,
    functions: environment.functions,
    storage: environment.storage,
    wechat: { users: environment.wechatUsers, dataDir: environment.dataDir },
    dispose: () => environment.close(),
  });
  return {
    backend,
    url: environment.url,
    adminUrl: environment.adminUrl,
    envId: environment.envId,
    setTimersPaused: (paused) => environment.timers.setPaused(paused),
    close: () => backend.dispose(),
  };
}
