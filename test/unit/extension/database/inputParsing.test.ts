import { strict as assert } from 'node:assert';
import { parseIndexKeys, parseJsonObject } from '../../../../src/extension/database/inputParsing';
import { withValue } from '../../../../src/extension/documents/conditionalSave';
import { isStudioError } from '../../../../src/shared/errors';

describe('what users type for filters, rules and index keys', function () {
  it('index keys: "field: direction" lists or a JSON object; direction defaults to 1', function () {
    assert.deepEqual(parseIndexKeys('city: 1, age: -1'), [
      { field: 'city', direction: 1 },
      { field: 'age', direction: -1 },
    ]);
    assert.deepEqual(parseIndexKeys('address.city'), [{ field: 'address.city', direction: 1 }]);
    assert.deepEqual(parseIndexKeys('{"a": -1}'), [{ field: 'a', direction: -1 }]);
  });

  it('index keys: refuses empty input, bad directions, $-fields and repeats', function () {
    for (const text of ['', 'a: 2', 'a: x', '$a: 1', 'a..b', 'a, a', '{"a": "1"}']) {
      assert.throws(() => parseIndexKeys(text), (e: unknown) => isStudioError(e), text);
    }
  });

  it('filters and rules must be JSON objects', function () {
    assert.deepEqual(parseJsonObject('{"done": true}', 'filter'), { done: true });
    for (const text of ['[]', 'null', '1', '{']) assert.throws(() => parseJsonObject(text, 'filter'), (e: unknown) => isStudioError(e, 'InvalidJson'), text);
  });
});

describe('a cell edit as the whole document (for Compare)', function () {
  it('sets the dot path in a copy, creating objects on the way', function () {
    const doc = { _id: 'a', n: 1, address: { city: 'x' }, tags: ['a', 'b'] };
    assert.deepEqual(withValue(doc, 'address.city', 'y'), { _id: 'a', n: 1, address: { city: 'y' }, tags: ['a', 'b'] });
    assert.deepEqual(withValue(doc, 'tags.1', 'c').tags, ['a', 'c']);
    assert.deepEqual(withValue(doc, 'meta.created', true).meta, { created: true });
    assert.deepEqual(doc.address, { city: 'x' }, 'the original is untouched');
  });
});
