import * as assert from 'node:assert/strict';
import type { LogQuery } from '../../../../src/cloud/backend';
import { exportFormatFor, formatEntries } from '../../../../src/extension/logs/exportFormat';
import { LogStore } from '../../../../src/emulator/functions/logs';
import { pollingFeed, pushFeed } from '../../../../src/extension/logs/logFeeds';
import { LogSession, type SessionOutput } from '../../../../src/extension/logs/logSession';
import { StudioError } from '../../../../src/shared/errors';
import type { LogEntry } from '../../../../src/shared/model';
import { ManualTimers, entry, settle, storeLogsApi } from './support';

/** A log service that only answers searches, like Tencent's: entries appear in it over time. */
class SearchOnlyService {
  readonly entries: LogEntry[] = [];
  readonly asked: LogQuery[] = [];
  failNext = 0;

  /** Every search fails like this from now on (the log service switched off). */
  off?: StudioError;

  async query(filter: LogQuery): Promise<LogEntry[]> {
    this.asked.push(filter);
    if (this.off) throw this.off;
    if (this.failNext > 0) {
      this.failNext--;
      throw new StudioError('Throttled', 'too many requests');
    }
    const found = this.entries.filter((e) => (filter.since === undefined || e.time >= filter.since) && (filter.until === undefined || e.time <= filter.until));
    return filter.limit === undefined ? found : found.slice(-filter.limit);
  }
}

