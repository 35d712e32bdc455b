import * as assert from 'node:assert/strict';
import { guarded, type ErrorSink } from '../../../../src/extension/platform/errorBoundary';
import { StudioError } from '../../../../src/shared/errors';

function recordingSink(): ErrorSink & { reports: { error: unknown; what: string }[] } {
  const reports: { error: unknown; what: string }[] = [];
  return { reports, report: (error, context) => reports.push({ error, what: context.what }) };
}

describe('error boundary for callbacks outside commands', () => {
  it('passes the result through when the callback succeeds', async () => {
    const sink = recordingSink();
    assert.equal(await guarded(sink, 'add', (a: number, b: number) => a + b)(2, 3), 5);
    assert.deepEqual(sink.reports, []);
  });

  it('reports a thrown error once, under the name of the callback, and resolves instead of rejecting', async () => {
    const sink = recordingSink();
    const failure = new StudioError('InvalidArgument', 'the query is not valid');
    const result = await guarded(sink, 'collection panel query', async () => {
      throw failure;
    })();
    assert.equal(result, undefined);
    assert.deepEqual(sink.reports, [{ error: failure, what: 'collection panel query' }]);
  });

  it('reports a synchronous throw as well', async () => {
    const sink = recordingSink();
    await guarded(sink, 'sync', () => {
      throw new Error('boom');
    })();
    assert.equal(sink.reports.length, 1);
    assert.equal((sink.reports[0].error as Error).message, 'boom');
  });

  it('stays silent on cancellation, by the user or by an abort', async () => {
    const sink = recordingSink();
    await guarded(sink, 'pick', async () => {
      throw new StudioError('Cancelled', 'cancelled');
    })();
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    await guarded(sink, 'fetch', async () => {
      throw abort;
    })();
    assert.deepEqual(sink.reports, []);
  });
});
