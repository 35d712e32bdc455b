import assert from 'node:assert/strict';
import type { FunctionRuntime } from '../../../../src/emulator/functions';
import { copyFixtureProject, createRuntime, isRunning } from './support';

describe('concurrent invocations', function () {
  this.timeout(120_000);
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  let runtime: FunctionRuntime;
  before(async () => {
    fx = await copyFixtureProject();
    runtime = createRuntime(fx.project, { maxInstancesPerFunction: 10 });
  });
  after(async () => {
    await runtime?.dispose();
    await fx?.remove();
  });

  it('finishes 50 concurrent invocations, none lost, on at most 10 processes, one invocation per process at a time', async () => {
    const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => runtime.invoke('slow', { ms: 50 + (i % 5) * 10 })));
    assert.equal(outs.length, 50);
    assert.ok(outs.every((o) => o.error === undefined), JSON.stringify(outs.find((o) => o.error)?.error));
    assert.equal(new Set(outs.map((o) => o.requestId)).size, 50);
    assert.deepEqual(outs.map((o) => (o.result as { slept: number }).slept), Array.from({ length: 50 }, (_, i) => 50 + (i % 5) * 10));
    const pids = new Set(outs.map((o) => (o.result as { pid: number }).pid));
    assert.ok(pids.size > 1 && pids.size <= 10, `${pids.size} processes`);
    assert.ok(runtime.processIds('slow').length <= 10);
    // One at a time per process: the invocations of a process never overlap in time.
    for (const pid of pids) {
      const spans = outs
        .map((o) => o.result as { pid: number; started: number; ended: number })
        .filter((r) => r.pid === pid)
        .sort((a, b) => a.started - b.started);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i].started >= spans[i - 1].ended, `overlap on ${pid}`);
    }
  });

  it('queues past the cap and serves the queue in order', async () => {
    const capped = createRuntime(fx.project, { maxInstancesPerFunction: 2 });
    try {
      const outs = await Promise.all(Array.from({ length: 8 }, () => capped.invoke('slow', { ms: 100 })));
      const pids = new Set(outs.map((o) => (o.result as { pid: number }).pid));
      assert.equal(pids.size, 2);
      const queued = outs.filter((o) => o.totalMs >= 190);
      assert.ok(queued.length >= 4, 'later invocations waited for a free process');
    } finally {
      await capped.dispose();
    }
  });

  it('cancels a queued invocation and a running one through the signal', async () => {
    const capped = createRuntime(fx.project, { maxInstancesPerFunction: 1 });
    try {
      const running = capped.invoke('slow', { ms: 300 });
      const controller = new AbortController();
      const queued = capped.invoke('slow', { ms: 10 }, { signal: controller.signal });
      controller.abort();
      await assert.rejects(queued, { code: 'Cancelled' });
      assert.equal((await running).error, undefined);

      const pid = capped.processIds('slow')[0];
      const stop = new AbortController();
      const long = capped.invoke('slow', { ms: 5000 }, { signal: stop.signal });
      setTimeout(() => stop.abort(), 100);
      await assert.rejects(long, { code: 'Cancelled' });
      assert.equal(isRunning(pid), false, 'the running process was stopped');
      assert.equal((await capped.invoke('slow', { ms: 1 })).error, undefined);
    } finally {
      await capped.dispose();
    }
  });
});
