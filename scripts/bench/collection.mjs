// Benchmark section: the collection panel and its services over the local backend.
//  - paging: page 1 and page 10,000 (100 documents a page) of a 1,000,000-document collection,
//    through LocalBackend.queryDocuments by cursor, beside the same deep page read by skipping;
//  - import: 100,000 JSON Lines documents through importDocuments (batches of 500), docs/s,
//    beside one insert call per document;
//  - grid: a page of 100 documents rendered by the panel's page in Chromium (fake host).
// Uses the transpiled sources (node scripts/build.mjs --tests) and dist/webview/collection.js.
// BENCH_DOCS=<n> runs a smaller collection. Standalone: node scripts/bench/collection.mjs
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'collection';

const N = Number(process.env.BENCH_DOCS ?? 1_000_000);
const PAGE = 100;
const DEEP = Math.min(10_000, Math.floor(N / PAGE));
const IMPORT_N = Math.min(100_000, N);
const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Guangzhou'];

function makeDocument(i) {
  return {
    _id: `u${String(i).padStart(8, '0')}`,
    name: `user${i}`,
    email: `user${i}@example.com`,
    age: 18 + (i % 60),
    city: CITIES[i % CITIES.length],
    active: i % 3 === 0,
    createdAt: { $date: new Date(1_700_000_000_000 + i * 1000).toISOString() },
    address: { street: `${i} Nanjing Rd`, zip: String(200000 + (i % 1000)) },
    tags: [`t${i % 10}`, `g${i % 7}`],
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function timeAsync(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

async function medianOf(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await timeAsync(fn)).ms);
  return median(times);
}

async function paging(LocalDatabaseApi, openDatabase, dir, rows, say) {
  const engine = await openDatabase(join(dir, 'paging'));
  try {
    const db = new LocalDatabaseApi(engine);
    await db.createCollection('users');
    // Seeded through the engine with native values (the backend's EJSON conversion is not what is measured here).
    const users = engine.collection('users');
    const seeded = await timeAsync(async () => {
      const inFlight = [];
      for (let i = 0; i < N; i += 1000) {
        const batch = [];
        for (let j = i; j < Math.min(N, i + 1000); j++) {
          const d = makeDocument(j);
          batch.push({ ...d, createdAt: new Date(d.createdAt.$date) });
        }
        inFlight.push(users.insertMany(batch));
        if (inFlight.length >= 4) await inFlight.shift();
      }
      await Promise.all(inFlight);
    });
    say(`seeded ${N} documents in ${round(seeded.ms / 1000, 1)} s`);

    await medianOf(10, () => db.queryDocuments('users', {}, { limit: PAGE })); // warm-up
    const first = await medianOf(30, () => db.queryDocuments('users', {}, { limit: PAGE }));
    // The cursor the panel holds after DEEP - 1 clicks on Next: the position after the last
    // document of page DEEP - 1. A cursor is a position (sort values and _id), not tied to a page
    // size, so the walk reads the engine 1,000 at a time to get there quickly.
    let cursor;
    const walked = await timeAsync(async () => {
      let left = (DEEP - 1) * PAGE;
      while (left > 0) {
        const limit = Math.min(1000, left);
        cursor = users.find({}, { limit, after: cursor }).nextCursor;
        left -= limit;
      }
    });
    say(`walked to page ${DEEP} in ${round(walked.ms / 1000, 1)} s`);
    const deep = await medianOf(30, () => db.queryDocuments('users', {}, { limit: PAGE, cursor }));
    const deepPage = await db.queryDocuments('users', {}, { limit: PAGE, cursor });
    const expected = makeDocument((DEEP - 1) * PAGE)._id;
    if (deepPage.items[0]?._id !== expected) throw new Error(`page ${DEEP} starts at ${deepPage.items[0]?._id}, not ${expected}`);
    const skipped = await medianOf(5, async () => users.find({}, { limit: PAGE, skip: (DEEP - 1) * PAGE }));

    const sortedFirst = await medianOf(3, () => db.queryDocuments('users', { sort: [{ field: 'createdAt', direction: -1 }] }, { limit: PAGE }));
    rows.push({ metric: `page 1 of 100 via LocalBackend.queryDocuments (${N.toLocaleString('en-US')} documents)`, value: round(first, 3), unit: 'ms' });
    rows.push({
      metric: `page ${DEEP.toLocaleString('en-US')} of 100 by kept cursor`,
      value: round(deep, 3),
      unit: 'ms',
      baseline: round(skipped, 1),
      baselineLabel: 'engine skip()',
      better: 'lower',
      target: `≈ page 1 (${round(first, 3)} ms)`,
      ok: deep < Math.max(5, first * 3),
    });
    rows.push({ metric: 'page 1 of 100 sorted by an unindexed field (createdAt desc, median of 3)', value: round(sortedFirst, 0), unit: 'ms' });
  } finally {
    await engine.close();
  }
}

async function importing(LocalDatabaseApi, openDatabase, importDocuments, dir, rows, say) {
  const file = join(dir, 'import.jsonl');
  const lines = [];
  for (let i = 0; i < IMPORT_N; i++) lines.push(JSON.stringify({ ...makeDocument(i), _id: undefined }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const engine = await openDatabase(join(dir, 'import'));
  try {
    const db = new LocalDatabaseApi(engine);
    await db.createCollection('imported');
    const imported = await timeAsync(() => importDocuments(db, 'imported', file, { format: 'jsonl', mode: 'insert', batchSize: 500 }));
    const report = imported.result;
    if (report.written !== IMPORT_N || report.failures.length !== 0) throw new Error(`import wrote ${report.written}, ${report.failures.length} failed`);
    const count = await db.countDocuments('imported');
    if (count !== IMPORT_N) throw new Error(`the collection holds ${count}`);
    say(`imported ${IMPORT_N} in ${round(imported.ms / 1000, 1)} s`);
    // The naive way: one backend call (one durable write) per document, on a sample.
    await db.createCollection('one_by_one');
    const sample = 1000;
    const single = await timeAsync(async () => {
      for (let i = 0; i < sample; i++) await db.insertDocuments('one_by_one', [JSON.parse(lines[i])]);
    });
    rows.push({
      metric: `import ${IMPORT_N.toLocaleString('en-US')} JSON Lines documents (batches of 500, durable)`,
      value: round(IMPORT_N / (imported.ms / 1000), 0),
      unit: 'docs/s',
      baseline: round(sample / (single.ms / 1000), 0),
      baselineLabel: 'one insert per document',
      better: 'higher',
    });
  } finally {
    await engine.close();
  }
}

/** The panel's page in Chromium with a fake host serving pages of 100 documents from memory. */
async function grid(webviewHtml, rows, say) {
  const bundle = join(root, 'dist', 'webview', 'collection.js');
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(bundle) || !existsSync(chromiumPath)) {
    say('skipped the grid figure: dist/webview/collection.js or Chromium is missing');
    return;
  }
  const { chromium } = require('playwright-core');
  const { contentSecurityPolicy, createNonce } = webviewHtml;
  let origin = '';
  const fakeHost = `(() => {
    window.__fromHost = (m) => window.dispatchEvent(new MessageEvent('message', { data: m }));
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => undefined, setState: () => {} });
  })();`;
  const server = createServer((req, res) => {
    const nonce = createNonce();
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(origin, nonce)}">
<link rel="stylesheet" href="/media/codicons/codicon.css" nonce="${nonce}"><script nonce="${nonce}">${fakeHost}</script></head>
<body><script type="module" nonce="${nonce}" src="/collection.js"></script></body></html>`);
    } else if (req.url === '/collection.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(bundle));
    } else if (req.url?.startsWith('/media/') && existsSync(join(root, req.url))) {
      res.writeHead(200, { 'content-type': req.url.endsWith('.css') ? 'text/css' : 'font/ttf' });
      res.end(readFileSync(join(root, req.url)));
    } else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let pageNo = 0;
    await page.exposeFunction('__toHost', (m) => {
      const send = (x) => page.evaluate((msg) => window.__fromHost(msg), x);
      if (m.type === 'ready') void send({ type: 'init', target: { envKey: 'local:/bench', envLabel: 'bench', collection: 'users' }, strings: {}, pageSizes: [100] });
      else if (m.type === 'query') {
        const start = pageNo++ * PAGE;
        const documents = Array.from({ length: PAGE }, (_, i) => makeDocument(start + i));
        // The page comes first and its count after it, as the real host sends them.
        void send({ type: 'page', requestId: m.requestId, documents, nextCursor: `c${pageNo}`, counting: true, elapsedMs: 0 }).then(() =>
          send({ type: 'total', requestId: m.requestId, total: N }),
        );
      }
    });
    await page.goto(origin);
    await page.waitForSelector('cb-collection-panel table.grid');
    const times = [];
    for (let i = 0; i < 15; i++) {
      await page.evaluate(() => delete document.querySelector('cb-collection-panel').dataset.renderMs);
      await page.locator('cb-collection-panel vscode-toolbar-button.next').click();
      await page.waitForFunction(() => document.querySelector('cb-collection-panel').dataset.renderMs !== undefined);
      times.push(Number(await page.evaluate(() => document.querySelector('cb-collection-panel').dataset.renderMs)));
    }
    const rowsShown = await page.locator('cb-collection-panel tbody tr').count();
    if (rowsShown !== PAGE) throw new Error(`the grid shows ${rowsShown} rows`);
    const ms = median(times);
    rows.push({ metric: 'render a page of 100 documents in the grid (Chromium, median of 15, DOM + style + layout)', value: round(ms, 1), unit: 'ms', target: '< 100 ms', ok: ms < 100 });
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function run() {
  const backendPath = join(root, 'out/src/cloud/local/local-backend.js');
  if (!existsSync(backendPath)) throw new Error('Build first: node scripts/build.mjs --tests');
  const { LocalDatabaseApi } = require(backendPath);
  const { openDatabase } = require(join(root, 'out/src/emulator/database/index.js'));
  const { importDocuments } = require(join(root, 'out/src/extension/database/importExport.js'));
  const webviewHtml = require(join(root, 'out/src/extension/panels/webviewHtml.js'));
  const dir = mkdtempSync(join(tmpdir(), 'cbs-bench-collection-'));
  const rows = [];
  const say = (s) => console.log(`    ${s}`);
  try {
    await paging(LocalDatabaseApi, openDatabase, dir, rows, say);
    await importing(LocalDatabaseApi, openDatabase, importDocuments, dir, rows, say);
    await grid(webviewHtml, rows, say);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.metric}: ${r.value} ${r.unit}${r.baseline !== undefined ? ` (naive: ${r.baseline})` : ''}${r.target ? ` target ${r.target} ${r.ok ? 'ok' : 'MISSED'}` : ''}`);
}
