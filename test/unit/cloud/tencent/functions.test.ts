import * as assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deployFunction, readFunctionSource } from '../../../../src/cloud/deploy';
import { functionTimings } from '../../../fakes/tencent-cloud/actions/functions';
import { startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';
import { HELLO, makeProject } from './functions-support';

describe('TencentBackend functions through manager-node and the fake Cloud API', function () {
  // manager-node polls a function's state once a second while it is created or updated.
  this.timeout(30_000);
  let h: Harness;
  let project: string;
  before(async () => {
    functionTimings.transitionMs = 50;
    h = await startHarness({ functions: { pollIntervalMs: 50 } });
    project = await makeProject({
      alpha: HELLO,
      beta: { 'index.js': "exports.main = async () => { throw new Error('broken on purpose'); };\n" },
      gamma: HELLO,
    });
    for (const name of ['alpha', 'beta', 'gamma']) {
      await deployFunction(h.backend.functions, await readFunctionSource(join(project, 'cloudfunctions', name)));
    }
  });
  after(async () => {
    await h.close();
    await rm(project, { recursive: true, force: true });
  });

  it('lists functions by cursor pages (ListFunctions with TotalCount)', async () => {
    const f = h.backend.functions;
    const first = await f.listFunctions({ limit: 2 });
    assert.deepEqual(first.items.map((i) => [i.name, i.status]), [['alpha', 'Active'], ['beta', 'Active']]);
    assert.ok(first.nextCursor);
    const second = await f.listFunctions({ limit: 2, cursor: first.nextCursor });
    assert.deepEqual(second.items.map((i) => i.name), ['gamma']);
    assert.equal(second.nextCursor, undefined);
    const list = h.fake.requests.filter((r) => r.action === 'ListFunctions').at(-1)!;
    assert.equal(list.params.Offset, 2);
    assert.equal(list.params.EnvId, 'studio-test-1a2b3c');
    await assert.rejects(f.listFunctions({ limit: 2, cursor: 'nonsense' }), { code: 'InvalidArgument' });
  });

  it('reads one function (GetFunction), and undefined for one that does not exist', async () => {
    const info = await h.backend.functions.getFunction!('alpha');
    assert.deepEqual(info, { name: 'alpha', runtime: 'Nodejs20.19', handler: 'index.main', timeoutSeconds: 3, memoryMB: 256, status: 'Active' });
    assert.equal(await h.backend.functions.getFunction!('nope'), undefined);
  });

  it('invokes (scf Invoke, LogType Tail): the result, the log, duration and request id from the local runtime', async () => {
    const r = await h.backend.functions.invoke('alpha', { name: 'ann' });
    assert.deepEqual(r.result, { greeting: 'hi ann', v: 1 });
    assert.equal(r.error, undefined);
    assert.match(r.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(r.durationMs >= 0);
    assert.ok(r.logs.some((l) => l.kind === 'start' && l.message.includes(r.requestId)));
    assert.ok(r.logs.some((l) => l.kind === 'log' && l.message.includes('hello ann')));
    const sent = h.fake.requests.filter((r2) => r2.action === 'Invoke').at(-1)!;
    assert.equal(sent.params.LogType, 'Tail');
    assert.equal(sent.params.Namespace, 'studio-test-1a2b3c');
    assert.equal(sent.params.ClientContext, JSON.stringify({ name: 'ann' }));
  });

  it("reports the function's own failure as the result's error, not a rejection", async () => {
    const r = await h.backend.functions.invoke('beta', {});
    assert.equal(r.result, undefined);
    assert.equal(r.error?.code, 'FunctionError');
    assert.match(r.error!.message, /broken on purpose/);
  });

  it('rejects an unknown function with the service message and request id', async () => {
    await assert.rejects(h.backend.functions.invoke('nope', {}), (e: { code?: string; message?: string; requestId?: string }) => {
      assert.equal(e.code, 'ServiceError');
      assert.match(String(e.message), /nope/);
      assert.equal(typeof e.requestId, 'string');
      return true;
    });
  });
});
