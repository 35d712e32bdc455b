import * as assert from 'node:assert/strict';
import { isLogPageMessage, isLogPanelState } from '../../../../src/shared/protocol/logPanelGuards';
import type { LogPanelState } from '../../../../src/shared/protocol/logPanel';

describe('log panel protocol guards', () => {
  const entry = { time: 1, level: 'info', functionName: 'f', requestId: 'r', message: 'm' };

  it('accept every well-formed page message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'clear' },
      { type: 'retry' },
      { type: 'loadHistory', requestId: 1, range: { since: 0 } },
      { type: 'loadHistory', requestId: 2, range: { since: 10, until: 20 } },
      { type: 'copy', text: 'abc' },
      { type: 'export', entries: [entry, { ...entry, kind: 'end', durationMs: 3, memoryMB: 20, result: '1' }] },
      { type: 'pageError', message: 'x' },
    ]) assert.ok(isLogPageMessage(m), JSON.stringify(m));
  });

  it('reject unknown, malformed and hostile ones', () => {
    for (const m of [
      undefined,
      null,
      'ready',
      [],
      {},
      { type: 'exec', command: 'rm -rf /' },
      { type: 'loadHistory', requestId: 1 },
      { type: 'loadHistory', requestId: 1.5, range: { since: 0 } },
      { type: 'loadHistory', requestId: 1, range: { since: 20, until: 10 } },
      { type: 'loadHistory', requestId: 1, range: { since: Number.NaN } },
      { type: 'copy', text: 42 },
      { type: 'export', entries: 'all' },
      { type: 'export', entries: [{ ...entry, level: 'fatal' }] },
      { type: 'export', entries: [{ ...entry, time: -1 }] },
      { type: 'export', entries: [{ ...entry, kind: 'other' }] },
      { type: 'export', entries: [{ ...entry, message: undefined }] },
      { type: 'pageError' },
    ]) assert.ok(!isLogPageMessage(m), JSON.stringify(m));
  });

  it('check a saved panel state before the serializer reopens it', () => {
    const state: LogPanelState = {
      version: 1,
      target: { envKey: 'local:/p', envLabel: 'p', functionName: 'login' },
      filter: { text: 'err', regex: false, levels: ['warn', 'error'], requestId: 'abc' },
      follow: false,
      paused: true,
      grouped: true,
      collapsed: ['abc'],
      anchor: { seq: 4, time: 5 },
      historyMinutes: 60,
    };
    assert.ok(isLogPanelState(state));
    assert.ok(isLogPanelState({ ...state, target: { envKey: 'local:/p', envLabel: 'p' }, anchor: undefined }));
    assert.ok(!isLogPanelState({ ...state, version: 2 }));
    assert.ok(!isLogPanelState({ ...state, target: { envKey: '', envLabel: 'p' } }));
    assert.ok(!isLogPanelState({ ...state, filter: { ...state.filter, levels: ['loud'] } }));
    assert.ok(!isLogPanelState({ ...state, collapsed: [1] }));
    assert.ok(!isLogPanelState(undefined));
  });
});
