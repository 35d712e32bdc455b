/**
 * CloudBase's timer-trigger cron: seven fields separated by spaces, seconds first and year last
 * (`second minute hour day-of-month month day-of-week year`), each a list of `*`, values, ranges
 * and `/` steps. Day-of-week runs 0–6 from Sunday, or SUN–SAT; months 1–12 or JAN–DEC; years
 * 1970–2099. When both day fields are restricted a day matches either of them (the cloud's OR).
 *
 * The cloud evaluates schedules in China Standard Time (UTC+8, no daylight saving), so `nextFire`
 * does too unless told another fixed offset; times in and out are epoch milliseconds.
 *
 * Written here rather than taken from a cron library because the common ones know five or six
 * fields (no year), differ on how the day fields combine, and do not say where an error is.
 */
import { StudioError } from './errors';

export const CLOUD_UTC_OFFSET_MINUTES = 8 * 60;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** What the first entry of `names` stands for. */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 0 },
  { name: 'year', min: 1970, max: 2099 },
];

export interface CronSchedule {
  readonly expression: string;
  readonly seconds: readonly boolean[];
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  readonly days: readonly boolean[];
  readonly months: readonly boolean[];
  readonly weekdays: readonly boolean[];
  /** Indexed by year − 1970. */
  readonly years: readonly boolean[];
  readonly daysRestricted: boolean;
  readonly weekdaysRestricted: boolean;
}

export interface CronParseError {
  message: string;
  /** 1-based position in the expression where the problem starts. */
  column: number;
  /** The field's name, when the problem is inside one. */
  field?: string;
}

export type CronParseResult = { ok: true; schedule: CronSchedule } | { ok: false; error: CronParseError };

class FieldError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function valueOf(token: string, offset: number, spec: FieldSpec): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) throw new FieldError(`${token} is outside ${spec.min}–${spec.max}`, offset);
    return n;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom ?? 0);
  if (token === '') throw new FieldError('a value is missing', offset);
  const allowed = spec.names ? ` or one of ${spec.names.join(', ')}` : '';
  throw new FieldError(`"${token}" is not a number from ${spec.min} to ${spec.max}${allowed}`, offset);
}

/** One field into a membership table; offsets in errors are relative to the field's start. */
function parseField(text: string, spec: FieldSpec): { set: boolean[]; restricted: boolean } {
  const set = new Array<boolean>(spec.max + 1).fill(false);
  let restricted = false;
  let offset = 0;
  for (const part of text.split(',')) {
    const slash = part.indexOf('/');
    const rangeText = slash >= 0 ? part.slice(0, slash) : part;
    let step = 1;
    if (slash >= 0) {
      const stepText = part.slice(slash + 1);
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new FieldError(`the step "${stepText}" must be a whole number above 0`, offset + slash + 1);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      [from, to] = [spec.min, spec.max];
      if (slash >= 0) restricted = true;
    } else {
      restricted = true;
      const dash = rangeText.indexOf('-');
      if (dash >= 0) {
        from = valueOf(rangeText.slice(0, dash), offset, spec);
        to = valueOf(rangeText.slice(dash + 1), offset + dash + 1, spec);
        if (to < from) throw new FieldError(`the range ${rangeText} ends before it starts`, offset);
      } else {
        from = valueOf(rangeText, offset, spec);
        // `5/15` runs from 5 to the end of the field, every 15.
        to = slash >= 0 ? spec.max : from;
      }
    }
    for (let v = from; v <= to; v += step) set[v] = true;
    offset += part.length + 1;
  }
  return { set, restricted };
}

