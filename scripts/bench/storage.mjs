// Benchmark section: local environment storage through the server's HTTP path as the SDK uses it
// (@cloudbase/node-sdk uploadFile → /admin getUploadMetadata + PUT; getTempFileURL + GET), and
// listing a folder of 100,000 files through the store's folder index.
// Uses the build of `node scripts/build.mjs --tests` (out/src/emulator). BENCH_LIST_FILES=<n>
// lists a smaller folder. Standalone: node scripts/bench/storage.mjs
import { createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));

export const name = 'storage';

const SMALL = 1000;
const SMALL_BYTES = 2048;
const BIG_MB = 200;
const LIST_FILES = Number(process.env.BENCH_LIST_FILES ?? 100_000);
const PAGE = 50;
const PARALLEL = 8;

const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** GETs a URL and counts the bytes, as a downloader that streams to disk would. */
function fetchCount(url) {
  return new Promise((resolve, reject) => {
    get(encodeURI(url), (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      let body = ""; res.on("data", (c) => { if (res.statusCode !== 200) body += c; }); res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${res.statusCode} ${body}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function timeAsync(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

export async function run() {
  const envPath = join(root, 'out/src/emulator/environment.js');
  if (!existsSync(envPath)) throw new Error('Build first: node scripts/build.mjs --tests');
  const { startLocalEnvironment } = require(envPath);
  const { FileStore } = require(join(root, 'out/src/emulator/storage/index.js'));
  const tcb = require('@cloudbase/node-sdk');

  const dir = mkdtempSync(join(tmpdir(), 'cbs-bench-storage-'));
  const rows = [];
  try {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'project.config.json'), '{}');
    const env = await startLocalEnvironment({ projectRoot: project, envId: 'bench' });
    try {
      const app = tcb.init({ env: env.envId, secretId: 'AKIDbench', secretKey: 'bench', serviceUrl: env.adminUrl });
      const payload = Buffer.alloc(SMALL_BYTES, 'x');

      // Eight at a time, like manager-node's uploadFiles: the SDK's own per-call overhead overlaps.
      const up = await timeAsync(async () => {
        const ids = new Array(SMALL);
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < SMALL; i = next++) ids[i] = (await app.uploadFile({ cloudPath: `small/f${i}.txt`, fileContent: payload })).fileID;
        };
        await Promise.all(Array.from({ length: PARALLEL }, worker));
        return ids;
      });
      rows.push({ metric: `upload ${SMALL.toLocaleString('en-US')} files of 2 KB, ${PARALLEL} at a time (node-sdk uploadFile; each synced to disk)`, value: round((SMALL / up.ms) * 1000, 0), unit: 'files/s' });

      const ids = up.result;
      const down = await timeAsync(async () => {
        for (let i = 0; i < ids.length; i += 100) {
          const { fileList } = await app.getTempFileURL({ fileList: ids.slice(i, i + 100) });
          for (let j = 0; j < fileList.length; j += PARALLEL) await Promise.all(fileList.slice(j, j + PARALLEL).map((f) => fetchCount(f.tempFileURL)));
        }
      });
      rows.push({ metric: `download the ${SMALL.toLocaleString('en-US')} files (getTempFileURL by 100, then GET ${PARALLEL} at a time)`, value: round((SMALL / down.ms) * 1000, 0), unit: 'files/s' });

      const big = join(dir, 'big.bin');
      const fd = openSync(big, 'w');
      const chunk = Buffer.alloc(1024 * 1024, 0xab);
      for (let i = 0; i < BIG_MB; i++) writeSync(fd, chunk);
      closeSync(fd);
      const bigUp = await timeAsync(() => app.uploadFile({ cloudPath: 'big/big.bin', fileContent: createReadStream(big) }));
      rows.push({ metric: `upload one ${BIG_MB} MB file (streamed PUT, synced to disk)`, value: round(BIG_MB / (bigUp.ms / 1000), 0), unit: 'MB/s' });
      const [{ tempFileURL }] = (await app.getTempFileURL({ fileList: [bigUp.result.fileID] })).fileList;
      const bigDown = await timeAsync(() => fetchCount(tempFileURL));
      if (bigDown.result !== BIG_MB * 1024 * 1024) throw new Error(`downloaded ${bigDown.result} bytes`);
      rows.push({ metric: `download the ${BIG_MB} MB file (temporary URL, streamed GET)`, value: round(BIG_MB / (bigDown.ms / 1000), 0), unit: 'MB/s' });
    } finally {
      await env.close();
    }

    // Listing: a folder of LIST_FILES files written straight to disk (as a seed or a copy would).
    const storageRoot = join(dir, 'list', 'storage');
    const folder = join(storageRoot, 'many');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < LIST_FILES; i++) writeFileSync(join(folder, `file-${String((i * 7919) % LIST_FILES).padStart(6, '0')}-${i}.jpg`), '');
    const store = await FileStore.open(storageRoot, join(dir, 'list', 'partial'));
    const cold = await timeAsync(() => store.list('many/', PAGE));
    const warm = [];
    for (let i = 0; i < 20; i++) warm.push((await timeAsync(() => store.list('many/', PAGE))).ms);
    let cursor = cold.result.next;
    for (let i = 0; i < Math.floor(LIST_FILES / PAGE / 2); i++) cursor = (await store.list('many/', PAGE, cursor)).next ?? cursor;
    const deep = [];
    for (let i = 0; i < 20; i++) deep.push((await timeAsync(() => store.list('many/', PAGE, cursor))).ms);

    // The naive way: stat every file, then sort and cut a page.
    const naive = await timeAsync(async () => {
      const names = readdirSync(folder);
      const entries = names.map((n) => ({ n, s: statSync(join(folder, n)) }));
      entries.sort((a, b) => (a.n < b.n ? -1 : 1));
      return entries.slice(0, PAGE);
    });
    const count = LIST_FILES.toLocaleString('en-US');
    rows.push({ metric: `first page of ${PAGE} in a folder of ${count} files, first listing (readdir once + sort)`, value: round(cold.ms, 0), unit: 'ms', baseline: round(naive.ms, 0), baselineLabel: 'stat every file + sort', better: 'lower' });
    rows.push({ metric: `first page of ${PAGE}, folder already indexed (median of 20)`, value: round(median(warm), 2), unit: 'ms', baseline: round(naive.ms, 0), baselineLabel: 'stat every file + sort', better: 'lower', target: '< 50 ms', ok: median(warm) < 50 });
    rows.push({ metric: `page of ${PAGE} in the middle, by cursor (median of 20)`, value: round(median(deep), 2), unit: 'ms', target: '< 50 ms', ok: median(deep) < 50 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = performance.now();
  console.table(await run());
  console.log(`${Math.round((performance.now() - t) / 1000)} s`);
}
