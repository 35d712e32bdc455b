import * as assert from 'node:assert/strict';
import { documentUriParts, parseDocumentUri } from '../../../src/extension/documents/documentAddress';
import { isStudioError } from '../../../src/shared/errors';

describe('document addresses', () => {
  it('round-trip keys with slashes, colons, spaces, percent signs and non-ASCII', () => {
    const address = { envKey: 'local:/home/me/my project', collection: 'todos', id: 'a/b c:文档%41' };
    const parts = documentUriParts(address, 'my project');
    assert.match(parts.path, /^\/my project\/todos\/[^/]+\.json$/);
    assert.deepEqual(parseDocumentUri(parts.path, parts.query), address);
  });

  it('read as the environment, collection and document: no encoded key in the path', () => {
    const parts = documentUriParts({ envKey: 'local:/work/cloudbase-demo', collection: 'todos', id: 'todo-001' }, 'cloudbase-demo');
    assert.equal(parts.path, '/cloudbase-demo/todos/todo-001.json');
    assert.doesNotMatch(parts.path, /%3A|local:/);
    assert.equal(documentUriParts({ envKey: 'local:/work/demo', collection: 'c', id: 'x' }).path, '/demo/c/x.json');
  });

  it('refuse anything else with a coded error', () => {
    const query = 'env=k';
    for (const [path, q] of [['/k/todos', query], ['/k/todos/x.txt', query], ['k/todos/x.json', query], ['/k/a/b/x.json', query], ['/k/%E0%A4%A/x.json', query], ['/k/todos/x.json', '']]) {
      assert.throws(() => parseDocumentUri(path, q), (e) => isStudioError(e, 'InvalidPath'), path);
    }
  });
});
