/**
 * Fires the project's timer triggers on schedule, with the event the cloud sends, through the
 * function runtime. Each trigger has one timer armed for its next fire; fires do not wait for the
 * invocation (the cloud does not either), and the next one is armed at once.
 *
 * A fire that comes much later than planned (the machine slept, or the process was stopped) is
 * skipped, not replayed, as in the cloud: the trigger waits for its next time after now.
 */
import { CLOUD_UTC_OFFSET_MINUTES, nextFire, parseCron, type CronSchedule } from '../../shared/cron';
import { readTriggers, timerEvent, type TriggerInfo } from '../../shared/triggers';
import type { FunctionDefinition } from '../../project/functions/definitions';

/** Time and timers, replaceable so tests drive the schedule without waiting. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    const t = setTimeout(callback, ms);
    // Timers alone must not keep a process (the CLI, a test) alive.
    t.unref();
    return t;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** setTimeout takes at most 2^31 − 1 ms; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Later than this past its time, a fire counts as missed. */
export const DEFAULT_MISSED_AFTER_MS = 5_000;

export type TimerNotice =
  | { kind: 'fired'; functionName: string; triggerName: string; scheduled: number; at: number }
  | { kind: 'missed'; functionName: string; triggerName: string; scheduled: number; at: number }
  | { kind: 'failed'; functionName: string; triggerName: string; error: unknown }
  | { kind: 'invalid'; functionName: string; triggerName: string; message: string };

export interface TimerSchedulerOptions {
  /** The functions with their triggers, read again on refresh(). */
  list(): Promise<FunctionDefinition[]>;
  /** Runs the function with the timer's event; the result is not returned to anyone (as in the cloud). */
  invoke(functionName: string, event: unknown): Promise<unknown>;
  clock?: Clock;
  /** The fixed offset the cron fields are read in; default the cloud's UTC+8. */
  utcOffsetMinutes?: number;
  missedAfterMs?: number;
  paused?: boolean;
  onNotice?: (notice: TimerNotice) => void;
}

export interface ScheduledTrigger extends TriggerInfo {
  functionName: string;
  /** Epoch ms of the next fire; absent when invalid, paused, or no time is left. */
  nextFire?: number;
}

interface Armed {
  functionName: string;
  info: TriggerInfo;
  schedule?: CronSchedule;
  due?: number;
  handle?: unknown;
}

export class TimerScheduler {
  private armed = new Map<string, Armed>();
  private paused: boolean;
  private disposed = false;
  private readonly clock: Clock;
  private readonly offset: number;
  private readonly missedAfter: number;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly options: TimerSchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.offset = options.utcOffsetMinutes ?? CLOUD_UTC_OFFSET_MINUTES;
    this.missedAfter = options.missedAfterMs ?? DEFAULT_MISSED_AFTER_MS;
    this.paused = options.paused ?? false;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Reads the triggers again; unchanged ones keep their armed time. Calls run one after another. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.reload()).catch(() => undefined);
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const functions = await this.options.list();
    if (this.disposed) return;
    const next = new Map<string, Armed>();
    for (const def of functions) {
      for (const info of readTriggers(def.triggers)) {
        const key = `${def.name}\0${info.name}\0${info.type}\0${info.config}\0${info.error?.message ?? ''}`;
        const known = this.armed.get(key);
        if (known) {
          next.set(key, known);
          continue;
        }
        const entry: Armed = { functionName: def.name, info };
        if (!info.error) entry.schedule = parseCron(info.config);
        else this.options.onNotice?.({ kind: 'invalid', functionName: def.name, triggerName: info.name, message: info.error.message });
        next.set(key, entry);
      }
    }
    for (const [key, old] of this.armed) if (!next.has(key)) this.disarm(old);
    this.armed = next;
    if (!this.paused) for (const entry of next.values()) if (entry.handle === undefined) this.arm(entry);
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const entry of this.armed.values()) {
      if (paused) this.disarm(entry);
      else this.arm(entry);
    }
  }

  /** Every trigger of every function, valid or not, with its next fire. */
  list(): ScheduledTrigger[] {
    return [...this.armed.values()].map((e) => {
      const out: ScheduledTrigger = { ...e.info, functionName: e.functionName };
      if (e.due !== undefined) out.nextFire = e.due;
      return out;
    });
  }

  /** Fires a trigger once now, outside its schedule; resolves with the invocation's outcome. */
  runNow(functionName: string, triggerName: string): Promise<unknown> {
    return this.options.invoke(functionName, timerEvent(triggerName, this.clock.now()));
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.armed.values()) this.disarm(entry);
    this.armed.clear();
  }

  private disarm(entry: Armed): void {
    if (entry.handle !== undefined) this.clock.clearTimer(entry.handle);
    entry.handle = undefined;
    entry.due = undefined;
  }

  private arm(entry: Armed, after: number = this.clock.now()): void {
    if (!entry.schedule || this.disposed || this.paused) return;
    const due = nextFire(entry.schedule, after, this.offset);
    entry.due = due;
    if (due === undefined) return;
    this.wait(entry, due);
  }

  private wait(entry: Armed, due: number): void {
    const delay = Math.max(0, due - this.clock.now());
    entry.handle = this.clock.setTimer(
      () => {
        entry.handle = undefined;
        if (this.clock.now() < due) this.wait(entry, due);
        else this.fire(entry, due);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }

  private fire(entry: Armed, due: number): void {
    if (this.disposed || this.paused) return;
    const at = this.clock.now();
    const base = { functionName: entry.functionName, triggerName: entry.info.name, scheduled: due, at };
    // The next time after now, so a long sleep does not fire every time it passed over.
    this.arm(entry, Math.max(at, due));
    if (at - due > this.missedAfter) {
      this.options.onNotice?.({ kind: 'missed', ...base });
      return;
    }
    this.options.onNotice?.({ kind: 'fired', ...base });
    this.options.invoke(entry.functionName, timerEvent(entry.info.name, due)).catch((error: unknown) => {
      this.options.onNotice?.({ kind: 'failed', functionName: entry.functionName, triggerName: entry.info.name, error });
    });
  }
}
