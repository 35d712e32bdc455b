import * as assert from 'node:assert/strict';
import { documentPath, parseDocumentPath } from '../../../../src/extension/documents/documentAddress';
import { isStudioError } from '../../../../src/shared/errors';

describe('document addresses', () => {
  const known = [
    { key: 'local:/home/me/my project', label: 'my project' },
    { key: 'local:/work/cloudbase-demo', label: 'cloudbase-demo' },
    { key: 'local:/a/demo', label: 'demo' },
    { key: 'local:/b/demo', label: 'demo' },
  ];

  it('round-trip ids with slashes, colons, spaces, percent signs and non-ASCII', () => {
    const address = { envKey: 'local:/home/me/my project', collection: 'todos', id: 'a/b c:文档%41' };
    const path = documentPath(address, known);
    assert.match(path, /^\/my project\/todos\/[^/]+\.json$/);
    assert.deepEqual(parseDocumentPath(path, known), address);
  });

  it('read as the environment, collection and document: no encoded key in the path', () => {
    const path = documentPath({ envKey: 'local:/work/cloudbase-demo', collection: 'todos', id: 'todo-001' }, known);
    assert.equal(path, '/cloudbase-demo/todos/todo-001.json');
  });

  it('tell apart environments that share a label, the same way in every session', () => {
    const a = documentPath({ envKey: 'local:/a/demo', collection: 'c', id: 'x' }, known);
    const b = documentPath({ envKey: 'local:/b/demo', collection: 'c', id: 'x' }, known);
    assert.notEqual(a, b);
    assert.match(a, /^\/demo~[0-9a-z]+\/c\/x\.json$/);
    assert.equal(parseDocumentPath(a, known).envKey, 'local:/a/demo');
    assert.equal(parseDocumentPath(b, known).envKey, 'local:/b/demo');
    assert.equal(documentPath({ envKey: 'local:/a/demo', collection: 'c', id: 'x' }, [...known]), a);
  });

  it('refuse anything else with a coded error', () => {
    for (const bad of ['/my project/todos', '/my project/todos/x.txt', 'my project/todos/x.json', '/my project/a/b/x.json', '/my project/%E0%A4%A/x.json', '/unknown/todos/x.json']) {
      assert.throws(() => parseDocumentPath(bad, known), (e) => isStudioError(e, 'InvalidPath'), bad);
    }
  });
});
