import { strict as assert } from 'node:assert';
import { isCollectionPageMessage, isCollectionPanelState } from '../../../../src/shared/protocol/collectionPanel';

describe('collection panel messages: the host checks what the page sends', function () {
  const query = { filter: { done: false }, sort: [{ field: 'age', direction: -1 }], limit: 50 };
  const doc = { _id: 'a', n: 1, at: { $date: '2026-01-01T00:00:00Z' } };

  it('accepts well-formed messages', function () {
    for (const m of [
      { type: 'ready' },
      { type: 'query', requestId: 1, query, count: true },
      { type: 'query', requestId: 2, query: { ...query, projection: { n: 1 } }, cursor: 'abc', count: false },
      { type: 'editField', requestId: 3, asRead: doc, path: 'a.b', value: [1, { x: null }], force: false },
      { type: 'compareField', asRead: doc, path: 'n', value: 2 },
      { type: 'editJson', id: 'a' },
      { type: 'insert' },
      { type: 'insert', template: doc },
      { type: 'delete', ids: ['a', 'b'] },
      { type: 'command', command: 'import' },
      { type: 'command', command: 'export', query },
      { type: 'pageError', message: 'x' },
    ]) {
      assert.ok(isCollectionPageMessage(m), JSON.stringify(m));
    }
  });

  it('refuses anything else', function () {
    for (const m of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'query', requestId: -1, query, count: true },
      { type: 'query', requestId: 1, query: { ...query, limit: 5000 }, count: true },
      { type: 'query', requestId: 1, query: { ...query, sort: [{ field: 'a', direction: 2 }] }, count: true },
      { type: 'query', requestId: 1, query: { ...query, projection: { a: 'yes' } }, count: true },
      { type: 'editField', requestId: 1, asRead: { n: 1 }, path: 'n', value: 1, force: false },
      { type: 'editField', requestId: 1, asRead: doc, path: '', value: 1, force: false },
      { type: 'editField', requestId: 1, asRead: doc, path: 'n', value: Number.NaN, force: false },
      { type: 'delete', ids: [] },
      { type: 'delete', ids: [''] },
      { type: 'command', command: 'dropDatabase' },
      { type: 'insert', template: { n: 1 } },
    ]) {
      assert.ok(!isCollectionPageMessage(m), JSON.stringify(m));
    }
  });

  it('checks a restored state field by field', function () {
    const state = { target: { envKey: 'k', envLabel: 'l', collection: 'c' }, query: { filter: '{}', sort: '{}', projection: '{}', limit: 50 }, cursors: [null, 'x'], pageIndex: 1, expanded: [] };
    assert.ok(isCollectionPanelState(state));
    assert.ok(!isCollectionPanelState({ ...state, cursors: [1] }));
    assert.ok(!isCollectionPanelState({ ...state, target: { envKey: 'k' } }));
    assert.ok(!isCollectionPanelState(undefined));
  });
});
