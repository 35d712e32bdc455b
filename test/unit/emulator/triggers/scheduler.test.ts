import assert from 'node:assert/strict';
import type { FunctionDefinition } from '../../../../src/project/functions/definitions';
import { TimerScheduler, type Clock, type TimerNotice } from '../../../../src/emulator/triggers/scheduler';
import type { TimerEvent } from '../../../../src/shared/triggers';

/** A clock the test moves: timers run in time order as it passes them. */
class TestClock implements Clock {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private ids = 0;
  constructor(private time: number) {}
  now(): number {
    return this.time;
  }
  setTimer(callback: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ id, at: this.time + ms, callback });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Moves time forward, running each timer at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = end;
  }
  /** Time passes without any timer running (the machine slept), then the late timers run. */
  sleep(ms: number): void {
    this.time += ms;
    this.advance(0);
  }
}

const cst = (text: string): number => Date.parse(`${text.replace(' ', 'T')}+08:00`);

function definition(name: string, triggers: unknown[]): FunctionDefinition {
  return { name, folder: `/p/${name}`, runtime: 'Nodejs20.19', timeoutSeconds: 3, memoryMB: 256, handler: 'index.main', envVariables: {}, triggers: triggers as never, status: 'Active', warnings: [] };
}

describe('timer trigger scheduler', () => {
  let clock: TestClock;
  let functions: FunctionDefinition[];
  let calls: { name: string; event: TimerEvent }[];
  let notices: TimerNotice[];
  let scheduler: TimerScheduler;

  beforeEach(() => {
    clock = new TestClock(cst('2026-01-01 08:59:58'));
    functions = [definition('daily', [{ name: 'nine', type: 'timer', config: '0 0 9 * * * *' }])];
    calls = [];
    notices = [];
    scheduler = new TimerScheduler({
      list: async () => functions,
      invoke: async (name, event) => void calls.push({ name, event: event as TimerEvent }),
      clock,
      onNotice: (n) => notices.push(n),
    });
  });
  afterEach(() => scheduler.dispose());

  it('fires at the scheduled second with the cloud event, and arms the next day', async () => {
    await scheduler.refresh();
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-01 09:00:00'));
    clock.advance(1_999);
    assert.equal(calls.length, 0);
    clock.advance(1);
    assert.deepEqual(calls, [{ name: 'daily', event: { Type: 'Timer', TriggerName: 'nine', Time: '2026-01-01T01:00:00Z', Message: '' } }]);
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-02 09:00:00'));
    clock.advance(24 * 3600_000);
    assert.equal(calls.length, 2);
    assert.equal(calls[1].event.Time, '2026-01-02T01:00:00Z');
  });

  it('does not replay fires missed while the machine slept: it waits for the next time after waking', async () => {
    await scheduler.refresh();
    clock.sleep(3 * 24 * 3600_000); // wakes on 2026-01-04 08:59:58, three 09:00 fires missed
    assert.equal(calls.length, 0);
    assert.equal(notices.filter((n) => n.kind === 'missed').length, 1);
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-04 09:00:00'));
    clock.advance(2_000);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].event.Time, '2026-01-04T01:00:00Z');
  });

  it('pauses every timer and resumes from now', async () => {
    await scheduler.refresh();
    scheduler.setPaused(true);
    assert.equal(clock.pending, 0);
    assert.equal(scheduler.list()[0].nextFire, undefined);
    clock.advance(2 * 24 * 3600_000);
    assert.equal(calls.length, 0);
    scheduler.setPaused(false);
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-03 09:00:00'));
  });

  it('follows edits: a changed schedule re-arms, a removed trigger stops, an unchanged one keeps its timer', async () => {
    functions.push(definition('often', [{ name: 'tick', type: 'timer', config: '*/10 * * * * * *' }]));
    await scheduler.refresh();
    assert.equal(clock.pending, 2);
    functions[1] = definition('often', [{ name: 'tick', type: 'timer', config: '30 * * * * * *' }]);
    await scheduler.refresh();
    assert.equal(clock.pending, 2);
    assert.equal(scheduler.list().find((t) => t.functionName === 'often')!.nextFire, cst('2026-01-01 09:00:30'));
    functions.pop();
    await scheduler.refresh();
    assert.equal(clock.pending, 1);
    clock.advance(60_000);
    assert.deepEqual(calls.map((c) => c.name), ['daily']);
  });

  it('lists an invalid trigger with its error and never fires it; others of the project still run', async () => {
    functions.push(definition('broken', [{ name: 'bad', type: 'timer', config: '0 0 25 * * * *' }, { name: '9lives', type: 'timer', config: '* * * * * * *' }]));
    await scheduler.refresh();
    const broken = scheduler.list().filter((t) => t.functionName === 'broken');
    assert.match(broken[0].error!.message, /hour field: 25 is outside 0–23/);
    assert.equal(broken[0].error!.column, 5);
    assert.match(broken[1].error!.message, /starts with a letter/);
    assert.equal(broken[0].nextFire, undefined);
    clock.advance(10_000);
    assert.deepEqual(calls.map((c) => c.name), ['daily']);
  });

  it('fires an every-second trigger each second and keeps firing while invocations are still running', async () => {
    const pending: (() => void)[] = [];
    scheduler.dispose();
    scheduler = new TimerScheduler({
      list: async () => [definition('each', [{ name: 's', type: 'timer', config: '* * * * * * *' }])],
      invoke: (name, event) => {
        calls.push({ name, event: event as TimerEvent });
        return new Promise<void>((resolve) => pending.push(resolve));
      },
      clock,
    });
    await scheduler.refresh();
    clock.advance(5_000);
    assert.equal(calls.length, 5);
    assert.deepEqual(calls.map((c) => c.event.Time.slice(17)), ['59Z', '00Z', '01Z', '02Z', '03Z']);
    for (const r of pending) r();
  });

  it('Run Now fires once outside the schedule with the same event shape', async () => {
    await scheduler.refresh();
    await scheduler.runNow('daily', 'nine');
    assert.deepEqual(calls[0].event, { Type: 'Timer', TriggerName: 'nine', Time: '2026-01-01T00:59:58Z', Message: '' });
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-01 09:00:00'));
  });

  it('reports a failed invocation and goes on', async () => {
    scheduler.dispose();
    scheduler = new TimerScheduler({
      list: async () => functions,
      invoke: async () => {
        throw new Error('gone');
      },
      clock,
      onNotice: (n) => notices.push(n),
    });
    await scheduler.refresh();
    clock.advance(2_000);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(notices.map((n) => n.kind), ['fired', 'failed']);
    assert.equal(scheduler.list()[0].nextFire, cst('2026-01-02 09:00:00'));
  });
});
