/** The text an invocation leaves in the results channel. */
import * as assert from 'node:assert/strict';
import { REPORT_MAX_LOG_LINES, invocationReport, type ReportLabels } from '../../../../src/extension/functions/invocationReport';
import type { InvokeResult, LogEntry } from '../../../../src/shared/model';

const labels: ReportLabels = {
  requestId: 'Request ID',
  duration: 'Duration',
  memory: 'Memory',
  result: 'Result',
  noResult: '(nothing returned)',
  error: 'Error',
  logs: 'Logs',
  moreLogs: '{0} more log lines are in the log panel',
};
const at = Date.UTC(2026, 10, 23, 12, 0, 1, 123);
const log = (message: string, extra: Partial<LogEntry> = {}): LogEntry => ({ time: at, level: 'info', functionName: 'login', requestId: 'r1', message, kind: 'log', ...extra });

function report(result: Partial<InvokeResult>, eventName?: string): string {
  return invocationReport({ functionName: 'login', eventName, startedAt: new Date(at), result: { requestId: 'r1', durationMs: 12, logs: [], ...result } }, labels);
}

describe('invocation report', () => {
  it('shows the function, event, request, duration, memory, result and logs', () => {
    const text = report(
      { result: { openid: 'o1' }, memoryMB: 45.2, logs: [log('START RequestId: r1', { kind: 'start' }), log('hello'), log('careful', { level: 'warn' }), log('END RequestId: r1', { kind: 'end' })] },
      'default',
    );
    assert.equal(
      text,
      [
        '── login · default · 2026-11-23 12:00:01 ──',
        'Request ID: r1 · Duration: 12 ms · Memory: 45.2 MB',
        'Result:',
        '{',
        '  "openid": "o1"',
        '}',
        'Logs:',
        '  12:00:01.123 START RequestId: r1',
        '  12:00:01.123 INFO  hello',
        '  12:00:01.123 WARN  careful',
        '  12:00:01.123 END RequestId: r1',
        '',
      ].join('\n'),
    );
  });

  it('shows an error with its code and the stack frames with their file:line:column, once', () => {
    const text = report({
      error: {
        code: 'FunctionError',
        message: 'TypeError: bad input: x',
        stack: 'TypeError: bad input: x\n    at failDeeply (/ws/cloudfunctions/throws/index.js:2:9)\n    at exports.main (/ws/cloudfunctions/throws/index.js:6:19)',
      },
    });
    assert.match(text, /^Error \(FunctionError\): TypeError: bad input: x$/m);
    assert.match(text, /^ {4}at failDeeply \(\/ws\/cloudfunctions\/throws\/index\.js:2:9\)$/m);
    assert.equal(text.split('TypeError: bad input').length, 2, 'the message is not repeated');
    assert.doesNotMatch(text, /Result/);
  });

  it('keeps a syntax error\'s file:line and caret', () => {
    const text = report({
      error: {
        code: 'FunctionLoadFailed',
        message: "Loading /ws/f/index.js failed: SyntaxError: Unexpected token ';'",
        stack: "/ws/f/index.js:2\n  const broken = {;\n                  ^\n\nSyntaxError: Unexpected token ';'",
      },
    });
    assert.match(text, /^ {4}\/ws\/f\/index\.js:2$/m);
    assert.match(text, /^ {4} {2}const broken = \{;$/m);
  });

  it('says when nothing was returned', () => {
    assert.match(report({}), /^Result: \(nothing returned\)$/m);
  });

  it('leaves out logs past the limit, saying how many, but keeps the END line', () => {
    const many = Array.from({ length: REPORT_MAX_LOG_LINES + 100 }, (_, i) => log(`line ${i}`));
    many.push(log('END RequestId: r1', { kind: 'end' }));
    const text = report({ result: 1, logs: many });
    const logLines = text.split('\n').filter((l) => l.startsWith('  '));
    assert.equal(logLines.length, REPORT_MAX_LOG_LINES + 1);
    assert.match(text, /… 101 more log lines are in the log panel/);
    assert.match(logLines[logLines.length - 1], /END RequestId/);
  });
});