describe('polling feed', () => {
  it('asks again and again with overlapping windows and hands on each line once', async () => {
    const service = new SearchOnlyService();
    let now = 1_000_000;
    let wake: (() => void) | undefined;
    const feed = pollingFeed((q) => service.query(q), {
      now: () => now,
      overlapMs: 500,
      sleep: () => new Promise<void>((r) => (wake = r)),
    });
    // The poller drops the repeats of its overlapping windows; its first window can still repeat the history.
    assert.equal(feed.overlapping, true);
    const outputs: SessionOutput[] = [];
    const session = new LogSession({ maxEntries: 1000, preload: 0, timers: new ManualTimers(), onOutput: (o) => outputs.push(o) });
    void session.attach(feed);
    const tick = async (): Promise<void> => {
      await settle();
      const w = wake;
      wake = undefined;
      w?.();
      await settle();
    };

    service.entries.push(entry(100), entry(200));
    now += 300;
    await tick();
    service.entries.push(entry(250), entry(400));
    now += 300;
    await tick();
    // Indexed late: older than the newest seen, still inside the overlap.
    service.entries.push(entry(300));
    now += 300;
    await tick();
    session.flush();
    assert.deepEqual(
      session.snapshot().map((e) => e.message),
      ['line 100', 'line 200', 'line 250', 'line 400', 'line 300'],
    );
    assert.ok(service.asked.length >= 3);
    for (const q of service.asked.slice(1)) assert.ok(q.since !== undefined && q.until !== undefined && q.since < q.until);
    session.dispose();
    wake?.();
  });

  it('rides out a failed poll or two, and ends with the error after three in a row', async () => {
    const service = new SearchOnlyService();
    const controller = new AbortController();
    const feed = pollingFeed((q) => service.query(q), { sleep: async () => undefined });
    service.failNext = 2;
    service.entries.push(entry(Date.now() - 1_000_000));
    const batches: LogEntry[][] = [];
    const iterator = feed.tail({}, controller.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    batches.push(first.value as LogEntry[]);
    assert.equal(service.asked.length, 3, 'two failures, then an answer');
    service.failNext = 3;
    service.entries.length = 0;
    await assert.rejects(() => iterator.next(), (e: unknown) => e instanceof StudioError && e.code === 'Throttled');
    controller.abort();
  });
});

describe('a polled tail tells the panel when it polled', () => {
  /** The real poller under a session, its pauses taken by hand: each `tick` ends one pause. */
  function polledSession(service: SearchOnlyService, start = 5_000_000) {
    const clock = { now: start };
    const pauses: number[] = [];
    let wake: (() => void) | undefined;
    const feed = pollingFeed((q) => service.query(q), {
      now: () => clock.now,
      intervalMs: 2000,
      maxIntervalMs: 15_000,
      sleep: (ms) => {
        pauses.push(ms);
        return new Promise<void>((r) => (wake = r));
      },
    });
    const outputs: SessionOutput[] = [];
    const session = new LogSession({ maxEntries: 1000, preload: 0, timers: new ManualTimers(), onOutput: (o) => outputs.push(o) });
    const done = session.attach(feed);
    const tick = async (ms: number): Promise<void> => {
      await settle();
      clock.now += ms;
      const w = wake;
      wake = undefined;
      w?.();
      await settle();
    };
    const polls = (): Extract<SessionOutput, { type: 'polled' }>[] => outputs.filter((o): o is Extract<SessionOutput, { type: 'polled' }> => o.type === 'polled');
    return { clock, pauses, session, outputs, done, tick, polls, stop: () => (session.dispose(), wake?.()) };
  }

  it('reports every poll with its time and the pause before the next, which grows while idle and resets with new lines', async () => {
    const service = new SearchOnlyService();
    const t = polledSession(service);
    await settle();
    assert.deepEqual(t.polls(), [{ type: 'polled', at: 5_000_000, nextInMs: 3000 }]);
    await t.tick(3000);
    await t.tick(4500);
    assert.deepEqual(
      t.polls().map((p) => [p.at, p.nextInMs]),
      [
        [5_000_000, 3000],
        [5_003_000, 4500],
        [5_007_500, 6750],
      ],
    );
    service.entries.push(entry(5_010_000 - 1_000_000));
    await t.tick(6750);
    assert.deepEqual(t.polls().at(-1), { type: 'polled', at: 5_014_250, nextInMs: 2000 }, 'new lines bring the pause back to the start');
    assert.deepEqual(t.session.lastPoll, { at: 5_014_250, nextInMs: 2000 });
    assert.equal(t.session.status, 'live');
    // Idle long enough, the pause stops at the ceiling.
    for (let i = 0; i < 8; i++) await t.tick(t.session.lastPoll?.nextInMs ?? 0);
    assert.equal(t.session.lastPoll?.nextInMs, 15_000);
    t.stop();
  });

  it('says the log service is off as its own status, not an error, and polls no more; attaching again retries', async () => {
    const service = new SearchOnlyService();
    const t = polledSession(service);
    await t.tick(3000);
    const asked = service.asked.length;
    service.off = new StudioError('LogServiceOff', "The environment's log service is off.");
    await t.tick(4500);
    await t.done;
    assert.equal(t.session.status, 'serviceOff');
    assert.deepEqual(t.outputs.filter((o) => o.type === 'status').at(-1), { type: 'status', status: 'serviceOff' });
    assert.equal(t.polls().at(-1)?.nextInMs, 0, 'the last poll says no other follows');
    assert.equal(service.asked.length, asked + 1);
    await t.tick(60_000);
    assert.equal(service.asked.length, asked + 1, 'nothing polls after the service was found off');

    // Retry: the service is back on, the same session attaches a new poller.
    service.off = undefined;
    service.entries.push(entry(t.clock.now - 10 - 1_000_000));
    void t.session.attach(pollingFeed((q) => service.query(q), { now: () => t.clock.now, sleep: () => new Promise(() => undefined) }));
    await settle();
    assert.equal(t.session.status, 'live');
    assert.equal(t.session.lastPoll?.at, t.clock.now);
    t.session.flush();
    assert.equal(t.session.snapshot().length, 1);
    t.session.dispose();
  });

  it('a failure that is not the log service is still an error, with its message', async () => {
    const service = new SearchOnlyService();
    service.off = new StudioError('Unauthorized', 'no rights to search');
    const t = polledSession(service);
    await t.done;
    assert.deepEqual(t.outputs.filter((o) => o.type === 'status').at(-1), { type: 'status', status: 'error', message: 'no rights to search' });
  });

  it('a pushed feed says nothing about polls', async () => {
    const store = new LogStore();
    const outputs: SessionOutput[] = [];
    const session = new LogSession({ maxEntries: 1000, preload: 0, timers: new ManualTimers(), onOutput: (o) => outputs.push(o) });
    void session.attach(pushFeed(storeLogsApi(store)));
    await settle();
    store.append(entry(Date.now()));
    await settle();
    session.flush();
    assert.equal(session.snapshot().length, 1);
    assert.equal(outputs.filter((o) => o.type === 'polled').length, 0);
    assert.equal(session.lastPoll, undefined);
    session.dispose();
  });
});

describe('export format', () => {
  const entries: LogEntry[] = [
    { time: Date.UTC(2026, 10, 23, 10, 0, 0, 123), level: 'info', functionName: 'login', requestId: 'req-1', kind: 'start', message: 'START RequestId: req-1' },
    { time: Date.UTC(2026, 10, 23, 10, 0, 0, 130), level: 'error', functionName: 'login', requestId: 'req-1', kind: 'log', message: 'Error: boom\n    at main (index.js:3)' },
    { time: Date.UTC(2026, 10, 23, 10, 0, 0, 140), level: 'info', functionName: 'login', requestId: 'req-1', kind: 'end', message: 'END RequestId: req-1', durationMs: 17, memoryMB: 42.5, result: '{"ok":true}' },
  ];

  it('picks JSON Lines by extension, text otherwise', () => {
    assert.equal(exportFormatFor('/tmp/a.jsonl'), 'jsonl');
    assert.equal(exportFormatFor('C:\\logs\\A.NDJSON'), 'jsonl');
    assert.equal(exportFormatFor('/tmp/a.log'), 'text');
    assert.equal(exportFormatFor('/tmp/a.txt'), 'text');
  });

  it('writes readable lines with ISO times; later lines of a message are indented', () => {
    const text = formatEntries(entries, 'text');
    assert.equal(
      text,
      [
        '2026-11-23T10:00:00.123Z INFO  login req-1 START RequestId: req-1',
        '2026-11-23T10:00:00.130Z ERROR login req-1 Error: boom',
        '        at main (index.js:3)',
        '2026-11-23T10:00:00.140Z INFO  login req-1 END RequestId: req-1 Result: {"ok":true}',
        '',
      ].join('\n'),
    );
  });

  it('writes one JSON object per line that reads back to the same facts', () => {
    const lines = formatEntries(entries, 'jsonl').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    const last = JSON.parse(lines[2]) as Record<string, unknown>;
    assert.deepEqual(last, { time: '2026-11-23T10:00:00.140Z', level: 'info', functionName: 'login', requestId: 'req-1', kind: 'end', message: 'END RequestId: req-1', durationMs: 17, memoryMB: 42.5, result: '{"ok":true}' });
    assert.equal(formatEntries([], 'jsonl'), '');
  });
});
