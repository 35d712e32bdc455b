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
