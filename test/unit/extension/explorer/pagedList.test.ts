import * as assert from 'node:assert/strict';
import { PagedList } from '../../../../src/extension/explorer/pagedList';
import { StudioError } from '../../../../src/shared/errors';
import type { DocumentJson } from '../../../../src/shared/model';
import { FakeDatabase, todoDocuments } from '../../../fakes/fakeBackend';

function documents(db: FakeDatabase, pageSize = 50): PagedList<DocumentJson> {
  return new PagedList<DocumentJson>((page, signal) => db.queryDocuments('todos', {}, page, signal), () => pageSize);
}

const ids = (list: PagedList<DocumentJson>): string[] =>
  list.children().flatMap((c) => (c.kind === 'item' ? [c.value._id] : []));
const kinds = (list: PagedList<DocumentJson>): string[] => list.children().map((c) => c.kind);

describe('PagedList', () => {
  let db: FakeDatabase;
  beforeEach(() => {
    db = new FakeDatabase();
    db.seed('todos', todoDocuments(120));
  });

  it('loads a first page of the page size, then a Load more child', async () => {
    const list = documents(db);
    await list.ensureLoaded();
    assert.equal(ids(list).length, 50);
    assert.equal(ids(list)[0], 'todo-001');
    assert.deepEqual(kinds(list).slice(-2), ['item', 'loadMore']);
  });

  it('appends the next page by cursor with a constant limit, never a growing one', async () => {
    const list = documents(db);
    await list.ensureLoaded();
    await list.loadMore();
    assert.equal(ids(list).length, 100);
    assert.equal(ids(list)[50], 'todo-051');
    await list.loadMore();
    assert.equal(ids(list).length, 120);
    assert.equal(new Set(ids(list)).size, 120, 'no document appears twice');
    assert.equal(kinds(list).at(-1), 'item', 'the last page has no Load more');

    const requests = db.callsOf('queryDocuments').map((c) => c.args[2] as { limit: number; cursor?: string });
    assert.deepEqual(requests.map((r) => r.limit), [50, 50, 50]);
    assert.equal(requests[0].cursor, undefined);
    assert.ok(requests[1].cursor && requests[2].cursor && requests[1].cursor !== requests[2].cursor);
  });

  it('asks for the page size current at each load', async () => {
    let size = 10;
    const list = new PagedList<DocumentJson>((page, signal) => db.queryDocuments('todos', {}, page, signal), () => size);
    await list.ensureLoaded();
    size = 30;
    await list.loadMore();
    assert.equal(ids(list).length, 40);
  });

  it('does not load again once loaded', async () => {
    const list = documents(db);
    await list.ensureLoaded();
    await list.ensureLoaded();
    assert.equal(db.callsOf('queryDocuments').length, 1);
  });

  it('shares one load between concurrent callers', async () => {
    db.delayMs = 20;
    const list = documents(db);
    await list.ensureLoaded();
    await Promise.all([list.loadMore(), list.loadMore(), list.loadMore()]);
    assert.equal(db.callsOf('queryDocuments').length, 2);
    assert.equal(ids(list).length, 100);
  });

  it('says so when the collection is empty', async () => {
    db.seed('empty', []);
    const list = new PagedList<DocumentJson>((page, signal) => db.queryDocuments('empty', {}, page, signal), () => 50);
    await list.ensureLoaded();
    assert.deepEqual(kinds(list), ['empty']);
  });

  it('turns a failed first page into an error child that stays until retry reloads', async () => {
    db.failNext('queryDocuments', new StudioError('Network', 'connection reset'));
    const list = documents(db);
    await list.ensureLoaded();
    const [child] = list.children();
    assert.equal(child.kind, 'error');
    assert.equal(child.kind === 'error' && (child.error as StudioError).code, 'Network');

    await list.ensureLoaded();
    assert.equal(db.callsOf('queryDocuments').length, 1, 'a failure is not retried behind the user\'s back');

    await list.retry();
    assert.equal(ids(list).length, 50);
    assert.equal(kinds(list).at(-1), 'loadMore');
  });

  it('keeps loaded items when Load more fails, and retry appends the missing page', async () => {
    const list = documents(db);
    await list.ensureLoaded();
    db.failNext('queryDocuments');
    await list.loadMore();
    assert.equal(ids(list).length, 50);
    assert.equal(kinds(list).at(-1), 'error');

    await list.retry();
    assert.equal(ids(list).length, 100);
    assert.equal(ids(list)[50], 'todo-051');
    const cursors = db.callsOf('queryDocuments').map((c) => (c.args[2] as { cursor?: string }).cursor);
    assert.equal(cursors[1], cursors[2], 'the retry asks for the same page again');
  });

  it('reset abandons a load in flight and starts over', async () => {
    db.delayMs = 30;
    const list = documents(db);
    const first = list.ensureLoaded();
    list.reset();
    db.seed('todos', [{ _id: 'aaa-first', title: 'new' }]);
    await list.ensureLoaded();
    await first;
    assert.equal(ids(list)[0], 'aaa-first');
    assert.equal(ids(list).length, 50);
  });

  it('forgets removed items without reloading', async () => {
    const list = documents(db);
    await list.ensureLoaded();
    assert.equal(list.removeWhere((d) => d._id === 'todo-002'), 1);
    assert.equal(ids(list).length, 49);
    assert.ok(!ids(list).includes('todo-002'));
    await list.loadMore();
    assert.equal(ids(list).length, 99);
    assert.equal(db.callsOf('queryDocuments').length, 2);
  });
});
