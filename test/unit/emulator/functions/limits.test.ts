/**
 * SCF's invocation limits (a 6 MB response) and the end of everything a function started: its
 * process runs in its own process group, which goes as a whole on timeout, crash and dispose.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionRuntime } from '../../../../src/emulator/functions';
import { createRuntime, isRunning, waitFor, withFixtureRuntime, type FixtureProject } from './support';

/** Starts `sleep` (inheriting the function's output, as a careless spawn does) and reports its pid. */
const SPAWNER = `const { spawn } = require('node:child_process');
exports.main = async (event) => {
  const child = spawn('sleep', ['60'], { stdio: 'inherit' });
  require('node:fs').writeFileSync(event.pidFile, String(child.pid));
  if (event.crash) process.kill(process.pid, 'SIGKILL');
  if (event.hang) await new Promise(() => undefined);
  return { pid: process.pid, child: child.pid };
};
`;

function writeFunction(fx: FixtureProject, name: string, source: string, config: Record<string, unknown> = {}): void {
  const dir = join(fx.dir, 'cloudfunctions', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), source);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

describe('function limits and process groups', function () {
  this.timeout(60_000);
  let fx: FixtureProject;
  let runtime: FunctionRuntime;
  withFixtureRuntime((f, r) => ((fx = f), (runtime = r)));

  before(() => {
    writeFunction(fx, 'spawner', SPAWNER, { timeout: 1 });
    writeFunction(fx, 'big-result', 'exports.main = async (event) => "x".repeat(event.bytes);\n', { memorySize: 512 });
    writeFunction(fx, 'ipc', 'exports.main = async () => ({ send: typeof process.send });\n');
  });

  const childOf = (pidFile: string): number => Number(readFileSync(pidFile, 'utf8'));

  it('stops the processes a function started when its invocation times out', async () => {
    const pidFile = join(fx.dir, 'timeout.pid');
    const out = await runtime.invoke('spawner', { pidFile, hang: true });
    assert.equal(out.error?.code, 'Timeout');
    const child = childOf(pidFile);
    await waitFor(() => !isRunning(child), 3000);
  });

  it('stops them when the function process crashes', async () => {
    const pidFile = join(fx.dir, 'crash.pid');
    const out = await runtime.invoke('spawner', { pidFile, crash: true });
    assert.equal(out.error?.code, 'FunctionCrashed', out.error?.message);
    const child = childOf(pidFile);
    await waitFor(() => !isRunning(child), 3000);
  });

  it('stops them with the function process when the runtime is disposed', async () => {
    const pidFile = join(fx.dir, 'dispose.pid');
    const own = createRuntime(fx.project);
    try {
      const out = await own.invoke('spawner', { pidFile });
      assert.equal(out.error, undefined, out.error?.message);
      const { pid, child } = out.result as { pid: number; child: number };
      assert.ok(isRunning(child), 'the child runs while its function process is warm');
      await own.dispose();
      await waitFor(() => !isRunning(pid) && !isRunning(child), 3000);
    } finally {
      await own.dispose();
    }
  });

  it('fails a result over 6 MB as SCF does, and returns one just under it', async () => {
    const over = await runtime.invoke('big-result', { bytes: 6 * 1024 * 1024 });
    assert.equal(over.error?.code, 'FunctionError');
    assert.match(over.error!.message, /size of response exceeds the upper limit \(6MB\)/);
    assert.equal(over.result, undefined);
    const under = await runtime.invoke('big-result', { bytes: 6 * 1024 * 1024 - 100 });
    assert.equal(under.error, undefined, under.error?.message);
    assert.equal((under.result as string).length, 6 * 1024 * 1024 - 100);
  });

  it('keeps the channel to the runtime out of the function\'s reach, as SCF has none', async () => {
    const out = await runtime.invoke('ipc', {});
    assert.deepEqual(out.result, { send: 'undefined' });
  });

  it('refuses an event over 6 MB or nested past 100 levels before starting anything', async () => {
    await assert.rejects(runtime.invoke('big-result', { text: 'x'.repeat(6 * 1024 * 1024) }), { code: 'InvalidArgument' });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    await assert.rejects(runtime.invoke('big-result', deep), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && /nested deeper/.test(e.message));
  });
});
