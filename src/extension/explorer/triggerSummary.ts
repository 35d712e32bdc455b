/**
 * What a trigger node says: the schedule in words (cronstrue, in the editor's language), and the
 * next fire as the local environment computes it. No vscode import, so it is unit-tested in plain Node.
 */
import cronstrue from 'cronstrue';
import 'cronstrue/locales/zh_CN';
import { nextFire, tryParseCron } from '../../shared/cron';

/** cronstrue's locale for a VS Code language id; English for the rest. */
function cronLocale(language: string): string {
  const lower = language.toLowerCase();
  if (lower === 'zh-cn' || lower === 'zh-hans' || lower === 'zh') return 'zh_CN';
  return 'en';
}

/** "At 09:00" for `0 0 9 * * * *`; undefined when the expression is not a valid CloudBase cron. */
export function describeSchedule(expression: string, language: string): string | undefined {
  if (!tryParseCron(expression).ok) return undefined;
  try {
    return cronstrue.toString(expression, { locale: cronLocale(language), use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return undefined;
  }
}

/** Epoch ms of the next fire after `now`, or undefined for an invalid cron or one with no time left. */
export function nextFireOf(expression: string, now: number): number | undefined {
  const parsed = tryParseCron(expression);
  return parsed.ok ? nextFire(parsed.schedule, now) : undefined;
}

/** `2026-01-02 09:00:00` in the machine's own time zone. */
export function localTimeText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
