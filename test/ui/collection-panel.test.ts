/**
 * The collection panel's page in Chromium under the panel's Content Security Policy, with a host
 * that answers from a real local database through the extension's own request class
 * (CollectionRequests), so a change to the host's handling shows here: grid, query bar, cursor paging, nested values, selection, inline
 * editing with conflicts, and state kept across a reload.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LocalDatabaseApi } from '../../src/cloud/local/local-backend';
import type { Database } from '../../src/emulator/database/api';
import { openDatabase } from '../../src/emulator/database/index';
import { CollectionRequests } from '../../src/extension/panels/collectionRequests';
import { contentSecurityPolicy, createNonce } from '../../src/extension/panels/webviewHtml';
import type { JsonObject } from '../../src/shared/model';
import type { CollectionHostMessage, CollectionPageMessage } from '../../src/shared/protocol/collectionPanel';
import { tempFolder } from '../unit/emulator/database/support';
import { englishStrings } from './fixtures/collection-panel/strings';
import { CHROMIUM_ARGS, root } from './fixtures/logPageHarness';

declare const window: { __fromHost(m: unknown): void; __violations: string[] };
declare const document: {
  addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void;
  querySelector(s: string): { dataset: Record<string, string>; textContent: string | null; getAttribute(name: string): string | null } | null;
};

/** Stands in for VS Code: records what the page posts, keeps its state across reloads, relays to Node. */
const FAKE_HOST = `(() => {
  let acquired = false;
  window.addEventListener('message', () => {});
  window.__fromHost = (m) => window.dispatchEvent(new MessageEvent('message', { data: m }));
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return {
      postMessage: (m) => window.__toHost(JSON.parse(JSON.stringify(m))),
      getState: () => { const s = sessionStorage.getItem('state'); return s === null ? undefined : JSON.parse(s); },
      setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
    };
  };
})();`;

function makeDoc(i: number): JsonObject {
  return {
    _id: `doc${String(i).padStart(6, '0')}`,
    name: `user${i}`,
    age: 18 + (i % 60),
    active: i % 2 === 0,
    createdAt: { $date: new Date(1_700_000_000_000 + i * 1000).toISOString() },
    address: { city: i % 2 ? 'Shanghai' : 'Beijing', zip: String(200000 + i) },
    tags: [`t${i % 5}`],
  };
}

