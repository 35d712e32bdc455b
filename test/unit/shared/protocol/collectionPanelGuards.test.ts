import { strict as assert } from 'node:assert';
import { collectionPanelTargetOf, isCollectionHostMessage, isCollectionPageMessage, isCollectionPanelState } from '../../../../src/shared/protocol/collectionPanelGuards';

describe('collection panel protocol guards: each side checks what the other sends', function () {
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
    const state = { version: 1, target: { envKey: 'k', envLabel: 'l', collection: 'c' }, query: { filter: '{}', sort: '{}', projection: '{}', limit: 50 }, cursors: [null, 'x'], pageIndex: 1, expanded: [] };
    assert.ok(isCollectionPanelState(state));
    assert.ok(!isCollectionPanelState({ ...state, cursors: [1] }));
    assert.ok(!isCollectionPanelState({ ...state, target: { envKey: 'k' } }));
    assert.ok(!isCollectionPanelState(undefined));
  });

  it('drops a state of another version, while a restored panel still finds its target in it', function () {
    const target = { envKey: 'k', envLabel: 'l', collection: 'c' };
    const state = { version: 1, target, query: { filter: '{}', sort: '{}', projection: '{}', limit: 50 }, cursors: [null], pageIndex: 0, expanded: [] };
    assert.ok(isCollectionPanelState(state));
    assert.ok(!isCollectionPanelState({ ...state, version: 2 }));
    const { version: _dropped, ...unversioned } = state;
    assert.ok(!isCollectionPanelState(unversioned), 'saved before states carried a version');
    assert.deepEqual(collectionPanelTargetOf({ ...state, version: 2, query: 'other' }), target);
    assert.deepEqual(collectionPanelTargetOf(unversioned), target);
    assert.equal(collectionPanelTargetOf({ version: 2, target: { envKey: 'k' } }), undefined);
    assert.equal(collectionPanelTargetOf(null), undefined);
  });

  it('the page takes only well-formed host messages', function () {
    const strings = { filter: 'Filter' };
    for (const m of [
      { type: 'init', target: { envKey: 'k', envLabel: 'l', collection: 'c' }, strings, pageSizes: [20, 50] },
      { type: 'page', requestId: 1, documents: [doc], nextCursor: 'x', counting: true, elapsedMs: 3 },
      { type: 'page', requestId: 1, documents: [], counting: false, elapsedMs: 0 },
      { type: 'total', requestId: 1, total: 5 },
      { type: 'total', requestId: 1, error: 'slow' },
      { type: 'queryError', requestId: 1, message: 'bad' },
      { type: 'saved', requestId: 2, document: doc },
      { type: 'conflict', requestId: 2 },
      { type: 'conflict', requestId: 2, stored: doc },
      { type: 'editError', requestId: 2, message: 'no' },
      { type: 'changed' },
    ]) assert.ok(isCollectionHostMessage(m), JSON.stringify(m));
    for (const m of [
      undefined,
      { type: 'ready' },
      { type: 'init', target: { envKey: 'k' }, strings, pageSizes: [] },
      { type: 'init', target: { envKey: 'k', envLabel: 'l', collection: 'c' }, strings: { filter: 1 }, pageSizes: [] },
      { type: 'page', requestId: 1, documents: [{ n: 1 }], counting: false, elapsedMs: 0 },
      { type: 'total', requestId: -1, total: 5 },
      { type: 'saved', requestId: 2 },
      { type: 'conflict', requestId: 2, stored: { n: 1 } },
    ]) assert.ok(!isCollectionHostMessage(m), JSON.stringify(m));
  });
});
