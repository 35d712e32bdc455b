import * as assert from 'node:assert/strict';
import { documentPath, parseDocumentPath } from '../../../src/extension/documents/documentAddress';
import { isStudioError } from '../../../src/shared/errors';

describe('document addresses', () => {
  it('round-trip keys with slashes, colons, spaces and non-ASCII', () => {
    const address = { envKey: 'local:/home/me/my project', collection: 'todos', id: 'a/b c:文档' };
    const path = documentPath(address);
    assert.match(path, /^\/[^/]+\/todos\/[^/]+\.json$/);
    assert.deepEqual(parseDocumentPath(path), address);
  });

  it('end in <_id>.json so the editor tab names the document', () => {
    assert.ok(documentPath({ envKey: 'k', collection: 'todos', id: 'todo-001' }).endsWith('/todo-001.json'));
  });

  it('refuse anything else with a coded error', () => {
    for (const bad of ['/k/todos', '/k/todos/x.txt', 'k/todos/x.json', '/k/a/b/x.json', '/%E0%A4%A/todos/x.json']) {
      assert.throws(() => parseDocumentPath(bad), (e) => isStudioError(e, 'InvalidPath'), bad);
    }
  });
});
