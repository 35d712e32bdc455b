import * as assert from 'node:assert/strict';
import { parseObject, parseSort } from '../../../../webview/collection/values';

describe('the filter box reads the MongoDB shell\'s relaxed syntax', () => {
  it('takes JSON, unquoted and single-quoted keys, trailing commas and comments alike', () => {
    for (const text of ['{"done": false}', '{ done: false }', "{ 'done': false }", '{ done: false, } // open ones']) {
      assert.deepEqual(parseObject(text), { ok: true, value: { done: false } }, text);
    }
    assert.deepEqual(parseObject("{ age: { $gte: 18 }, tags: { $in: ['a', \"b\"] } }"), { ok: true, value: { age: { $gte: 18 }, tags: { $in: ['a', 'b'] } } });
  });

  it('turns ISODate, new Date and ObjectId into Extended JSON, and leaves them alone inside strings', () => {
    assert.deepEqual(parseObject('{ due: { $lt: ISODate("2026-01-01") } }'), { ok: true, value: { due: { $lt: { $date: '2026-01-01T00:00:00.000Z' } } } });
    assert.deepEqual(parseObject("{ at: new Date('2026-02-03T04:05:06Z') }"), { ok: true, value: { at: { $date: '2026-02-03T04:05:06.000Z' } } });
    assert.deepEqual(parseObject('{ ref: ObjectId("5f1d7a2b9c1e4a0012345678") }'), { ok: true, value: { ref: { $oid: '5f1d7a2b9c1e4a0012345678' } } });
    assert.deepEqual(parseObject('{ note: "ISODate(\\"x\\")" }'), { ok: true, value: { note: 'ISODate("x")' } });
  });

  it('says where an incomplete filter stops, without the parser\'s name', () => {
    const parsed = parseObject('{ done: ');
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok && /at 1:8/.test(parsed.error) && !/JSON5/.test(parsed.error), !parsed.ok ? parsed.error : '');
    assert.deepEqual(parseObject('[1]'), { ok: false, error: 'object' });
  });

  it('reads a sort in the same syntax', () => {
    assert.deepEqual(parseSort('{ age: -1, name: 1 }'), { ok: true, value: [{ field: 'age', direction: -1 }, { field: 'name', direction: 1 }] });
    assert.equal(parseSort('{ age: 2 }').ok, false);
  });
});
