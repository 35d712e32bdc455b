import { strict as assert } from 'node:assert';
import { LocalDatabaseApi } from '../../../../src/cloud/local/local-backend';
import { openDatabase } from '../../../../src/emulator/database/index';
import type { Database } from '../../../../src/emulator/database/api';
import { overwriteDocument, parseEditedDocument, saveDocument, saveField } from '../../../../src/extension/documents/conditionalSave';
import { isStudioError } from '../../../../src/shared/errors';
import type { DocumentJson } from '../../../../src/shared/model';
import { tempFolder } from '../../emulator/database/support';

describe('conditional document saves (local environment)', function () {
  let folder: ReturnType<typeof tempFolder>;
  let engine: Database;
  let db: LocalDatabaseApi;

  beforeEach(async function () {
    folder = tempFolder('cbs-save-');
    engine = await openDatabase(folder.dir);
    db = new LocalDatabaseApi(engine);
    await db.createCollection('todos');
    await db.insertDocuments('todos', [
      { _id: 't1', title: 'milk', done: false, due: { $date: '2026-01-02T03:04:05.000Z' }, meta: { tags: ['a', '$b'], n: 1.5 } },
    ]);
  });
  afterEach(async function () {
    await engine.close();
    folder.remove();
  });

  const read = async (): Promise<DocumentJson> => {
    const d = await db.getDocument('todos', 't1');
    assert.ok(d);
    return d;
  };

  it('saves an edit when the stored document is still as read (dates, nested values, $-strings included)', async function () {
    const asRead = await read();
    const outcome = await saveDocument(db, 'todos', asRead, { ...asRead, title: 'oat milk', extra: [1, 2] });
    assert.equal(outcome.kind, 'saved');
    const stored = await read();
    assert.equal(stored.title, 'oat milk');
    assert.deepEqual(stored.extra, [1, 2]);
    assert.deepEqual(stored.due, { $date: '2026-01-02T03:04:05Z' });
  });

  it('two writers editing one document: the second save is a conflict, and the first write survives', async function () {
    const first = await read();
    const second = await read();
    assert.equal((await saveDocument(db, 'todos', first, { ...first, title: 'from A' })).kind, 'saved');
    const outcome = await saveDocument(db, 'todos', second, { ...second, title: 'from B', done: true });
    assert.equal(outcome.kind, 'conflict');
    assert.equal(outcome.kind === 'conflict' ? outcome.stored?.title : undefined, 'from A');
    const stored = await read();
    assert.equal(stored.title, 'from A', 'no lost update');
    assert.equal(stored.done, false);
  });

  it('a field added or removed since the read is a conflict too', async function () {
    const asRead = await read();
    await db.updateDocuments('todos', { _id: 't1' }, { $set: { added: 1 } }, { multi: false });
    assert.equal((await saveDocument(db, 'todos', asRead, { ...asRead, title: 'x' })).kind, 'conflict');
    const again = await read();
    await db.updateDocuments('todos', { _id: 't1' }, { $unset: { added: '' } }, { multi: false });
    assert.equal((await saveField(db, 'todos', again, 'title', 'y')).kind, 'conflict');
    assert.equal((await read()).title, 'milk');
  });

  it('concurrent saves started together: exactly one wins', async function () {
    const asRead = await read();
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((t) => saveDocument(db, 'todos', asRead, { ...asRead, title: t })),
    );
    const saved = outcomes.filter((o) => o.kind === 'saved');
    assert.equal(saved.length, 1);
    assert.equal((await read()).title, saved[0].kind === 'saved' ? saved[0].document.title : undefined);
  });

  it('a deleted document is a conflict with nothing stored; overwrite recreates it', async function () {
    const asRead = await read();
    await db.deleteDocuments('todos', { _id: 't1' }, { multi: false });
    const outcome = await saveDocument(db, 'todos', asRead, { ...asRead, title: 'back' });
    assert.deepEqual(outcome, { kind: 'conflict', stored: undefined });
    assert.equal(await db.getDocument('todos', 't1'), undefined, 'the conflict wrote nothing');
    const written = await overwriteDocument(db, 'todos', { ...asRead, title: 'back' });
    assert.equal(written.title, 'back');
    assert.equal((await read()).title, 'back');
  });

  it('an inline edit sets only its field (dot path), keeping the others', async function () {
    const asRead = await read();
    // Someone else's change to another document does not matter.
    await db.insertDocuments('todos', [{ _id: 't2', title: 'bread' }]);
    const outcome = await saveField(db, 'todos', asRead, 'meta.n', 2);
    assert.equal(outcome.kind, 'saved');
    const stored = await read();
    assert.deepEqual(stored.meta, { tags: ['a', '$b'], n: 2 });
    assert.equal(stored.title, 'milk');
  });

  it('refuses edits that would change _id or are not a JSON object, before writing', async function () {
    assert.throws(() => parseEditedDocument('{"_id": "other"}', 't1'), (e: unknown) => isStudioError(e, 'InvalidDocument'));
    assert.throws(() => parseEditedDocument('[1]', 't1'), (e: unknown) => isStudioError(e, 'InvalidDocument'));
    assert.throws(() => parseEditedDocument('{"a": ', 't1'), (e: unknown) => isStudioError(e, 'InvalidJson'));
    assert.deepEqual(parseEditedDocument('{"a": 1}', 't1'), { a: 1, _id: 't1' });
    const asRead = await read();
    await assert.rejects(saveField(db, 'todos', asRead, '_id', 'x'), (e: unknown) => isStudioError(e, 'InvalidPath'));
    assert.equal((await read()).title, 'milk');
  });
});