describe('collection panel page (Chromium, real database behind a fake host)', function () {
  this.timeout(120_000);
  let folder: ReturnType<typeof tempFolder>;
  let engine: Database;
  let db: LocalDatabaseApi;
  let server: Server;
  let origin = '';
  let browser: Browser;
  let page: Page;
  let fromPage: CollectionPageMessage[];
  let consoleErrors: string[];

  before(async () => {
    if (!existsSync(join(root, 'dist', 'webview', 'collection.js'))) throw new Error('dist/webview/collection.js is missing: run node scripts/build.mjs');
    folder = tempFolder('cbs-panel-');
    engine = await openDatabase(folder.dir);
    db = new LocalDatabaseApi(engine);
    await db.createCollection('users');
    const docs = Array.from({ length: 1000 }, (_, i) => makeDoc(i));
    for (let i = 0; i < docs.length; i += 500) await db.insertDocuments('users', docs.slice(i, i + 500));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const nonce = createNonce();
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(origin, nonce)}">
<link rel="stylesheet" href="/fixtures/vscode-dark-modern.css" nonce="${nonce}">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="/media/codicons/codicon.css" nonce="${nonce}">
<script nonce="${nonce}">${FAKE_HOST}</script><title>users</title></head>
<body class="vscode-dark"><script type="module" nonce="${nonce}" src="/dist/webview/collection.js"></script></body></html>`);
        return;
      }
      const mounts: [string, string][] = [
        ['/fixtures/', join(root, 'test', 'ui', 'fixtures', 'log-panel')],
        ['/dist/webview/', join(root, 'dist', 'webview')],
        ['/media/', join(root, 'media')],
      ];
      for (const [prefix, dir] of mounts) {
        const file = join(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
        if (url.pathname.startsWith(prefix) && file.startsWith(dir) && existsSync(file)) {
          const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
          res.writeHead(200, { 'content-type': type });
          res.end(readFileSync(file));
          return;
        }
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine?.close();
    folder?.remove();
  });

  const send = (m: CollectionHostMessage): Promise<void> => page.evaluate((message: unknown) => window.__fromHost(message), m as unknown);

  /** While set, each count waits until its release is called, as a count over a big collection keeps the host waiting. */
  let heldCounts: (() => void)[] | undefined;
  /** The extension's own request handling, against the real database. */
  const requests = new CollectionRequests({
    collection: 'users',
    database: async () =>
      Object.assign(Object.create(db) as LocalDatabaseApi, {
        countDocuments: async (collection: string, filter?: JsonObject) => {
          if (heldCounts) await new Promise<void>((release) => heldCounts?.push(release));
          return db.countDocuments(collection, filter);
        },
      }),
    post: send,
    errorMessage: (e) => (e as Error).message,
  });

  /** What the extension's host does: the init, then queries and inline edits through its request class. */
  async function answer(m: CollectionPageMessage): Promise<void> {
    if (m.type === 'ready') {
      await send({ type: 'init', target: { envKey: 'local:/demo', envLabel: 'demo', collection: 'users' }, strings: englishStrings, pageSizes: [20, 50, 100, 500] });
    } else if (m.type === 'query') {
      await requests.query(m);
    } else if (m.type === 'editField') {
      await requests.editField(m);
    }
  }

  async function openPage(existing?: Page): Promise<void> {
    if (!existing) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
      page = await context.newPage();
      await page.exposeFunction('__toHost', (m: CollectionPageMessage) => {
        fromPage.push(m);
        void answer(m).catch((e: unknown) => consoleErrors.push(`host: ${String(e)}`));
      });
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
      });
      page.on('console', (m) => {
        if (m.type() === 'error' && !/favicon/.test(m.location().url)) consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(origin);
    } else {
      await page.reload();
    }
    await page.locator('cb-collection-panel table.grid').waitFor({ timeout: 20_000 });
  }

  const rows = () => page.locator('cb-collection-panel table.grid tbody tr');
  const firstIds = async (n = 3): Promise<string[]> => (await rows().evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { id: string } }).dataset.id))).slice(0, n);
  const waitPage = (index: number) => page.locator(`cb-collection-panel[data-page="${index}"]`).waitFor();
  const waitTotal = (n: number) => page.waitForFunction((text) => document.querySelector('cb-collection-panel .status .total')?.textContent === text, `${n} documents`);
  const lastQuery = () => [...fromPage].reverse().find((m) => m.type === 'query') as Extract<CollectionPageMessage, { type: 'query' }>;

  beforeEach(() => {
    fromPage = [];
    consoleErrors = [];
  });

  afterEach(async () => {
    if (!page) return;
    const violations = await page.evaluate(() => window.__violations).catch(() => []);
    await page.context().close();
    assert.deepEqual(violations, [], 'no Content Security Policy violation');
    assert.deepEqual(consoleErrors, [], 'no error on the page');
  });

  it('starts under the strict policy and shows the first page with columns from the fields and the total', async () => {
    await openPage();
    assert.equal(fromPage[0].type, 'ready');
    assert.deepEqual(lastQuery().query, { filter: {}, sort: [], limit: 50 });
    assert.equal(await rows().count(), 50);
    const headers = await page.locator('cb-collection-panel table.grid thead th').allTextContents();
    assert.deepEqual(headers.slice(1), ['_id', 'name', 'age', 'active', 'createdAt', 'address', 'tags']);
    await waitTotal(1000);
    assert.equal(await page.locator('cb-collection-panel tr[data-id="doc000000"] td[data-field="createdAt"]').textContent(), '2023-11-14T22:13:20Z');
  });

  it('shows the page before its count, "Counting…" until the total follows, and drops a count a newer query replaced', async () => {
    const held: (() => void)[] = [];
    heldCounts = held;
    try {
      await openPage();
      const total = page.locator('cb-collection-panel .status .total');
      assert.equal(await rows().count(), 50, 'the page is shown while its count runs');
      assert.equal(await total.textContent(), 'Counting…');
      assert.equal(held.length, 1);
      await page.locator('cb-collection-panel vscode-textfield.filter input').fill('{"age": {"$gte": 70}}');
      await page.locator('cb-collection-panel vscode-button.run').click();
      await page.waitForFunction(() => document.querySelector('cb-collection-panel tbody tr:first-child td[data-field="age"]')?.textContent === '70');
      await page.waitForTimeout(50);
      assert.equal(held.length, 2);
      assert.equal(await total.textContent(), 'Counting…');
      held[1]!();
      await waitTotal(128);
      // The first query's count comes last: the page keeps the newer total.
      held[0]!();
      await page.waitForTimeout(200);
      assert.equal(await total.textContent(), '128 documents');
    } finally {
      heldCounts = undefined;
      for (const release of held) release();
    }
  });

  it('nested values start collapsed and expand in place', async () => {
    await openPage();
    const cell = page.locator('cb-collection-panel tr[data-id="doc000001"] td[data-field="address"]');
    assert.match((await cell.textContent()) ?? '', /\{…\} 2 fields/);
    await cell.locator('button.toggle').click();
    assert.match((await cell.locator('pre').textContent()) ?? '', /"city": "Shanghai"/);
    assert.equal(await rows().count(), 50, 'expanding does not select or reload');
  });

  it('counts a one-element array as 1 item', async () => {
    await openPage();
    const cell = page.locator('cb-collection-panel tr[data-id="doc000001"] td[data-field="tags"] .summary');
    assert.equal(await cell.textContent(), '[…] 1 item');
  });

  it('checks the filter as it is typed, then runs filter, sort, projection and page size', async () => {
    await openPage();
    const filter = page.locator('cb-collection-panel vscode-textfield.filter');
    await filter.locator('input').fill('{"age": ');
    assert.equal(await filter.getAttribute('invalid'), '');
    assert.equal(await page.locator('cb-collection-panel vscode-button.run').getAttribute('disabled'), '');
    await filter.locator('input').fill('{"age": {"$gte": 70}}');
    await page.locator('cb-collection-panel vscode-textfield.sort input').fill('{"age": -1}');
    await page.locator('cb-collection-panel vscode-textfield.projection input').fill('{"name": 1, "age": 1}');
    await page.locator('cb-collection-panel vscode-button.run').click();
    await waitTotal(128);
    assert.deepEqual(lastQuery().query, { filter: { age: { $gte: 70 } }, sort: [{ field: 'age', direction: -1 }], projection: { name: 1, age: 1 }, limit: 50 });
    const headers = await page.locator('cb-collection-panel table.grid thead th').allTextContents();
    assert.deepEqual(headers.slice(1).sort(), ['_id', 'age', 'name']);
    assert.equal(await page.locator('cb-collection-panel tbody tr:first-child td[data-field="age"]').textContent(), '77');
  });

  it('reads the MongoDB shell\'s relaxed syntax in the filter', async () => {
    await openPage();
    await page.locator('cb-collection-panel vscode-textfield.filter input').fill("{ age: { $gte: 70 }, 'active': true }");
    assert.equal(await page.locator('cb-collection-panel vscode-textfield.filter').getAttribute('invalid'), null);
    await page.locator('cb-collection-panel vscode-textfield.filter input').press('Enter');
    await waitTotal(64);
    assert.deepEqual(lastQuery().query.filter, { age: { $gte: 70 }, active: true });
  });

  it('shows a bad query\'s error in a line that is always there, and keeps the last results, marked stale', async () => {
    await openPage();
    const gridTop = async (): Promise<number> => (await page.locator('cb-collection-panel .grid-scroll').boundingBox())?.y ?? -1;
    const top = await gridTop();
    await page.locator('cb-collection-panel vscode-textfield.sort input').fill('{ age: 2 }');
    await page.locator('cb-collection-panel .query-message[role="alert"]').waitFor();
    assert.match((await page.locator('cb-collection-panel .query-message').textContent()) ?? '', /Sort is/);
    assert.equal(await gridTop(), top, 'an invalid sort does not move the grid');
    await page.locator('cb-collection-panel vscode-textfield.sort input').fill('{}');

    const before = await firstIds();
    await page.locator('cb-collection-panel vscode-textfield.filter input').fill('{ age: { $noSuchOperator: 1 } }');
    await page.locator('cb-collection-panel vscode-button.run').click();
    await page.locator('cb-collection-panel table.grid.stale').waitFor();
    assert.deepEqual(await firstIds(), before, 'the last good results stay');
    assert.match((await page.locator('cb-collection-panel .query-message').textContent()) ?? '', /last query that ran/);
    assert.equal(await gridTop(), top, 'the error does not move the grid');
    await page.locator('cb-collection-panel vscode-textfield.filter input').fill('{}');
    await page.locator('cb-collection-panel vscode-button.run').click();
    await page.locator('cb-collection-panel table.grid:not(.stale)').waitFor();
  });

  it('sorts by a column header: a click sorts ascending, again descending, and the keyboard does the same', async () => {
    await openPage();
    const age = page.locator('cb-collection-panel table.grid thead th[data-field="age"]');
    await age.click();
    await page.waitForFunction(() => document.querySelector('cb-collection-panel th[data-field="age"]')?.getAttribute('aria-sort') === 'ascending');
    assert.deepEqual(lastQuery().query.sort, [{ field: 'age', direction: 1 }]);
    assert.equal(await page.locator('cb-collection-panel vscode-textfield.sort').evaluate((el) => (el as unknown as { value: string }).value), '{ age: 1 }');
    assert.equal(await page.locator('cb-collection-panel tbody tr:first-child td[data-field="age"]').textContent(), '18');
    await page.locator('cb-collection-panel table.grid thead th[data-field="age"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('cb-collection-panel th[data-field="age"]')?.getAttribute('aria-sort') === 'descending');
    assert.deepEqual(lastQuery().query.sort, [{ field: 'age', direction: -1 }]);
    assert.equal(await page.locator('cb-collection-panel tbody tr:first-child td[data-field="age"]').textContent(), '77');
  });

  it('pages forward and back by cursor: the next page asks with the cursor the host gave, previous reuses a kept one', async () => {
    await openPage();
    const page0 = await firstIds();
    await page.locator('cb-collection-panel vscode-toolbar-button.next').click();
    await waitPage(1);
    const page1 = await firstIds();
    assert.deepEqual(page1, ['doc000050', 'doc000051', 'doc000052']);
    const cursor1 = lastQuery().cursor;
    assert.ok(cursor1);
    await page.locator('cb-collection-panel vscode-toolbar-button.next').click();
    await waitPage(2);
    assert.deepEqual(await firstIds(1), ['doc000100']);
    await page.locator('cb-collection-panel vscode-toolbar-button.previous').click();
    await waitPage(1);
    assert.equal(lastQuery().cursor, cursor1, 'previous reuses the kept cursor');
    assert.deepEqual(await firstIds(), page1);
    await page.locator('cb-collection-panel vscode-toolbar-button.previous').click();
    await waitPage(0);
    assert.equal(lastQuery().cursor, undefined);
    assert.deepEqual(await firstIds(), page0);
  });

  // How fast is a figure of `npm run bench` (the collection section), not an assertion here.
  it('renders pages of 100 documents, page after page, and times each render', async () => {
    await openPage();
    const select = page.locator('cb-collection-panel vscode-single-select.limit');
    await select.evaluate((el) => {
      (el as unknown as { value: string }).value = '100';
      el.dispatchEvent(new Event('change'));
    });
    await page.locator('cb-collection-panel vscode-button.run').click();
    await page.waitForFunction(() => document.querySelector('cb-collection-panel tbody tr:nth-child(100)') !== null);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.locator('cb-collection-panel vscode-toolbar-button.next').click();
      await waitPage(i + 1);
      await page.waitForFunction(() => document.querySelector('cb-collection-panel')?.dataset.renderMs !== undefined);
      times.push(Number(await page.evaluate(() => document.querySelector('cb-collection-panel')?.dataset.renderMs)));
    }
    assert.equal(await rows().count(), 100);
    times.sort((a, b) => a - b);
    const median = times[2];
    console.log(`      render of 100 documents: median ${median.toFixed(1)} ms (${times.map((t) => t.toFixed(1)).join(', ')})`);
    assert.ok(times.every((t) => t > 0), 'every render was timed');
  });

  it('selects rows; Delete Selected and Duplicate post the selected ids and template', async () => {
    await openPage();
    await page.locator('cb-collection-panel tr[data-id="doc000003"] td[data-field="name"]').click();
    await page.locator('cb-collection-panel tr[data-id="doc000003"]').waitFor();
    assert.equal(await page.locator('cb-collection-panel tr.selected').count(), 1);
    await page.locator('cb-collection-panel vscode-toolbar-button.duplicate').click();
    await page.locator('cb-collection-panel tr[data-id="doc000004"] td.select input').check();
    assert.equal(await page.locator('cb-collection-panel tr.selected').count(), 2);
    await page.waitForFunction(() => document.querySelector('cb-collection-panel .selection')?.textContent === '2 selected');
    await page.locator('cb-collection-panel vscode-toolbar-button.delete-selected').click();
    await page.waitForFunction(() => true);
    const insert = fromPage.find((m) => m.type === 'insert') as Extract<CollectionPageMessage, { type: 'insert' }>;
    assert.equal(insert.template?._id, 'doc000003');
    const del = fromPage.find((m) => m.type === 'delete') as Extract<CollectionPageMessage, { type: 'delete' }>;
    assert.deepEqual(del.ids.sort(), ['doc000003', 'doc000004']);
  });

  it('works from the keyboard: arrows move the active cell, Space selects, Enter edits, Escape returns, Ctrl+A and Delete', async () => {
    await openPage();
    const ids = await firstIds(3);
    await page.locator('cb-collection-panel td.active').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    assert.deepEqual(await page.locator('cb-collection-panel tr.selected').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { id: string } }).dataset.id)), [ids[2]]);
    assert.equal(await page.locator(`cb-collection-panel tr[data-id="${ids[2]}"]`).getAttribute('aria-selected'), 'true');
    const active = page.locator('cb-collection-panel td.active');
    assert.equal(await active.evaluate((td) => (td as unknown as { parentElement: { dataset: { id: string } } }).parentElement.dataset.id), ids[2]);
    const text = await active.textContent();

    await page.keyboard.press('Enter');
    const editor = page.locator('cb-collection-panel .cell-editor');
    await editor.waitFor();
    assert.equal(await editor.locator('vscode-textfield.value').evaluate((el) => (el as unknown as { value: string }).value), text, 'the active cell is the one edited');
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await page.waitForFunction(() => (document as unknown as { activeElement: { classList: { contains(c: string): boolean } } | null }).activeElement?.classList.contains('active') === true);

    await page.keyboard.press('Control+a');
    assert.equal(await page.locator('cb-collection-panel tr.selected').count(), 50);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('cb-collection-panel tr.selected').count(), 0);
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => true);
    const del = fromPage.find((m) => m.type === 'delete') as Extract<CollectionPageMessage, { type: 'delete' }>;
    assert.deepEqual(del.ids, [ids[2]], 'with nothing selected, Delete means the active row');
  });

  it('edits one cell with its type: only that field changes', async () => {
    await openPage();
    const gridTop = (await page.locator('cb-collection-panel .grid-scroll').boundingBox())?.y;
    await page.locator('cb-collection-panel tr[data-id="doc000005"] td[data-field="age"]').dblclick();
    // The editor is in the cell it edits, inside the grid, not in a bar above it.
    const editor = page.locator('cb-collection-panel tr[data-id="doc000005"] td[data-field="age"].editing .cell-editor');
    await editor.waitFor();
    assert.equal((await page.locator('cb-collection-panel .grid-scroll').boundingBox())?.y, gridTop, 'the grid does not move');
    await page.screenshot({ path: join(root, 'test-output', 'screenshots', 'collection-inline-edit.png') });
    assert.equal(await editor.locator('vscode-single-select.type').evaluate((el) => (el as unknown as { value: string }).value), 'number');
    await editor.locator('vscode-textfield.value input').fill('4x');
    assert.equal(await editor.locator('vscode-button.save').getAttribute('disabled'), '');
    await editor.locator('vscode-textfield.value input').fill('42');
    await editor.locator('vscode-button.save').click();
    await editor.waitFor({ state: 'detached' });
    assert.equal(await page.locator('cb-collection-panel tr[data-id="doc000005"] td[data-field="age"]').textContent(), '42');
    const stored = await db.getDocument('users', 'doc000005');
    assert.deepEqual(stored, { ...makeDoc(5), age: 42, createdAt: stored?.createdAt });
  });

  it('an inline edit over someone else\'s change is a conflict: nothing written until Overwrite', async () => {
    await openPage();
    await db.updateDocuments('users', { _id: 'doc000006' }, { $set: { name: 'changed elsewhere' } }, { multi: false });
    await page.locator('cb-collection-panel tr[data-id="doc000006"] td[data-field="active"]').dblclick();
    const editor = page.locator('cb-collection-panel .cell-editor');
    await editor.locator('vscode-textfield.value input').fill('false');
    await editor.locator('vscode-button.save').click();
    await editor.locator('.conflict').waitFor();
    let stored = await db.getDocument('users', 'doc000006');
    assert.equal(stored?.active, true, 'no write');
    assert.equal(stored?.name, 'changed elsewhere', 'no lost update');
    await editor.locator('vscode-button.overwrite').click();
    await editor.waitFor({ state: 'detached' });
    stored = await db.getDocument('users', 'doc000006');
    assert.equal(stored?.active, false);
    assert.equal(stored?.name, 'changed elsewhere', 'the overwrite sets only the edited field');
  });

  it('keeps the query, page and expanded cells across a reload', async () => {
    await openPage();
    await page.locator('cb-collection-panel vscode-textfield.filter input').fill('{"tags": "t1"}');
    await page.locator('cb-collection-panel vscode-button.run').click();
    await waitTotal(200);
    await page.locator('cb-collection-panel vscode-toolbar-button.next').click();
    await waitPage(1);
    const before = await firstIds();
    await page.locator(`cb-collection-panel tr[data-id="${before[0]}"] td[data-field="tags"] button.toggle`).click();
    fromPage = [];
    await openPage(page);
    await waitPage(1);
    assert.equal(await page.locator('cb-collection-panel vscode-textfield.filter').evaluate((el) => (el as unknown as { value: string }).value), '{"tags": "t1"}');
    assert.deepEqual(await firstIds(), before);
    assert.ok(lastQuery().cursor, 'the restored page is read by its kept cursor');
    assert.equal(await page.locator(`cb-collection-panel tr[data-id="${before[0]}"] td[data-field="tags"] pre`).count(), 1);
  });

  it('drops a saved state of another version on reload: the page opens fresh and saves its own', async () => {
    await openPage();
    await page.locator('cb-collection-panel vscode-textfield.filter input').fill('{"tags": "t1"}');
    await page.locator('cb-collection-panel vscode-button.run').click();
    await waitTotal(200);
    // What an older (or newer) release saved: the same fields under another version.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).sessionStorage;
      const saved = JSON.parse(storage.getItem('state') ?? '{}') as { version?: number };
      storage.setItem('state', JSON.stringify({ ...saved, version: 0 }));
    });
    fromPage = [];
    await openPage(page);
    await waitTotal(1000);
    assert.equal(await page.locator('cb-collection-panel vscode-textfield.filter').evaluate((el) => (el as unknown as { value: string }).value), '{}');
    assert.equal(lastQuery().cursor, undefined, 'the first page, not a kept cursor');
    const state = await page.evaluate(() => JSON.parse((globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('state') ?? 'null') as { version: number; query: { filter: string } });
    assert.equal(state.version, 1);
    assert.equal(state.query.filter, '{}');
  });
});