export function tryParseCron(expression: string): CronParseResult {
  if (typeof expression !== 'string') return { ok: false, error: { message: 'The schedule must be a string.', column: 1 } };
  const fields: { text: string; start: number }[] = [];
  for (const match of expression.matchAll(/\S+/g)) fields.push({ text: match[0], start: match.index });
  if (fields.length !== FIELDS.length) {
    const column = fields.length > FIELDS.length ? fields[FIELDS.length].start + 1 : Math.max(1, expression.trimEnd().length + 1);
    return {
      ok: false,
      error: {
        message: `A CloudBase timer needs 7 fields (second minute hour day-of-month month day-of-week year), not ${fields.length}.`,
        column,
      },
    };
  }
  const tables: boolean[][] = [];
  const restricted: boolean[] = [];
  for (let i = 0; i < FIELDS.length; i++) {
    try {
      const { set, restricted: r } = parseField(fields[i].text, FIELDS[i]);
      tables.push(set);
      restricted.push(r);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      const column = fields[i].start + e.offset + 1;
      return { ok: false, error: { message: `Column ${column}, ${FIELDS[i].name} field: ${e.message}.`, column, field: FIELDS[i].name } };
    }
  }
  const years = tables[6].slice(1970);
  if (!years.some(Boolean)) return { ok: false, error: { message: 'The year field names no year.', column: fields[6].start + 1, field: 'year' } };
  return {
    ok: true,
    schedule: {
      expression,
      seconds: tables[0],
      minutes: tables[1],
      hours: tables[2],
      days: tables[3],
      months: tables[4],
      weekdays: tables[5],
      years,
      daysRestricted: restricted[3],
      weekdaysRestricted: restricted[5],
    },
  };
}

/** Throws StudioError 'InvalidArgument' naming the column of the first problem. */
export function parseCron(expression: string): CronSchedule {
  const parsed = tryParseCron(expression);
  if (!parsed.ok) throw new StudioError('InvalidArgument', `Invalid cron "${expression}": ${parsed.error.message}`);
  return parsed.schedule;
}

function dayMatches(s: CronSchedule, day: number, weekday: number): boolean {
  if (s.daysRestricted && s.weekdaysRestricted) return s.days[day] || s.weekdays[weekday];
  return s.days[day] && s.weekdays[weekday];
}

function firstFrom(table: readonly boolean[], from: number): number {
  for (let v = from; v < table.length; v++) if (table[v]) return v;
  return -1;
}

/**
 * The first time strictly after `after` (epoch ms) that the schedule names, or undefined when none
 * is left before 2100. `utcOffsetMinutes` is the fixed offset the fields are read in.
 */
export function nextFire(schedule: CronSchedule, after: number, utcOffsetMinutes: number = CLOUD_UTC_OFFSET_MINUTES): number | undefined {
  const shift = utcOffsetMinutes * 60_000;
  // Work on a Date whose UTC fields are the wall-clock fields at the offset.
  const d = new Date(Math.floor((after + shift) / 1000) * 1000 + 1000);
  for (let guard = 0; guard < 100_000; guard++) {
    const year = d.getUTCFullYear();
    if (year > 2099) return undefined;
    if (year < 1970 || !schedule.years[year - 1970]) {
      const next = firstFrom(schedule.years, Math.max(0, year - 1970 + 1));
      if (next < 0) return undefined;
      d.setTime(Date.UTC(1970 + next, 0, 1));
      continue;
    }
    if (!schedule.months[d.getUTCMonth() + 1]) {
      d.setTime(Date.UTC(year, d.getUTCMonth() + 1, 1));
      continue;
    }
    if (!dayMatches(schedule, d.getUTCDate(), d.getUTCDay())) {
      d.setTime(Date.UTC(year, d.getUTCMonth(), d.getUTCDate() + 1));
      continue;
    }
    const hour = firstFrom(schedule.hours, d.getUTCHours());
    if (hour < 0) {
      d.setTime(Date.UTC(year, d.getUTCMonth(), d.getUTCDate() + 1));
      continue;
    }
    if (hour !== d.getUTCHours()) {
      d.setUTCHours(hour, 0, 0, 0);
    }
    const minute = firstFrom(schedule.minutes, d.getUTCMinutes());
    if (minute < 0) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (minute !== d.getUTCMinutes()) d.setUTCMinutes(minute, 0, 0);
    const second = firstFrom(schedule.seconds, d.getUTCSeconds());
    if (second < 0) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    d.setUTCSeconds(second, 0);
    return d.getTime() - shift;
  }
  return undefined;
}
