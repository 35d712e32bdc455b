import assert from 'node:assert/strict';
import { get } from 'node:http';
import type { FunctionRuntime } from '../../../../src/emulator/functions';
import { isRunning, withFixtureRuntime } from './support';

function inspectorTargets(port: number): Promise<{ webSocketDebuggerUrl: string }[]> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/json/list' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(JSON.parse(body) as { webSocketDebuggerUrl: string }[]));
    }).on('error', reject);
  });
}

describe('function debugging', function () {
  this.timeout(60_000);
  let runtime: FunctionRuntime;
  withFixtureRuntime((_, r) => (runtime = r));

  it('restarts the function with the inspector, reports its port and lifts the timeout until stopDebug', async () => {
    const normal = await runtime.invoke('slow', {});
    const normalPid = (normal.result as { pid: number }).pid;

    const session = await runtime.startDebug('slow');
    assert.ok(session.port > 0);
    assert.match(session.url, new RegExp(`^ws://127\\.0\\.0\\.1:${session.port}/`));
    const targets = await inspectorTargets(session.port);
    assert.equal(targets[0].webSocketDebuggerUrl, session.url, 'an inspector answers on that port');
    assert.equal(runtime.isDebugging('slow'), true);

    const long = await runtime.invoke('slow', { ms: 1500 });
    assert.equal(long.error, undefined, 'past the 1 s timeout while debugging');
    assert.equal((long.result as { pid: number }).pid, session.pid, 'runs in the debug process');
    assert.equal(isRunning(normalPid), false, 'the normal process was replaced');
    assert.ok(!long.logs.some((e) => /Debugger listening/.test(e.message)), 'inspector chatter is not function output');

    await runtime.stopDebug('slow');
    assert.equal(isRunning(session.pid), false);
    const timedOut = await runtime.invoke('slow', { ms: 1500 });
    assert.equal(timedOut.error?.code, 'Timeout', 'the timeout is back');
  });

  it('starts debugging from invoke({ debug: true })', async () => {
    const out = await runtime.invoke('echo', {}, { debug: true });
    assert.equal(out.error, undefined);
    assert.ok((out.result as { execArgv: string[] }).execArgv.includes('--inspect=127.0.0.1:0'));
    assert.equal(runtime.isDebugging('echo'), true);
    await runtime.stopDebug('echo');
    const normal = await runtime.invoke('echo', {});
    assert.ok(!(normal.result as { execArgv: string[] }).execArgv.some((a) => a.startsWith('--inspect')));
  });
});
