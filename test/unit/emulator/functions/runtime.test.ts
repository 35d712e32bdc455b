import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FunctionRuntime } from '../../../../src/emulator/functions';
import { copyFixtureProject, createRuntime, isRunning, LOCAL_ENV_ID, waitFor } from './support';

const MINI_PROGRAM_USER = { appId: 'wxdefault00000001', openId: 'oDefaultUser' };

interface Echo {
  event: unknown;
  context: Record<string, unknown>;
  pid: number;
  cwd: string;
  env: Record<string, string | undefined>;
  execArgv: string[];
}

describe('function runtime', function () {
  this.timeout(60_000);
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  let runtime: FunctionRuntime;
  before(async () => {
    fx = await copyFixtureProject();
    runtime = createRuntime(fx.project, { defaultIdentity: { openId: 'oDefaultUser', appId: 'wxdefault00000001', unionId: 'uDefault' } });
  });
  after(async () => {
    await runtime?.dispose();
    await fx?.remove();
  });

  it('runs a wx-server-sdk function whose getWXContext() is the default identity in the local environment', async () => {
    const out = await runtime.invoke('wxcontext', {});
    assert.equal(out.error, undefined);
    const { wxContext } = out.result as { wxContext: Record<string, unknown> };
    assert.equal(wxContext.OPENID, 'oDefaultUser');
    assert.equal(wxContext.APPID, 'wxdefault00000001');
    assert.equal(wxContext.UNIONID, 'uDefault');
    assert.equal(wxContext.ENV, LOCAL_ENV_ID);
    assert.equal(wxContext.SOURCE, 'wx_client');
  });

  it('takes a per-invocation identity, and the next invocation is back to the default', async () => {
    const other = await runtime.invoke('wxcontext', {}, { identity: { openId: 'oOtherUser', unionId: undefined, source: 'wx_devtools' } });
    const ctx = (other.result as { wxContext: Record<string, unknown> }).wxContext;
    assert.equal(ctx.OPENID, 'oOtherUser');
    assert.equal(ctx.APPID, 'wxdefault00000001', 'fields not given keep the default');
    assert.equal(ctx.UNIONID, undefined, 'a field set to undefined is removed, not left from an earlier caller');
    assert.equal(ctx.SOURCE, 'wx_devtools');
    const back = await runtime.invoke('wxcontext', {});
    assert.equal((back.result as { wxContext: Record<string, unknown> }).wxContext.OPENID, 'oDefaultUser');
  });

  it('sends SDK calls to the adminUrl with DYNAMIC_CURRENT_ENV resolved to the local environment', async () => {
    const seen: { url: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', body: JSON.parse(body) as Record<string, unknown>, headers: req.headers });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { list: [], limit: 100, offset: 0 }, requestId: 'fake' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
    const local = createRuntime(fx.project, { adminUrl });
    try {
      const out = await local.invoke('wxcontext', { query: true });
      assert.equal(out.error, undefined, out.error?.message);
      assert.deepEqual((out.result as { query: { data: unknown[] } }).query.data, []);
      assert.equal(seen.length, 1);
      assert.match(seen[0].url, new RegExp(`^/admin\\?env=${LOCAL_ENV_ID}&`));
      assert.equal(seen[0].body.action, 'database.getDocument');
      assert.equal(seen[0].body.collectionName, 'probe');
      assert.match(String(seen[0].headers['x-tcb-source']), /scf/);
    } finally {
      await local.dispose();
      server.close();
    }
  });

  it('passes the SCF context and environment, the function folder as cwd, and envVariables', async () => {
    const out = await runtime.invoke('echo', { hello: 'world' });
    const r = out.result as unknown as Echo;
    // A mini program's call (the default caller) carries userInfo, as in the cloud.
    assert.deepEqual(r.event, { hello: 'world', userInfo: MINI_PROGRAM_USER });
    assert.equal(r.context.request_id, out.requestId);
    assert.equal(r.context.function_name, 'echo');
    assert.equal(r.context.memory_limit_in_mb, 128);
    assert.equal(r.context.time_limit_in_ms, 5000);
    assert.equal(r.context.namespace, LOCAL_ENV_ID);
    assert.equal(r.context.function_version, '$LATEST');
    assert.equal(JSON.parse(r.context.environment as string).TCB_ENV, LOCAL_ENV_ID);
    assert.equal(r.cwd, join(fx.project.functionRoot, 'echo'));
    assert.equal(r.env.TENCENTCLOUD_RUNENV, 'SCF');
    assert.equal(r.env.SCF_NAMESPACE, LOCAL_ENV_ID);
    assert.equal(r.env.TCB_ENV, LOCAL_ENV_ID);
    assert.equal(r.env.SCF_FUNCTIONNAME, 'echo');
    assert.equal(r.env.TENCENTCLOUD_REGION, 'ap-shanghai');
    assert.deepEqual(JSON.parse(r.env.TCB_CONTEXT_CNFG!), { URL: 'http://127.0.0.1:9/admin' });
    assert.ok(r.env.TENCENTCLOUD_SECRETID, 'placeholder keys are set');
    assert.equal(r.env.SHARED, 'cloudbaserc');
    assert.equal(r.env.FROM_CONFIG, 'yes');
    assert.equal(r.env.FROM_RC, 'yes');
    assert.equal(r.env.NODE_OPTIONS, undefined, "the editor's environment does not leak in");
    assert.ok(r.execArgv.includes('--max-old-space-size=128'));
    assert.equal(typeof out.durationMs, 'number');
    assert.ok(out.memoryMB! > 10);
  });

  it('keeps a process warm and reuses it', async () => {
    const a = (await runtime.invoke('slow', {})).result as { pid: number };
    const b = (await runtime.invoke('slow', {})).result as { pid: number };
    assert.equal(a.pid, b.pid);
    assert.deepEqual(runtime.processIds('slow'), [a.pid]);
    const warm = await runtime.invoke('slow', {});
    assert.equal(warm.coldStart, false);
  });

  it('restarts the process after the function files change', async () => {
    const before = await runtime.invoke('throws', {});
    const oldPid = (before.result as { pid: number }).pid;
    const file = join(fx.project.functionRoot, 'throws', 'index.js');
    await fs.appendFile(file, '\nexports.main = async () => ({ pid: process.pid, edited: true });\n');
    const after = await runtime.invoke('throws', {});
    const r = after.result as { pid: number; edited?: boolean };
    assert.equal(r.edited, true, 'the new code runs');
    assert.notEqual(r.pid, oldPid);
    assert.equal(after.coldStart, true);
    await waitFor(() => !isRunning(oldPid));
  });

  it('restarts the process when its settings change', async () => {
    const a = (await runtime.invoke('echo', {})).result as unknown as Echo;
    await fs.writeFile(
      join(fx.project.functionRoot, 'echo', 'config.json'),
      JSON.stringify({ envVariables: { FROM_CONFIG: 'changed' } }),
    );
    const b = (await runtime.invoke('echo', {})).result as unknown as Echo;
    assert.notEqual(b.pid, a.pid);
    assert.equal(b.env.FROM_CONFIG, 'changed');
  });

  it('supports callback handlers, other handler settings and ES modules', async () => {
    assert.deepEqual((await runtime.invoke('callback', { x: 7 })).result, { via: 'callback', x: 7 });
    assert.deepEqual((await runtime.invoke('custom-handler', { y: 1 })).result, { handledBy: 'app.handle', event: { y: 1, userInfo: MINI_PROGRAM_USER } });
    assert.deepEqual((await runtime.invoke('esm', { z: 2 })).result, { module: 'esm', event: { z: 2, userInfo: MINI_PROGRAM_USER } });
  });

  it('refuses unknown functions and events that are not JSON, before running anything', async () => {
    await assert.rejects(runtime.invoke('does-not-exist', {}), { code: 'FunctionNotFound' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await assert.rejects(runtime.invoke('echo', circular), { code: 'InvalidArgument' });
    await assert.rejects(runtime.invoke('echo', { when: new Date() }), { code: 'InvalidArgument' });
    await assert.rejects(runtime.invoke('echo', { n: 10n }), { code: 'InvalidArgument' });
    await assert.rejects(runtime.invoke('echo', { f: () => 1 }), { code: 'InvalidArgument' });
    await assert.rejects(runtime.invoke('echo', { n: NaN }), { code: 'InvalidArgument' });
    await assert.rejects(runtime.invoke('echo', 'x'.repeat(7 * 1024 * 1024)), { code: 'InvalidArgument' });
    assert.equal(runtime.logs.query({ functionName: 'does-not-exist' }).length, 0);
  });

  it('leaves no process behind after dispose', async () => {
    const local = createRuntime(fx.project);
    await Promise.all([local.invoke('slow', { ms: 50 }), local.invoke('slow', { ms: 50 }), local.invoke('echo', {})]);
    const pids = [...local.processIds('slow'), ...local.processIds('echo')];
    assert.equal(pids.length, 3);
    await local.dispose();
    for (const pid of pids) assert.equal(isRunning(pid), false);
    await assert.rejects(local.invoke('echo', {}), { code: 'Cancelled' });
  });
});
