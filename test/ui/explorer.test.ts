/**
 * The CloudBase view in a real workbench: the demo project's local environment (started by the
 * extension on activation), its collections and their documents, paged with "Load more…".
 */
import * as assert from 'node:assert/strict';
import { Workbench } from './support/workbench';

describe('CloudBase explorer (UI)', function () {
  let wb: Workbench;

  before(async function () {
    wb = await Workbench.shared();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-${this.currentTest.fullTitle()}`);
  });

  // The window is shared: leave the tree short for the suites after this one.
  after(async function () {
    await wb?.collapseAll();
  });


  it('shows the demo project as a local environment', async function () {
    await wb.showViewContainer('CloudBase');
    await wb.row('cloudbase-demo').waitFor({ timeout: 30_000 });
    assert.equal(await wb.description('cloudbase-demo'), 'Local');
    await wb.expand('cloudbase-demo');
    for (const area of ['Database', 'Storage', 'Functions']) await wb.row(area).waitFor();
    await wb.screenshot('explorer-environment');
  });

  it('lists the seeded collections with their document counts', async function () {
    await wb.expand('Database');
    await wb.row('todos').waitFor();
    await wb.row('users').waitFor();
    await wb.row('products').waitFor();
    assert.match(await wb.description('todos'), /\b120\b/);
    assert.match(await wb.description('users'), /\b8\b/);
    await wb.screenshot('explorer-collections');
  });

  it('shows a collection\'s documents by _id', async function () {
    await wb.expand('users');
    await wb.row('user-01').waitFor();
    await wb.row('user-08').waitFor();
    await wb.screenshot('explorer-documents');
  });

  it('pages a large collection: 50 documents, then "Load more…"', async function () {
    await wb.expand('todos');
    await wb.row('todo-001').waitFor();
    const more = await wb.reveal('Load more…');
    await wb.row('todo-050').waitFor();
    assert.equal(await wb.row('todo-051').count(), 0, 'the first page holds more than 50 documents');
    await wb.screenshot('explorer-load-more');
    await more.click();
    await wb.reveal('todo-100');
    await wb.screenshot('explorer-second-page');
  });
});
