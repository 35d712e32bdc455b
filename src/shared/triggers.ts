/**
 * A function's triggers as the CloudBase CLI and WeChat DevTools write them (`config.json`
 * `triggers`, or `cloudbaserc.json` `functions[].triggers`): `{ name, type: 'timer', config }`,
 * checked the way the cloud checks them, and the event a timer trigger sends.
 */
import { tryParseCron } from './cron';

export interface TriggerInfo {
  name: string;
  type: string;
  /** The cron expression for timers. */
  config: string;
  /** Why the cloud would refuse the trigger; `column` is where in `config` the problem starts. */
  error?: { message: string; column?: number };
}

/** What a timer trigger passes as the function's event. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** When the trigger fired, ISO 8601 in UTC to the second, as the cloud writes it. */
  Time: string;
  Message: string;
}

/** Letters, digits, `-` and `_`, at most 60, starting with a letter. */
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

export function timerEvent(triggerName: string, time: number, message = ''): TimerEvent {
  return { Type: 'Timer', TriggerName: triggerName, Time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: message };
}

/** Each entry of a `triggers` array, in order; entries that are not objects are reported, not dropped. */
export function readTriggers(raw: readonly unknown[]): TriggerInfo[] {
  const seen = new Set<string>();
  return raw.map((entry, index) => {
    const t = entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
    const info: TriggerInfo = {
      name: typeof t.name === 'string' ? t.name : `#${index + 1}`,
      type: typeof t.type === 'string' ? t.type : '',
      config: typeof t.config === 'string' ? t.config : '',
    };
    if (typeof t.name !== 'string' || !TRIGGER_NAME.test(t.name)) {
      info.error = { message: `Trigger ${info.name}: a name has 1–60 letters, digits, "-" or "_" and starts with a letter.` };
    } else if (seen.has(t.name)) {
      info.error = { message: `Trigger ${info.name}: another trigger of this function has the same name.` };
    } else if (info.type !== 'timer') {
      info.error = { message: `Trigger ${info.name}: the type "${info.type}" is not one the local environment runs (only "timer").` };
    } else {
      const parsed = tryParseCron(info.config);
      if (!parsed.ok) info.error = { message: `Trigger ${info.name}: ${parsed.error.message}`, column: parsed.error.column };
    }
    seen.add(info.name);
    return info;
  });
}
