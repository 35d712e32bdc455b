import * as assert from 'node:assert/strict';
import { isLogHostMessage, isLogPageMessage, isLogPanelState, logPanelTargetOf } from '../../../../src/shared/protocol/logPanelGuards';
import type { LogPanelState } from '../../../../src/shared/protocol/logPanel';

describe('log panel protocol guards: each side checks what the other sends', () => {
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

  it('drop a state of another version, while a restored panel still finds its target in it', () => {
    const target = { envKey: 'local:/p', envLabel: 'p', functionName: 'login' };
    const older = { version: 0, target, filter: 'err', follow: 'yes' };
    assert.ok(!isLogPanelState(older));
    assert.ok(!isLogPanelState({ target, filter: { text: '', regex: false, levels: [] }, follow: true, paused: false, grouped: false, collapsed: [] }), 'no version');
    assert.deepEqual(logPanelTargetOf(older), target);
    assert.deepEqual(logPanelTargetOf({ version: 1, target: { envKey: 'local:/p', envLabel: 'p', extra: 1 } }), { envKey: 'local:/p', envLabel: 'p' });
    assert.equal(logPanelTargetOf({ version: 9, target: { envKey: '' } }), undefined);
    assert.equal(logPanelTargetOf(undefined), undefined);
  });

  it('accept every well-formed host message', () => {
    const panelEntry = { ...entry, seq: 1 };
    for (const m of [
      { type: 'init', target: { envKey: 'local:/p', envLabel: 'p' }, maxEntries: 100, strings: { pause: 'Pause' }, locale: 'zh-cn' },
      { type: 'reset', total: 3, dropped: 0 },
      { type: 'append', entries: [panelEntry], dropped: 2 },
      { type: 'history', requestId: 1, entries: [panelEntry], dropped: 0, truncated: true },
      { type: 'historyFailed', requestId: 1, message: 'no' },
      { type: 'status', status: 'serviceOff' },
      { type: 'status', status: 'error', message: 'boom' },
      { type: 'polled', at: 5, nextInMs: 0 },
      { type: 'maxEntries', maxEntries: 10 },
    ]) assert.ok(isLogHostMessage(m), JSON.stringify(m));
  });

  it('reject host messages the page cannot show', () => {
    for (const m of [
      null,
      { type: 'ready' },
      { type: 'init', target: { envKey: '', envLabel: 'p' }, maxEntries: 100, strings: {}, locale: 'en' },
      { type: 'init', target: { envKey: 'k', envLabel: 'p' }, maxEntries: 100, strings: { pause: 1 }, locale: 'en' },
      { type: 'append', entries: [entry], dropped: 0 },
      { type: 'append', entries: [{ ...entry, seq: 1, level: 'loud' }], dropped: 0 },
      { type: 'reset', total: -1, dropped: 0 },
      { type: 'status', status: 'asleep' },
      { type: 'polled', at: -1, nextInMs: Number.NaN },
      { type: 'maxEntries', maxEntries: 1.5 },
    ]) assert.ok(!isLogHostMessage(m), JSON.stringify(m));
  });
});
