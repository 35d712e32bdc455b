import * as assert from 'node:assert/strict';
import { documentSummary, valueSummary } from '../../../../src/extension/explorer/documentSummary';

describe('documentSummary', () => {
  it('lists the first fields as name: value, without _id', () => {
    assert.equal(documentSummary({ _id: 'a', title: 'Buy milk', done: false, n: 3 }), 'title: Buy milk, done: false, n: 3');
  });

  it('puts system fields such as _openid after the document\'s own', () => {
    assert.equal(documentSummary({ _id: 'a', _openid: 'o1', title: 'T' }), 'title: T, _openid: o1');
  });

  it('unwraps Extended JSON and abbreviates containers', () => {
    assert.equal(valueSummary({ $date: '2026-01-02T03:04:05.000Z' }), '2026-01-02T03:04:05.000Z');
    assert.equal(valueSummary({ $numberLong: '9007199254740993' }), '9007199254740993');
    assert.equal(valueSummary([1, 2, 3]), '[3]');
    assert.equal(valueSummary({ a: 1 }), '{…}');
    assert.equal(valueSummary({}), '{}');
    assert.equal(valueSummary(null), 'null');
  });

  it('fits a tree row', () => {
    const long = documentSummary({ _id: 'a', text: 'x'.repeat(500), more: 'y'.repeat(500) }, 60);
    assert.ok(long.length <= 60, long);
    assert.ok(long.endsWith('…'));
    assert.equal(valueSummary('one\n  two'), 'one two');
  });

  it('is empty for a document with only an _id', () => {
    assert.equal(documentSummary({ _id: 'a' }), '');
  });
});
