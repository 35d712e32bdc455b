/**
 * The local function runtime: runs a project's cloud functions (`<functionRoot>/<name>/index.js`
 * exporting `main(event, context)`, usually calling wx-server-sdk) unchanged and without keys.
 *
 *   const runtime = new FunctionRuntime({ project, envId, adminUrl, hostScript });
 *   await runtime.list();                               // FunctionDefinition[] (fits FunctionInfo)
 *   const out = await runtime.invoke('login', { a: 1 }, { identity: { openId: 'o123' } });
 *   out.result / out.error.code / out.logs / out.requestId
 *   runtime.logs.subscribe((entry) => …);                // live; returns unsubscribe
 *   runtime.logs.query({ functionName, requestId, since, until, limit });
 *   const w = runtime.watch(({ added, removed, changed }) => …); w.dispose();
 *   const { port, url } = await runtime.startDebug('login'); … await runtime.stopDebug('login');
 *   await runtime.dispose();                            // every process is gone when it resolves
 *
 * Options: `project` (detectProject), `envId` (SCF_NAMESPACE/TCB_ENV, so DYNAMIC_CURRENT_ENV is the
 * local environment), `adminUrl` (the local /admin, given to the SDKs as TCB_CONTEXT_CNFG),
 * `hostScript` (dist/function-host.js, built from host/main.ts; tests use out/…/host/main.js),
 * `defaultIdentity` (the simulated caller), `nodePath` (extra package folders, NODE_PATH),
 * `execPath` (the node binary; inside the editor Electron is run as Node), `region`,
 * `maxInstancesPerFunction` (10), `idleTimeoutMs` (10 min), `logCapacity` (10 000 entries).
 *
 * Behaviour:
 * - Settings: CloudBase defaults (timeout 3 s, 256 MB, handler `index.main`, runtime Nodejs20.19 as
 *   manager-node's createFunction, which the CLI uses) < the folder's config.json < cloudbaserc.json
 *   `functions[]`; envVariables are merged in that order.
 * - Processes: one child Node process per concurrent invocation (`--max-old-space-size` = memory),
 *   kept warm and reused; more start up to the cap, then invocations queue in order. A process is
 *   replaced when the function's files (node_modules through npm's lock file), settings or debug
 *   state changed: checked before every invocation, so edits apply without a reload.
 * - Environment: the SCF variables (TENCENTCLOUD_RUNENV=SCF, SCF_NAMESPACE, TCB_ENV, placeholder
 *   TENCENTCLOUD_SECRETID/KEY/SESSIONTOKEN, TCB_CONTEXT_CNFG…) plus envVariables; nothing else of the
 *   editor's environment but PATH, HOME, temp folders and locale. Before each invocation the host
 *   sets WX_OPENID, WX_APPID, WX_UNIONID, TCB_SOURCE… so `cloud.getWXContext()` returns the identity.
 * - `invoke` throws StudioError only for bad input ('FunctionNotFound', 'InvalidArgument' for an
 *   event that is not plain JSON or over 6 MB) and 'Cancelled'. Everything the function does wrong is
 *   `outcome.error.code`: 'Timeout', 'MemoryLimitExceeded' (RSS or heap over memorySize), 'FunctionError'
 *   (thrown, rejected, unhandled rejection, uncaught exception, result not JSON), 'FunctionCrashed'
 *   (process.exit, a signal, a native crash), 'HandlerNotFound' (no handler file or export),
 *   'FunctionLoadFailed' (syntax error or a throw while loading), 'DependenciesMissing'
 *   (package.json dependencies not installed: offer `npm install` in the function's folder).
 *   After Timeout, MemoryLimitExceeded, process exit and uncaught exceptions the process is replaced.
 *   A return value whose JSON is over 6 MB is 'FunctionError' with SCF's message; it is refused in
 *   the function's process and never crosses to the runtime.
 * - Process groups: each function process leads its own group (POSIX); the whole group is killed
 *   on timeout, memory limit, crash, replacement and dispose, and by the process itself when the
 *   runtime disappears, so children a function started do not outlive it (unless they left the
 *   group themselves with setsid).
 * - Logs: every invocation has a request ID; its START and END entries (duration, memory, error)
 *   and its console output (levels info/warn/error/debug, stdout as info, stderr as error) are
 *   pushed to `logs` as they happen. Per invocation 1 MiB of output is kept (a line is cut at
 *   64 KiB); past that one notice, then the rest is dropped. The store keeps 10 000 entries / 32 MiB.
 * - Debug: `startDebug` restarts the function with `--inspect=127.0.0.1:0` and reports the port;
 *   while debugging the function runs in that one process without a time limit.
 */
export { FunctionRuntime, type DebugSession, type FunctionRuntimeOptions, type InvokeOptions, type InvokeOutcome } from './runtime';
export { discoverFunctions, readFunction, FUNCTION_DEFAULTS, type FunctionDefinition, type FunctionStatus } from '../../project/functions/definitions';
export { DEFAULT_IDENTITY, type SimulatedIdentity } from './identity';
export { LogStore, OUTPUT_CAP_BYTES, type LogListener } from './logs';
export { watchFunctions, type FunctionsChange, type FunctionsWatch } from './watcher';
export { createFunctionFromTemplate, validateFunctionName, FUNCTION_TEMPLATES, type FunctionTemplate } from '../../project/functions/templates';
