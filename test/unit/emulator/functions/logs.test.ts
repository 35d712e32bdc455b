import assert from 'node:assert/strict';
import type { LogEntry } from '../../../../src/shared/model';
import { LogStore, OUTPUT_CAP_BYTES, type FunctionRuntime } from '../../../../src/emulator/functions';
import { withFixtureRuntime } from './support';

function entry(i: number, over: Partial<LogEntry> = {}): LogEntry {
  return { time: 1000 + i, level: 'info', functionName: i % 2 ? 'odd' : 'even', requestId: `r${i}`, message: `m${i}`, kind: 'log', ...over };
}

describe('log store', () => {
  it('keeps the newest entries up to its capacity', () => {
    const store = new LogStore(5);
    for (let i = 0; i < 23; i++) store.append(entry(i));
    assert.equal(store.size, 5);
    assert.deepEqual(store.query().map((e) => e.message), ['m18', 'm19', 'm20', 'm21', 'm22']);
  });

  it('is bounded by size as well', () => {
    const store = new LogStore(1000, 10_000);
    for (let i = 0; i < 10; i++) store.append(entry(i, { message: 'x'.repeat(3000) }));
    assert.equal(store.size, 3);
  });

  it('queries by function, request ID, time range and limit', () => {
    const store = new LogStore();
    for (let i = 0; i < 10; i++) store.append(entry(i));
    assert.equal(store.query({ functionName: 'odd' }).length, 5);
    assert.deepEqual(store.query({ requestId: 'r3' }).map((e) => e.message), ['m3']);
    assert.deepEqual(store.query({ since: 1002, until: 1004 }).map((e) => e.message), ['m2', 'm3', 'm4']);
    assert.deepEqual(store.query({ functionName: 'even', limit: 2 }).map((e) => e.message), ['m6', 'm8']);
  });

  it('pushes entries to subscribers until they unsubscribe, whatever another subscriber does', () => {
    const store = new LogStore();
    const seen: string[] = [];
    store.subscribe(() => {
      throw new Error('a broken listener');
    });
    const off = store.subscribe((e) => seen.push(e.message));
    store.append(entry(1));
    off();
    store.append(entry(2));
    assert.deepEqual(seen, ['m1']);
    assert.equal(store.size, 2);
  });
});

describe('function logs', function () {
  this.timeout(60_000);
  let runtime: FunctionRuntime;
  withFixtureRuntime((_, r) => (runtime = r));

  it('records console output with levels, the request ID, start and end', async () => {
    const out = await runtime.invoke('logs', {});
    assert.equal(out.result, 'logged');
    const logs = runtime.logs.query({ requestId: out.requestId });
    assert.deepEqual(logs, out.logs);
    assert.ok(logs.every((e) => e.requestId === out.requestId && e.functionName === 'logs'));
    assert.equal(logs[0].kind, 'start');
    assert.match(logs[0].message, new RegExp(`START RequestId: ${out.requestId}`));
    const end = logs[logs.length - 1];
    assert.equal(end.kind, 'end');
    assert.equal(end.durationMs, out.durationMs);
    assert.match(end.message, /Duration: \d+ ms Memory: 256 MB MemUsage: [\d.]+ MB/);
    const lines = logs.filter((e) => e.kind === 'log').map((e) => `${e.level} ${e.message}`);
    assert.ok(lines.includes('info loaded'), 'output while loading goes to the first invocation');
    for (const expected of ['info log line { n: 1 }', 'info info line', 'warn warn line', 'error error line', 'debug debug line', 'info stdout line', 'error stderr line']) {
      assert.ok(lines.includes(expected), `${expected} in ${JSON.stringify(lines)}`);
    }
    const second = await runtime.invoke('logs', {});
    assert.ok(!second.logs.some((e) => e.message === 'loaded'), 'module output shows once');
  });

  it('pushes each console line to subscribers while the function still runs, within 100 ms', async () => {
    const arrivals: { entry: LogEntry; at: number }[] = [];
    const off = runtime.logs.subscribe((entry) => arrivals.push({ entry, at: Date.now() }));
    try {
      await runtime.invoke('logs', {}); // warm, so the pause below is all that is left
      arrivals.length = 0;
      let seenBeforeEnd = false;
      const running = runtime.invoke('logs', { pauseMs: 600 });
      const t0 = Date.now();
      while (Date.now() - t0 < 500) {
        if (arrivals.some((a) => a.entry.message === 'before pause')) {
          seenBeforeEnd = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const out = await running;
      assert.ok(seenBeforeEnd, 'the line arrived before the invocation ended');
      const line = arrivals.find((a) => a.entry.message === 'before pause')!;
      assert.equal(line.entry.requestId, out.requestId);
      const latency = line.at - line.entry.time;
      assert.ok(latency < 100, `latency ${latency} ms`);
    } finally {
      off();
    }
  });

  it('caps what megabytes of output keep, and nothing hangs', async () => {
    const started = Date.now();
    const out = await runtime.invoke('loud', { mb: 8, hugeLine: 3 * 1024 * 1024 });
    assert.deepEqual((out.result as { done: boolean }).done, true);
    assert.ok(Date.now() - started < 20_000);
    const kept = out.logs.filter((e) => e.kind === 'log').reduce((n, e) => n + e.message.length, 0);
    assert.ok(kept <= OUTPUT_CAP_BYTES + 1024, `kept ${kept} characters`);
    const notices = out.logs.filter((e) => /is dropped/.test(e.message));
    assert.equal(notices.length, 1, 'one notice that output was dropped');
    const next = await runtime.invoke('loud', { mb: 0 });
    assert.equal(next.error, undefined);
    assert.ok(next.logs.some((e) => e.message.startsWith('zzzz') && e.message.length <= 64 * 1024 + 100), 'a long stdout line is cut');
  });
});
