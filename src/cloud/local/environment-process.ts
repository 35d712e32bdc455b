/**
 * Entry of dist/emulator-cli.js, the one program behind `npx cloudbase-emulator` and the process
 * an editor window starts for a project: the command line of src/emulator/cli.ts, plus the
 * editor's endpoint (studio-endpoint.ts), served by LocalBackend next to the engine. Windows
 * never load the engine themselves.
 */
import { resolve } from 'node:path';
import { run as runCli, type CliExtensionFactory } from '../../emulator/cli';
import { StudioEndpoint } from './studio-endpoint';
import { LocalBackend } from './local-backend';
import { StudioError } from '../../shared/errors';
import { saveSnapshot, snapshotsFolder } from '../../emulator/snapshots/index';

export const studioExtension: CliExtensionFactory = (context) => {
  const endpoint = new StudioEndpoint({
    token: context.token,
    describe: () => {
      const environment = context.environment();
      return {
        envId: environment?.envId ?? '',
        url: environment?.url ?? '',
        adminUrl: environment?.adminUrl ?? '',
        dataDir: environment?.dataDir ?? '',
        pid: process.pid,
        manual: context.manual,
        projectRoot: resolve(context.projectRoot),
      };
    },
    shutdown: () => context.stop(),
    saveSnapshot: (name) => {
      const environment = context.environment();
      if (!environment) throw new StudioError('EnvironmentNotFound', 'The local environment is still starting.');
      return saveSnapshot({
        dataDir: environment.dataDir,
        folder: snapshotsFolder(environment.project.root),
        name,
        database: { backup: (dir) => environment.database.backup(dir), collections: () => environment.database.listCollections() },
      });
    },
    setTimersPaused: (paused) => context.environment()?.timers.setPaused(paused),
    onAttachedChange: (count) => context.attachedChanged(count),
  });
  return {
    routes: endpoint.routes(),
    serve(environment) {
      const backend = new LocalBackend({
        envId: environment.envId,
        projectRoot: resolve(context.projectRoot),
        database: environment.database,
        functions: environment.functions,
        storage: environment.storage,
        dataDir: environment.dataDir,
        wechat: { users: environment.wechatUsers, dataDir: environment.dataDir },
      });
      endpoint.serve(backend, {
        onLog: (listener) => environment.functions.logs.subscribe(listener),
        onWrite: (listener) => environment.onWrite(listener),
        onWeChat: (listener) => environment.onWeChatChange(listener),
      });
    },
    close: () => endpoint.close(),
  };
};

export function run(argv: string[] = process.argv.slice(2)): void {
  runCli(argv, studioExtension);
}

if (require.main === module) run();
