/**
 * The CloudBase view in a real workbench: the demo project's local environment (started by the
 * extension on activation), its collections and their documents, paged with "Load more…".
 */
import * as assert from 'node:assert/strict';
import { Workbench } from './support/workbench';

declare const document: { activeElement: { closest(selector: string): unknown } | null };

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

  it('a click on a collection expands it; its inline button opens the panel, keeping the keyboard in the tree', async function () {
    const row = await wb.reveal('products');
    await row.locator('.label-name').click();
    await wb.row('products', '[aria-expanded="true"]').waitFor({ timeout: 20_000 });
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /^products · / });
    assert.equal(await tab.count(), 0, 'a click expands, like any tree node; it opens nothing');
    await row.hover();
    await row.locator('.actions [aria-label^="Open Collection"]').click();
    await tab.waitFor({ timeout: 30_000 });
    await wb.page.locator('iframe.webview.ready').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('explorer-collection-opened');
    assert.ok(await wb.page.evaluate(() => document.activeElement?.closest('.part.sidebar') != null), 'the tree keeps the focus (Delete, arrows)');
    await wb.runCommand('View: Close All Editors');
    await tab.waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('Create Collection says so and shows the new collection, selected, under an expanded Database', async function () {
    await wb.collapseAll();
    const name = `ui_${Date.now().toString(36)}`;
    await wb.runCommand('CloudBase: Create Collection…');
    await wb.answer(name);
    const created = wb.row(name, '[aria-selected="true"]');
    await created.waitFor({ timeout: 30_000 });
    assert.equal(await wb.row('Database', '[aria-expanded="true"]').count(), 1, 'Database is expanded');
    await wb.page.locator('.part.statusbar', { hasText: `Created collection "${name}"` }).waitFor({ timeout: 10_000 });
    await wb.screenshot('explorer-collection-created');
  });
});
