import * as assert from 'node:assert/strict';
import { LogStore } from '../../../../src/emulator/functions/logs';
import { pushFeed } from '../../../../src/extension/logs/logFeeds';
import { LogSession, clampMaxEntries, type SessionOutput } from '../../../../src/extension/logs/logSession';
import { StudioError } from '../../../../src/shared/errors';
import type { PanelLogEntry } from '../../../../src/shared/protocol/logPanel';
import { ManualFeed, ManualTimers, entry, settle, storeLogsApi } from './support';

type Append = Extract<SessionOutput, { type: 'append' }>;

describe('LogSession', () => {
  let timers: ManualTimers;
  let outputs: SessionOutput[];
  const appends = (): Append[] => outputs.filter((o): o is Append => o.type === 'append');
  const statuses = (): string[] => outputs.flatMap((o) => (o.type === 'status' ? [o.status] : []));
  const messages = (entries: readonly { message: string }[]): string[] => entries.map((e) => e.message);
  const session = (over: Partial<ConstructorParameters<typeof LogSession>[0]> = {}): LogSession =>
    new LogSession({ maxEntries: 1000, timers, onOutput: (o) => outputs.push(o), ...over });

  beforeEach(() => {
    timers = new ManualTimers();
    outputs = [];
  });

  describe('batching', () => {
    it('sends a lone entry at once, then at most one batch per 50 ms', async () => {
      const feed = new ManualFeed();
      const s = session();
      void s.attach(feed);
      await settle();
      feed.channel.push([entry(1)]);
      await settle();
      assert.equal(appends().length, 1, 'the first entry waits for nothing');
      assert.deepEqual(messages(appends()[0].entries), ['line 1']);

      for (let i = 2; i <= 40; i++) {
        feed.channel.push([entry(i)]);
        await settle();
        timers.advance(1);
      }
      // 39 entries over 39 ms: still inside the first 50 ms window, so one more batch at its end.
      assert.equal(appends().length, 1);
      timers.advance(11);
      assert.equal(appends().length, 2);
      assert.deepEqual(messages(appends()[1].entries), Array.from({ length: 39 }, (_, i) => `line ${i + 2}`));
      s.dispose();
    });

    it('keeps entries in order with increasing sequence numbers across batches', async () => {
      const feed = new ManualFeed();
      const s = session();
      void s.attach(feed);
      await settle();
      for (let i = 0; i < 500; i++) {
        feed.channel.push([entry(i), entry(i, { message: `again ${i}` })]);
        if (i % 7 === 0) await settle();
        if (i % 13 === 0) timers.advance(20);
      }
      await settle();
      timers.advance(100);
      const all = appends().flatMap((a) => a.entries);
      assert.equal(all.length, 1000);
      assert.ok(all.every((e, i) => i === 0 || e.seq > all[i - 1].seq));
      assert.deepEqual(messages(all.slice(0, 4)), ['line 0', 'again 0', 'line 1', 'again 1']);
      // Far fewer posts than entries: the page is not flooded.
      assert.ok(appends().length <= 500 * 20 / 50 + 2, `${appends().length} batches`);
      s.dispose();
    });

    it('flush() sends what is pending without waiting for the window', async () => {
      const feed = new ManualFeed();
      const s = session();
      void s.attach(feed);
      await settle();
      feed.channel.push([entry(1)]);
      await settle();
      feed.channel.push([entry(2)]);
      await settle();
      assert.equal(appends().length, 1);
      s.flush();
      assert.equal(appends().length, 2);
      assert.equal(timers.pending, 0, 'the batch timer is gone');
      s.dispose();
    });
  });

  describe('cap', () => {
    it('keeps the newest maxEntries and counts the ones let go', async () => {
      const feed = new ManualFeed();
      const s = session({ maxEntries: 1000 });
      void s.attach(feed);
      await settle();
      for (let i = 0; i < 2500; i++) {
        feed.channel.push([entry(i)]);
        if (i % 100 === 0) {
          await settle();
          timers.advance(50);
        }
      }
      await settle();
      s.flush();
      const kept = s.snapshot();
      assert.equal(kept.length, 1000);
      assert.equal(kept[0].message, 'line 1500');
      assert.equal(kept[999].message, 'line 2499');
      assert.equal(s.dropped, 1500);
      assert.equal(appends().at(-1)?.dropped, 1500, 'the page is told how many went');
      s.dispose();
    });

    it('a single burst larger than the cap keeps its newest part', async () => {
      const feed = new ManualFeed();
      const s = session({ maxEntries: 1000 });
      void s.attach(feed);
      await settle();
      feed.channel.push(Array.from({ length: 3500 }, (_, i) => entry(i)));
      await settle();
      const [batch] = appends();
      assert.equal(batch.entries.length, 1000);
      assert.equal(batch.entries[0].message, 'line 2500');
      assert.equal(batch.dropped, 2500);
      s.dispose();
    });

    it('a smaller cap applies at once; clear forgets entries and the count', async () => {
      const feed = new ManualFeed();
      const s = session({ maxEntries: 5000 });
      void s.attach(feed);
      await settle();
      feed.channel.push(Array.from({ length: 3000 }, (_, i) => entry(i)));
      await settle();
      s.setMaxEntries(1000);
      assert.equal(s.snapshot().length, 1000);
      assert.equal(s.dropped, 2000);
      s.clear();
      assert.equal(s.snapshot().length, 0);
      assert.equal(s.dropped, 0);
      s.dispose();
    });

    it('refuses a cap that is not a positive whole number; the setting is clamped', () => {
      assert.throws(() => session({ maxEntries: 0 }), (e: unknown) => e instanceof StudioError && e.code === 'InvalidArgument');
      assert.throws(() => session({ maxEntries: 1.5 }), StudioError);
      assert.equal(clampMaxEntries(undefined), 100_000);
      assert.equal(clampMaxEntries(10), 1000);
      assert.equal(clampMaxEntries(5e9), 1_000_000);
      assert.equal(clampMaxEntries(20_000.4), 20_000);
    });
  });

  describe('de-duplication', () => {
    it('keeps identical lines of a push feed: each batch holds new lines', async () => {
      const feed = new ManualFeed(false);
      const s = session();
      void s.attach(feed);
      await settle();
      const same = entry(1, { message: 'tick' });
      feed.channel.push([same, same]);
      await settle();
      feed.channel.push([same]);
      await settle();
      s.flush();
      assert.equal(s.snapshot().length, 3);
      s.dispose();
    });

    it('drops what an overlapping feed delivers again, but not a genuine repeat', async () => {
      const feed = new ManualFeed(true);
      const s = session();
      void s.attach(feed);
      await settle();
      const tick = entry(5, { message: 'tick' });
      feed.channel.push([entry(1), entry(2), tick]);
      await settle();
      // The next window overlaps: 1, 2 and one tick again, plus a second tick in the same ms and 3.
      feed.channel.push([entry(1), entry(2), tick, tick, entry(3)]);
      await settle();
      timers.advance(50);
      feed.channel.push([entry(3)]);
      await settle();
      timers.advance(50);
      assert.deepEqual(messages(s.snapshot()), ['line 1', 'line 2', 'tick', 'tick', 'line 3']);
      s.dispose();
    });

    it('loads recent history first and does not repeat lines the live tail also delivered', async () => {
      const store = new LogStore();
      store.append(entry(1));
      store.append(entry(2));
      const api = storeLogsApi(store);
      const query = api.query.bind(api);
      // History answers a moment later, as a real one does.
      api.query = async (filter) => {
        await settle();
        return query(filter);
      };
      const s = session();
      void s.attach(pushFeed(api));
      // Logged after the tail subscribed: the store's history and the tail both hold it.
      store.append(entry(3));
      await settle();
      store.append(entry(4));
      await settle();
      timers.advance(50);
      assert.deepEqual(messages(s.snapshot()), ['line 1', 'line 2', 'line 3', 'line 4']);
      assert.equal(s.status, 'live');
      s.dispose();
      await settle();
      assert.equal(api.subscribers(), 0, 'disposing unsubscribes from the store');
    });

    it('attaching again to the same logs (the environment reported running twice) repeats nothing', async () => {
      const store = new LogStore();
      for (let i = 1; i <= 3; i++) store.append(entry(i));
      const s = session();
      void s.attach(pushFeed(storeLogsApi(store)));
      await settle();
      store.append(entry(4));
      await settle();
      void s.attach(pushFeed(storeLogsApi(store)));
      await settle();
      store.append(entry(5));
      await settle();
      timers.advance(50);
      assert.deepEqual(messages(s.snapshot()), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
      s.dispose();
    });

    it('merges a history range by time and leaves out entries already shown', async () => {
      const feed = new ManualFeed();
      feed.history = [entry(10), entry(20), entry(30), entry(40)];
      const s = session({ preload: 0 });
      void s.attach(feed);
      await settle();
      feed.channel.push([entry(30), entry(40), entry(50)]);
      await settle();
      await s.loadHistory({ since: 1_000_000, until: 1_000_045 }, 7);
      const history = outputs.find((o) => o.type === 'history');
      assert.ok(history && history.type === 'history');
      assert.equal(history.requestId, 7);
      assert.deepEqual(messages(history.entries), ['line 10', 'line 20']);
      assert.equal(history.truncated, false);
      assert.deepEqual(messages(s.snapshot()), ['line 10', 'line 20', 'line 30', 'line 40', 'line 50']);
      assert.deepEqual(feed.queries.at(-1), { since: 1_000_000, until: 1_000_045, limit: 10_000 });
      s.dispose();
    });

    it('reports a history request the feed cannot answer, and keeps tailing', async () => {
      const feed = new ManualFeed();
      feed.query = () => Promise.reject(new StudioError('Network', 'unreachable'));
      const s = session({ preload: 0 });
      void s.attach(feed);
      await settle();
      await s.loadHistory({ since: 0 }, 3);
      const failed = outputs.find((o) => o.type === 'historyFailed');
      assert.deepEqual(failed, { type: 'historyFailed', requestId: 3, message: 'unreachable' });
      feed.channel.push([entry(1)]);
      await settle();
      assert.equal(s.snapshot().length, 1);
      s.dispose();
    });
  });

  describe('lifecycle', () => {
    it('goes connecting → live → stopped when the feed ends, and continues on a new feed', async () => {
      const first = new ManualFeed();
      const s = session({ preload: 0 });
      const ended = s.attach(first);
      await settle();
      first.channel.push([entry(1)]);
      await settle();
      first.channel.end();
      await ended;
      assert.deepEqual(statuses(), ['connecting', 'live', 'stopped']);

      const second = new ManualFeed();
      void s.attach(second);
      await settle();
      second.channel.push([entry(2)]);
      await settle();
      timers.advance(50);
      const kept: PanelLogEntry[] = s.snapshot();
      assert.deepEqual(messages(kept), ['line 1', 'line 2']);
      assert.ok(kept[1].seq > kept[0].seq, 'numbers continue');
      s.dispose();
    });

    it('reports a failing feed as an error with its message', async () => {
      const feed = new ManualFeed();
      const s = session({ preload: 0 });
      const ended = s.attach(feed);
      await settle();
      feed.channel.fail(new StudioError('ServiceError', 'the log service broke'));
      await ended;
      assert.deepEqual(outputs.at(-1), { type: 'status', status: 'error', message: 'the log service broke' });
      s.dispose();
    });

    it('a new feed replaces the old one, whose tail is aborted', async () => {
      const first = new ManualFeed();
      const s = session({ preload: 0 });
      void s.attach(first);
      await settle();
      void s.attach(new ManualFeed());
      await settle();
      assert.equal(first.tailSignal?.aborted, true);
      s.dispose();
    });

    it('stops quietly on dispose and refuses further use', async () => {
      const feed = new ManualFeed();
      const s = session({ preload: 0 });
      const ended = s.attach(feed);
      await settle();
      s.dispose();
      await ended;
      assert.equal(feed.tailSignal?.aborted, true);
      assert.ok(!statuses().includes('error'));
      await assert.rejects(() => s.attach(new ManualFeed()), (e: unknown) => e instanceof StudioError && e.code === 'Cancelled');
    });
  });
});
