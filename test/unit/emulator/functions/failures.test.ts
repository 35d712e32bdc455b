import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionRuntime, InvokeOutcome } from '../../../../src/emulator/functions';
import { createRuntime, type FixtureProject, isRunning, waitFor, withFixtureRuntime } from './support';

function pidOf(out: InvokeOutcome): number {
  assert.equal(out.error, undefined, out.error?.message);
  return (out.result as { pid: number }).pid;
}

describe('function failures', function () {
  this.timeout(60_000);
  let fx: FixtureProject;
  let runtime: FunctionRuntime;
  withFixtureRuntime((f, r) => ((fx = f), (runtime = r)));

  it('times out at the function timeout, stops the process and serves the next invocation in a new one', async () => {
    const first = pidOf(await runtime.invoke('slow', {}));
    const started = Date.now();
    const out = await runtime.invoke('slow', { ms: 5000 });
    const took = Date.now() - started;
    assert.equal(out.error?.code, 'Timeout');
    assert.match(out.error!.message, /1\.00 s/);
    assert.ok(took >= 1000 && took < 2500, `took ${took} ms for a 1 s timeout`);
    await waitFor(() => !isRunning(first));
    const next = await runtime.invoke('slow', { ms: 10 });
    assert.notEqual(pidOf(next), first);
  });

  it('reports a thrown error with its stack in the function file and keeps the process', async () => {
    const pid = pidOf(await runtime.invoke('throws', {}));
    const out = await runtime.invoke('throws', { fail: 'negative' });
    assert.equal(out.error?.code, 'FunctionError');
    assert.equal(out.error?.message, 'TypeError: bad input: negative');
    assert.match(out.error!.stack!, /throws[\\/]index\.js:2/);
    assert.match(out.error!.stack!, /failDeeply/);
    assert.doesNotMatch(out.error!.stack!, /host[\\/]main/, "the host's frames are left out");
    assert.equal(pidOf(await runtime.invoke('throws', {})), pid);
  });

  it('turns an unhandled rejection into the invocation error', async () => {
    const out = await runtime.invoke('failures', { kind: 'reject' });
    assert.equal(out.error?.code, 'FunctionError');
    assert.match(out.error!.message, /Unhandled promise rejection: nobody waits for this/);
    assert.match(out.error!.stack!, /failures[\\/]index\.js/);
    pidOf(await runtime.invoke('failures', {}));
  });

  it('turns an uncaught exception into the invocation error and replaces the process', async () => {
    const pid = pidOf(await runtime.invoke('failures', {}));
    const out = await runtime.invoke('failures', { kind: 'uncaught' });
    assert.equal(out.error?.code, 'FunctionError');
    assert.match(out.error!.message, /Uncaught exception: thrown from a timer/);
    assert.notEqual(pidOf(await runtime.invoke('failures', {})), pid);
  });

  it('reports process.exit with where it was called, then serves the next invocation', async () => {
    const pid = pidOf(await runtime.invoke('failures', {}));
    const out = await runtime.invoke('failures', { kind: 'exit' });
    assert.equal(out.error?.code, 'FunctionCrashed');
    assert.match(out.error!.message, /process\.exit\(3\)/);
    assert.match(out.error!.stack!, /failures[\\/]index\.js:9/);
    await waitFor(() => !isRunning(pid));
    assert.notEqual(pidOf(await runtime.invoke('failures', {})), pid);
  });

  it('reports a crash (the process killed) and serves the next invocation', async () => {
    const out = await runtime.invoke('failures', { kind: 'crash' });
    assert.equal(out.error?.code, 'FunctionCrashed');
    assert.match(out.error!.message, /SIGKILL/);
    pidOf(await runtime.invoke('failures', {}));
  });

  it('refuses a return value that is not JSON', async () => {
    const out = await runtime.invoke('failures', { kind: 'circular' });
    assert.equal(out.error?.code, 'FunctionError');
    assert.match(out.error!.message, /JSON/);
  });

  it('stops a function whose heap grows past its memorySize', async () => {
    const pid = pidOf(await runtime.invoke('memory', {}));
    const out = await runtime.invoke('memory', { kind: 'heap' });
    assert.equal(out.error?.code, 'MemoryLimitExceeded', out.error?.message);
    assert.match(out.error!.message, /64 MB/);
    await waitFor(() => !isRunning(pid));
    pidOf(await runtime.invoke('memory', {}));
  });

  it('stops a function whose resident memory (buffers) grows past its memorySize', async () => {
    const out = await runtime.invoke('memory', { kind: 'buffers' });
    assert.equal(out.error?.code, 'MemoryLimitExceeded', out.error?.message);
    assert.ok(out.memoryMB! > 64);
    pidOf(await runtime.invoke('memory', {}));
  });

  it('reports dependencies declared but not installed, naming the folder', async () => {
    const out = await runtime.invoke('deps-missing', {});
    assert.equal(out.error?.code, 'DependenciesMissing');
    assert.match(out.error!.message, /left-pad-not-installed/);
    assert.ok(out.error!.message.includes(fx.project.functionRoot), out.error!.message);
    assert.deepEqual(runtime.processIds('deps-missing'), [], 'no process was started');
  });

  it('reports a folder without index.js', async () => {
    const out = await runtime.invoke('no-index', {});
    assert.equal(out.error?.code, 'HandlerNotFound');
    assert.match(out.error!.message, /index\.js/);
  });

  it('reports a module the handler requires but nobody installed as a load failure naming it, not as a missing handler', async () => {
    const dir = join(fx.project.functionRoot, 'requires-missing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.js'), "const pad = require('left-pad-nowhere');\nexports.main = async () => pad;\n");
    const out = await runtime.invoke('requires-missing', {});
    assert.equal(out.error?.code, 'FunctionLoadFailed');
    assert.match(out.error!.message, /Cannot find module 'left-pad-nowhere'/);
  });

  it('reports a module without the exported handler', async () => {
    const out = await runtime.invoke('no-main', {});
    assert.equal(out.error?.code, 'HandlerNotFound');
    assert.match(out.error!.message, /"main"/);
  });

  it('reports a syntax error with the file and line', async () => {
    const out = await runtime.invoke('syntax-error', {});
    assert.equal(out.error?.code, 'FunctionLoadFailed');
    assert.match(out.error!.message, /SyntaxError/);
    assert.match(out.error!.stack!, /syntax-error[\\/]index\.js:2/);
    const again = await runtime.invoke('syntax-error', {});
    assert.equal(again.error?.code, 'FunctionLoadFailed', 'every invocation says so until the file changes');
  });

  it('reports a process that cannot start, and still disposes cleanly', async () => {
    const broken = createRuntime(fx.project, { execPath: '/nonexistent/node' });
    const out = await broken.invoke('slow', {});
    assert.equal(out.error?.code, 'FunctionCrashed');
    assert.match(out.error!.message, /could not start/);
    await broken.dispose();
  });

  it('records failures in the log with the error code', async () => {
    const out = await runtime.invoke('throws', { fail: 'logged' });
    const end = runtime.logs.query({ requestId: out.requestId }).find((e) => e.kind === 'end')!;
    assert.equal(end.level, 'error');
    assert.match(end.message, /FunctionError: TypeError: bad input: logged/);
  });
});
