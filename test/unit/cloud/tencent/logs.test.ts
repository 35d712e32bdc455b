import * as assert from 'node:assert/strict';
import type { LogsApi } from '../../../../src/cloud/backend';
import { RequestPacer, pollLogs } from '../../../../src/cloud/logPolling';
import { pushFeed } from '../../../../src/extension/logs/logFeeds';
import { LogSession } from '../../../../src/extension/logs/logSession';
import { clsQuery, clsTime, parseClsTime, toLogEntry } from '../../../../src/cloud/tencent/logs-api';
import type { LogEntry } from '../../../../src/shared/model';
import { ENV_ID, SECRET_KEY, startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';

/** One invocation's lines as the function runtime appends them. */
function invocation(fn: string, requestId: string, at: number, lines: string[]): LogEntry[] {
  return [
    { time: at, level: 'info', functionName: fn, requestId, kind: 'start', message: `START RequestId: ${requestId}` },
    ...lines.map((message, i): LogEntry => ({ time: at + 1 + i, level: message.startsWith('Error') ? 'error' : 'info', functionName: fn, requestId, kind: 'log', message })),
    { time: at + 1 + lines.length, level: 'info', functionName: fn, requestId, kind: 'end', message: `END RequestId: ${requestId} Duration: 12 ms`, durationMs: 12, memoryMB: 24.5, result: '{"ok":true}' },
  ];
}

async function collect(logs: LogsApi, filter: { functionName?: string }, until: (seen: LogEntry[]) => boolean, signal: AbortSignal): Promise<LogEntry[]> {
  const seen: LogEntry[] = [];
  for await (const batch of logs.tail(filter, signal)) {
    seen.push(...batch);
    if (until(seen)) break;
  }
  return seen;
}

describe('Tencent log search rows', () => {
  it('writes and reads CLS times in China Standard Time', () => {
    assert.equal(clsTime(Date.UTC(2026, 10, 23, 16, 30, 5, 999)), '2026-11-24 00:30:05');
    assert.equal(parseClsTime('2026-11-24 00:30:05'), Date.UTC(2026, 10, 23, 16, 30, 5));
    assert.equal(parseClsTime('2026-11-24 00:30:05.250'), Date.UTC(2026, 10, 23, 16, 30, 5, 250));
    assert.equal(parseClsTime('1763915405250'), 1763915405250);
    assert.equal(parseClsTime(1763915405), 1763915405000);
    assert.equal(parseClsTime('not a time'), undefined);
  });

  it('quotes query values and maps SCF-style contents too', () => {
    assert.equal(clsQuery({}), '*');
    assert.equal(clsQuery({ functionName: 'a"b', requestId: 'r1' }), 'function_name:"a\\"b" AND request_id:"r1"');
    const scf = toLogEntry({ Timestamp: '1763915405250', Content: JSON.stringify({ SCF_FunctionName: 'f', SCF_RequestId: 'r', SCF_Message: 'REPORT RequestId: r', SCF_Level: 'ERROR', SCF_Duration: '30', SCF_MemUsage: 1048576 }) });
    assert.deepEqual(scf, { time: 1763915405250, level: 'error', functionName: 'f', requestId: 'r', message: 'REPORT RequestId: r', kind: 'end', durationMs: 30, memoryMB: 1 });
    assert.equal(toLogEntry({ Timestamp: '1763915405250', Content: 'plain text line' })?.message, 'plain text line');
    assert.equal(toLogEntry({ Content: '{}' }), undefined);
  });
});

describe('request pacer', () => {
  it('lets no more than the given number of requests start in a second, however many ask at once', async () => {
    const pacer = new RequestPacer(20);
    const started: number[] = [];
    await Promise.all(Array.from({ length: 11 }, () => pacer.wait().then(() => started.push(Date.now()))));
    started.sort((a, b) => a - b);
    assert.ok(started.at(-1)! - started[0]! >= 480, `11 requests within ${started.at(-1)! - started[0]!} ms`);
    const controller = new AbortController();
    const late = pacer.wait(controller.signal);
    controller.abort();
    await assert.rejects(late, { code: 'Cancelled' });
  });
});

describe('log polling', () => {
  it('hands on a line logged twice in the same millisecond twice, and each once however many windows see it', async () => {
    const line = (message: string): LogEntry => ({ time: 5_000, level: 'info', functionName: 'f', requestId: 'r', kind: 'log', message });
    const answers = [[line('a'), line('a'), line('b')], [line('a'), line('a'), line('b'), line('c')], [line('a'), line('b'), line('c')]];
    const controller = new AbortController();
    const batches: string[][] = [];
    const search = async (): Promise<LogEntry[]> => {
      const next = answers.shift();
      if (!next) controller.abort();
      return next ?? [];
    };
    for await (const batch of pollLogs(search, {}, controller.signal, { now: () => 6_000, sleep: async () => undefined })) batches.push(batch.map((e) => e.message));
    assert.deepEqual(batches, [['a', 'a', 'b'], ['c']]);
  });
});

describe('TencentBackend logs through manager-node and the fake SearchClsLog', () => {
  let h: Harness;
  let logs: LogsApi;
  const append = (entries: LogEntry[]): void => {
    for (const e of entries) h.fake.environment(ENV_ID).local.functions.logs.append(e);
  };
  beforeEach(async () => {
    h = await startHarness({ logPolling: { intervalMs: 20, maxIntervalMs: 80, overlapMs: 60_000 } });
    logs = h.backend.logs;
  });
  afterEach(async () => {
    await h.close();
  });

  it('queries by function, request and time, follows Context past 100 rows, newest kept, oldest first', async () => {
    const base = Date.now() - 60_000;
    append(invocation('login', 'req-a', base, ['hello', 'Error: boom']));
    append(invocation('orders', 'req-b', base + 100, ['order 1']));
    const many: string[] = Array.from({ length: 230 }, (_, i) => `row ${i}`);
    append(invocation('bulk', 'req-c', base + 1000, many));

    const login = await logs.query({ functionName: 'login' });
    assert.deepEqual(login.map((e) => [e.kind, e.message]), [
      ['start', 'START RequestId: req-a'],
      ['log', 'hello'],
      ['log', 'Error: boom'],
      ['end', 'END RequestId: req-a Duration: 12 ms'],
    ]);
    assert.equal(login[2]!.level, 'error');
    assert.deepEqual({ ...login[3], time: 0 }, { time: 0, level: 'info', functionName: 'login', requestId: 'req-a', kind: 'end', message: 'END RequestId: req-a Duration: 12 ms', durationMs: 12, memoryMB: 24.5, result: '{"ok":true}' });
    assert.deepEqual((await logs.query({ requestId: 'req-b' })).map((e) => e.message), ['START RequestId: req-b', 'order 1', 'END RequestId: req-b Duration: 12 ms']);

    const before = h.fake.requests.filter((r) => r.action === 'SearchClsLog').length;
    const bulk = await logs.query({ functionName: 'bulk', limit: 150 });
    assert.equal(bulk.length, 150);
    assert.equal(bulk.at(-1)!.kind, 'end');
    assert.equal(bulk[0]!.message, 'row 81');
    for (let i = 1; i < bulk.length; i++) assert.ok(bulk[i]!.time >= bulk[i - 1]!.time);
    const searches = h.fake.requests.filter((r) => r.action === 'SearchClsLog').slice(before);
    assert.equal(searches.length, 2);
    assert.deepEqual(searches.map((r) => r.params.Limit), [100, 100]);
    assert.ok(searches[1]!.params.Context);
    assert.equal(searches[0]!.params.Sort, 'desc');
    assert.equal(searches[0]!.params.TenantModel, 'public');
    assert.match(String(searches[0]!.params.StartTime), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const all = await logs.query({ functionName: 'bulk' });
    assert.equal(all.length, 232);
    const window = await logs.query({ since: base + 100, until: base + 101 });
    assert.deepEqual(window.map((e) => e.message), ['START RequestId: req-b', 'order 1']);
    assert.deepEqual(await logs.query({ functionName: 'nobody' }), []);
    await assert.rejects(logs.query({ limit: -1 }), { code: 'InvalidArgument' });
  });

  it('says plainly when the log service is off, without searching', async () => {
    h.fake.setLogService(ENV_ID, false);
    await assert.rejects(logs.query({}), (e: { code?: string; message?: string }) => e.code === 'LogServiceOff' && /log service is off/.test(e.message ?? ''));
    const controller = new AbortController();
    await assert.rejects(collect(logs, {}, () => true, controller.signal), { code: 'LogServiceOff' });
    assert.equal(h.fake.requests.filter((r) => r.action === 'SearchClsLog').length, 0);
  });

  it('tells the tail\'s reader when it polled, and ends the tail at once when the log service is turned off', async () => {
    const polls: { at: number; nextInMs: number }[] = [];
    const controller = new AbortController();
    const tail = (async () => {
      for await (const _ of logs.tail({}, controller.signal, { onPolled: (p) => polls.push(p) })) void _;
    })();
    while (polls.length < 2) await new Promise((r) => setTimeout(r, 20));
    const before = Date.now();
    assert.ok(polls.every((p) => p.at <= before && p.at > before - 10_000 && p.nextInMs > 0));
    h.fake.setLogService(ENV_ID, false);
    await assert.rejects(tail, { code: 'LogServiceOff' });
    assert.equal(polls.at(-1)?.nextInMs, 0, 'no poll follows');
    const searches = h.fake.requests.filter((r) => r.action === 'SearchClsLog').length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.fake.requests.filter((r) => r.action === 'SearchClsLog').length, searches);
  });

  it('tails by polling overlapping windows, each line once, new lines as they come, under 20 requests a second', async () => {
    const controller = new AbortController();
    const started = Date.now();
    append(invocation('old', 'req-old', started - 120_000, ['long ago']));
    const tail = collect(logs, { functionName: 'login' }, (seen) => seen.length >= 6, controller.signal);
    await new Promise((r) => setTimeout(r, 150));
    append(invocation('login', 'req-1', Date.now(), ['first']));
    append(invocation('orders', 'req-x', Date.now(), ['other function']));
    await new Promise((r) => setTimeout(r, 400));
    // Indexed late: older than what the tail has seen, still inside the overlap.
    append(invocation('login', 'req-2', Date.now() - 5_000, ['second']));
    const seen = await tail;
    controller.abort();
    assert.deepEqual(seen.map((e) => e.message).sort(), ['END RequestId: req-1 Duration: 12 ms', 'END RequestId: req-2 Duration: 12 ms', 'START RequestId: req-1', 'START RequestId: req-2', 'first', 'second'].sort());
    const searches = h.fake.requests.filter((r) => r.action === 'SearchClsLog');
    assert.ok(searches.length >= 3, 'several polls saw the same lines');
    for (const s of searches) {
      assert.equal(s.params.Sort, 'asc');
      assert.equal(s.params.QueryString, 'function_name:"login"');
      const inSecond = searches.filter((o) => o.at >= s.at && o.at < s.at + 1000).length;
      assert.ok(inSecond <= 20, `${inSecond} searches within a second`);
    }
  });

  it('shows each line once in a log session that loads history and then tails', async () => {
    append(invocation('f', 'req-before', Date.now() - 10_000, ['before the panel opened']));
    const session = new LogSession({ maxEntries: 1000, onOutput: () => undefined });
    // The tail's first search (it starts first) is slow, so the history is in before its first window, which repeats it.
    h.fake.inject('SearchClsLog', { kind: 'slow', delayMs: 300 }, 1);
    void session.attach(pushFeed(logs));
    await new Promise((r) => setTimeout(r, 500));
    append(invocation('f', 'req-after', Date.now(), ['after']));
    await new Promise((r) => setTimeout(r, 400));
    session.flush();
    const messages = session.snapshot().map((e) => e.message);
    session.dispose();
    assert.deepEqual(messages.filter((m) => m === 'before the panel opened'), ['before the panel opened']);
    assert.deepEqual(messages.filter((m) => m === 'after'), ['after']);
    assert.equal(messages.length, 6);
  });

  it('keeps tailing through a throttled poll and ends with the error after three failed polls', async () => {
    const controller = new AbortController();
    h.fake.inject('SearchClsLog', { kind: 'throttle' }, 4);
    const tail = collect(logs, {}, (seen) => seen.length >= 3, controller.signal);
    append(invocation('f', 'req-t', Date.now(), ['after throttling']));
    assert.equal((await tail).length, 3);
    controller.abort();

    h.fake.inject('SearchClsLog', { kind: 'serverError' });
    await assert.rejects(collect(logs, {}, () => true, new AbortController().signal), { code: 'ServiceError' });
  });

  it('retries throttled searches, reports 5xx, malformed and expired answers, and times out', async () => {
    append(invocation('f', 'req-1', Date.now() - 1000, ['x']));
    h.fake.inject('SearchClsLog', { kind: 'throttle' }, 2);
    assert.equal((await logs.query({})).length, 3);
    h.fake.inject('SearchClsLog', { kind: 'throttle' });
    await assert.rejects(logs.query({}), (e: { code?: string; requestId?: string }) => e.code === 'Throttled' && typeof e.requestId === 'string');
    h.fake.inject('SearchClsLog', { kind: 'serverError', status: 503 });
    await assert.rejects(logs.query({}), { code: 'ServiceError' });
    h.fake.inject('SearchClsLog', { kind: 'malformed' });
    await assert.rejects(logs.query({}), { code: 'ServiceError', message: /not JSON/ });
    h.fake.inject('SearchClsLog', { kind: 'expiredToken' });
    await assert.rejects(logs.query({}), { code: 'Unauthorized' });
    h.fake.clearFaults();

    await h.close();
    h = await startHarness({ timeoutMs: 300 });
    h.fake.inject('SearchClsLog', { kind: 'slow', delayMs: 3000 });
    await assert.rejects(h.backend.logs.query({}), { code: 'Timeout' });
  });

  it('refuses a wrong key without showing it', async () => {
    await h.close();
    const wrong = 'wrongSecretKey-logs-0123456789';
    h = await startHarness({}, { secretKey: wrong });
    const error = await h.backend.logs.query({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal((error as { code?: string }).code, 'Unauthorized');
    for (let c: unknown = error; c instanceof Error; c = c.cause) {
      assert.ok(!c.message.includes(wrong));
      assert.ok(!c.message.includes(SECRET_KEY));
    }
  });
});
