/** What the scheduler tells becomes a line in the function's log, where the user looks for it. */
import { messageOf } from '../../shared/errors';
import type { LogEntry } from '../../shared/model';
import type { TimerNotice } from './scheduler';

export function timerNoticeEntry(notice: TimerNotice, now: number = Date.now()): LogEntry | undefined {
  const base = { time: now, functionName: notice.functionName, requestId: '', kind: 'log' as const };
  switch (notice.kind) {
    case 'fired':
      return undefined;
    case 'missed':
      return {
        ...base,
        level: 'warn',
        message: `Timer trigger ${notice.triggerName}: the fire due at ${new Date(notice.scheduled).toISOString()} was missed (the machine was asleep or busy) and is not replayed; the next one is on schedule.`,
      };
    case 'failed':
      return { ...base, level: 'error', message: `Timer trigger ${notice.triggerName} could not run the function: ${messageOf(notice.error)}` };
    case 'invalid':
      return { ...base, level: 'error', message: `${notice.message} The trigger does not run.` };
  }
}
