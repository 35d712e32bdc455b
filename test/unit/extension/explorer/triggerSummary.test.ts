/**
 * What a trigger node says, without VS Code: the schedule in words in English and Chinese, the next
 * fire as the local environment computes it, and a LocalBackend's function listing that carries
 * each trigger checked (an invalid cron with its column).
 */
import * as assert from 'node:assert/strict';
import { describeSchedule, localTimeText, nextFireOf } from '../../../../src/extension/explorer/triggerSummary';
import { readTriggers } from '../../../../src/shared/triggers';

describe('trigger summary', () => {
  it('says a schedule in words, in the editor language', () => {
    assert.equal(describeSchedule('0 0 9 * * * *', 'en'), 'At 09:00');
    assert.equal(describeSchedule('*/5 * * * * * *', 'en'), 'Every 5 seconds');
    assert.equal(describeSchedule('0 15 10 * * MON-FRI *', 'en'), 'At 10:15, Monday through Friday');
    assert.equal(describeSchedule('*/5 * * * * * *', 'zh-cn'), '每隔 5 秒');
    assert.equal(describeSchedule('0 0 9 * * 7 *', 'en'), undefined);
  });

  it('gives the next fire in UTC+8 like the scheduler, and local wall time for display', () => {
    const now = Date.parse('2026-01-01T00:00:00Z'); // 08:00 in UTC+8
    assert.equal(nextFireOf('0 0 9 * * * *', now), Date.parse('2026-01-01T01:00:00Z'));
    assert.equal(nextFireOf('0 0 9 * * * 2020', now), undefined);
    assert.equal(nextFireOf('nonsense', now), undefined);
    assert.match(localTimeText(now), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('checks trigger entries the way the cloud does', () => {
    const checked = readTriggers([
      { name: 'ok', type: 'timer', config: '0 0 2 1 * * *' },
      { name: 'ok', type: 'timer', config: '0 0 2 1 * * *' },
      { name: 'badCron', type: 'timer', config: '0 0 2 32 * * *' },
      { name: 'x'.repeat(61), type: 'timer', config: '* * * * * * *' },
      { name: 'cos', type: 'cos', config: '{}' },
      'not an object',
    ]);
    assert.equal(checked[0].error, undefined);
    assert.match(checked[1].error!.message, /same name/);
    assert.match(checked[2].error!.message, /Column 7, day-of-month field: 32 is outside 1–31/);
    assert.equal(checked[2].error!.column, 7);
    assert.match(checked[3].error!.message, /1–60 letters/);
    assert.match(checked[4].error!.message, /only "timer"/);
    assert.equal(checked[5].name, '#6');
  });
});
