import assert from 'node:assert/strict';
import { nextFire, parseCron, tryParseCron } from '../../../src/shared/cron';

/** Wall-clock time in China Standard Time, where the cloud reads schedules. */
const cst = (text: string): number => Date.parse(`${text.replace(' ', 'T')}+08:00`);
const show = (ms: number | undefined): string =>
  ms === undefined ? 'none' : new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

function fires(expression: string, from: string, count: number): string[] {
  const schedule = parseCron(expression);
  const out: string[] = [];
  let t: number | undefined = cst(from);
  for (let i = 0; i < count && t !== undefined; i++) {
    t = nextFire(schedule, t);
    out.push(show(t));
  }
  return out;
}

describe('timer cron (CloudBase 7 fields)', () => {
  // The examples of CloudBase's timer trigger documentation; 2026-01-01 is a Thursday.
  const documented: [string, string, string, string[]][] = [
    ['*/5 * * * * * *', 'every 5 seconds', '2026-01-01 00:00:03', ['2026-01-01 00:00:05', '2026-01-01 00:00:10', '2026-01-01 00:00:15']],
    ['0 0 2 1 * * *', '02:00 on the 1st of every month', '2026-01-01 02:00:00', ['2026-02-01 02:00:00', '2026-03-01 02:00:00', '2026-04-01 02:00:00']],
    ['0 15 10 * * MON-FRI *', '10:15 Monday to Friday', '2026-01-01 11:00:00', ['2026-01-02 10:15:00', '2026-01-05 10:15:00', '2026-01-06 10:15:00']],
    ['0 0 10,14,16 * * * *', '10:00, 14:00 and 16:00 every day', '2026-01-01 12:00:00', ['2026-01-01 14:00:00', '2026-01-01 16:00:00', '2026-01-02 10:00:00']],
    ['0 */30 9-17 * * * *', 'every half hour from 09:00 to 17:30', '2026-01-01 17:10:00', ['2026-01-01 17:30:00', '2026-01-02 09:00:00', '2026-01-02 09:30:00']],
    ['0 0 12 * * WED *', 'noon every Wednesday', '2026-01-01 00:00:00', ['2026-01-07 12:00:00', '2026-01-14 12:00:00', '2026-01-21 12:00:00']],
  ];
  for (const [expression, meaning, from, expected] of documented) {
    it(`${expression}: ${meaning}`, () => assert.deepEqual(fires(expression, from, 3), expected));
  }

  const more: [string, string, string, string[]][] = [
    ['0 0 9 * * * *', 'the issue example, daily at 09:00', '2026-01-01 09:00:00', ['2026-01-02 09:00:00', '2026-01-03 09:00:00']],
    ['0 0 0 13 * FRI *', 'day fields combine as OR: the 13th and every Friday', '2026-02-01 00:00:00', ['2026-02-06 00:00:00', '2026-02-13 00:00:00', '2026-02-20 00:00:00']],
    ['0 0 0 */10 * * *', 'a step on day-of-month alone restricts it', '2026-01-01 00:00:00', ['2026-01-11 00:00:00', '2026-01-21 00:00:00', '2026-01-31 00:00:00']],
    ['0 0 0 31 * * *', 'months without a 31st are skipped', '2026-01-31 00:00:00', ['2026-03-31 00:00:00', '2026-05-31 00:00:00']],
    ['0 0 0 29 2 * *', 'leap days', '2026-01-01 00:00:00', ['2028-02-29 00:00:00', '2032-02-29 00:00:00']],
    ['0 0 0 1 1 * 2027-2028', 'a year range, then nothing left', '2026-06-01 00:00:00', ['2027-01-01 00:00:00', '2028-01-01 00:00:00', 'none']],
    ['0 0 8 * JAN,DEC SUN *', 'month and weekday names, a list', '2026-01-20 00:00:00', ['2026-01-25 08:00:00', '2026-12-06 08:00:00']],
    ['10/20 * * * * * *', 'a step from a start value', '2026-01-01 00:00:00', ['2026-01-01 00:00:10', '2026-01-01 00:00:30', '2026-01-01 00:00:50', '2026-01-01 00:01:10']],
    ['59 59 23 31 12 * *', 'the last second of a year rolls over', '2026-12-31 23:59:59', ['2027-12-31 23:59:59']],
    ['0 0 0 * * 0 *', 'day-of-week 0 is Sunday', '2026-01-01 00:00:00', ['2026-01-04 00:00:00']],
  ];
  for (const [expression, meaning, from, expected] of more) {
    it(`${expression}: ${meaning}`, () => assert.deepEqual(fires(expression, from, expected.length), expected));
  }

  it('reads the fields at another fixed offset when told', () => {
    const schedule = parseCron('0 0 9 * * * *');
    const utc = nextFire(schedule, Date.parse('2026-01-01T00:00:00Z'), 0);
    assert.equal(new Date(utc!).toISOString(), '2026-01-01T09:00:00.000Z');
  });

  const invalid: [string, number, RegExp][] = [
    ['0 0 9 * * *', 12, /7 fields.*not 6/],
    ['0 0 9 * * * * *', 15, /7 fields.*not 8/],
    ['60 * * * * * *', 1, /second field: 60 is outside 0–59/],
    ['0 0 24 * * * *', 5, /hour field: 24 is outside 0–23/],
    ['0 0 9 0 * * *', 7, /day-of-month field: 0 is outside 1–31/],
    ['0 0 9 * 13 * *', 9, /month field: 13 is outside 1–12/],
    ['0 0 9 * * 7 *', 11, /day-of-week field: 7 is outside 0–6/],
    ['0 0 9 * * MON-FUN *', 15, /day-of-week field: "FUN" is not a number/],
    ['0 0 9 * * * 1969', 13, /year field: 1969 is outside 1970–2099/],
    ['0 0 9 ? * * *', 7, /day-of-month field: "\?" is not a number/],
    ['0 0 9 L * * *', 7, /"L" is not a number/],
    ['*/0 * * * * * *', 3, /step "0" must be a whole number above 0/],
    ['0 5-1 * * * * *', 3, /range 5-1 ends before it starts/],
    ['0 1,,2 * * * * *', 5, /a value is missing/],
    ['', 1, /7 fields.*not 0/],
  ];
  for (const [expression, column, message] of invalid) {
    it(`refuses ${JSON.stringify(expression)} at column ${column}`, () => {
      const parsed = tryParseCron(expression);
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      assert.equal(parsed.error.column, column);
      assert.match(parsed.error.message, message);
      assert.throws(() => parseCron(expression), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && message.test(e.message));
    });
  }
});
