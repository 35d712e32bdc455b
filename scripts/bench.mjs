// `npm run bench`: builds, runs every section in scripts/bench/*.mjs (each in its own process, so
// one section's memory and failures do not colour the next), prints the machine and one table,
// and writes the same table to test-output/bench.md for the README.
// Usage: node scripts/bench.mjs [section names…]
//
// A section module exports `name` and `run()` resolving to rows:
//   { metric, value, unit, target?, ok?, baseline?, baselineLabel?, better?: 'higher' | 'lower' }
// `baseline` is the same work done the naive way; the ratio column says how many times better the
// real figure is (value ÷ baseline when higher is better, baseline ÷ value when lower is better).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, type as osType, release as osRelease } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDependencies, root, run } from './lib/setup.mjs';

const sectionsDir = join(root, 'scripts', 'bench');
const args = process.argv.slice(2);

// Child mode: run one section and hand its rows back through a file.
if (args[0] === '--run-section') {
  const [, file, out] = args;
  const mod = await import(pathToFileURL(file).href);
  const rows = await (mod.run ?? mod.default)();
  writeFileSync(out, JSON.stringify(rows));
  process.exit(0);
}

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    cores: cpu.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osType()} ${osRelease()}`,
    node: process.version,
  };
}

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100)) : String(v ?? ''));

function ratio(row) {
  if (typeof row.baseline !== 'number' || typeof row.value !== 'number' || row.value === 0 || row.baseline === 0) return '';
  const r = row.better === 'higher' ? row.value / row.baseline : row.baseline / row.value;
  return `${r >= 10 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1)}×`;
}

function table(rows) {
  const header = ['section', 'figure', 'value', 'unit', 'naive baseline', 'ratio', 'target'];
  const body = rows.map((r) => [
    r.section,
    r.metric,
    fmt(r.value),
    r.unit ?? '',
    r.baseline === undefined ? '' : `${fmt(r.baseline)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`,
    ratio(r),
    r.target === undefined ? '' : `${r.target}${r.ok === undefined ? '' : r.ok ? ' ✓' : ' ✗ missed'}`,
  ]);
  return { header, body };
}

function printTable({ header, body }) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of body) console.log(line(row));
}

function markdown(info, { header, body }, started) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [
    '# Benchmarks',
    '',
    `Run ${started.toISOString()} with \`npm run bench\`.`,
    '',
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memory} memory, ${info.os}, Node ${info.node}.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((row) => `| ${row.map(esc).join(' | ')} |`),
    '',
  ].join('\n');
}

ensureDependencies();
run(process.execPath, ['scripts/build.mjs', '--tests'], 'build');

const available = readdirSync(sectionsDir).filter((f) => f.endsWith('.mjs')).sort();
const chosen = args.length > 0 ? available.filter((f) => args.includes(f.replace(/\.mjs$/, ''))) : available;
if (chosen.length === 0) {
  console.error(`no such section: ${args.join(', ')} (sections: ${available.map((f) => f.replace(/\.mjs$/, '')).join(', ')})`);
  process.exit(2);
}

const info = machine();
const started = new Date();
console.log(`\nMachine: ${info.cpu} | ${info.cores} cores | ${info.memory} | ${info.os} | Node ${info.node}\n`);

const rows = [];
let failed = false;
const scratch = mkdtempSync(join(tmpdir(), 'cbs-bench-'));
try {
  for (const file of chosen) {
    const section = file.replace(/\.mjs$/, '');
    console.log(`--- ${section}`);
    const out = join(scratch, `${section}.json`);
    const t = Date.now();
    // A large heap: the database section holds a million documents twice (engine and naive copy).
    const res = spawnSync(process.execPath, ['--max-old-space-size=6144', '--expose-gc', fileURLToPath(import.meta.url), '--run-section', join(sectionsDir, file), out], {
      cwd: root,
      stdio: 'inherit',
    });
    if (res.status !== 0) {
      failed = true;
      rows.push({ section, metric: 'section failed', value: `exit ${res.status ?? res.signal}` });
      continue;
    }
    for (const r of JSON.parse(readFileSync(out, 'utf8'))) rows.push({ section, ...r });
    console.log(`    (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const t = table(rows);
console.log('');
printTable(t);
mkdirSync(join(root, 'test-output'), { recursive: true });
writeFileSync(join(root, 'test-output', 'bench.md'), markdown(info, t, started));
console.log('\nwritten to test-output/bench.md');
// Missed targets show in the table; only a section that could not run fails the command.
process.exit(failed ? 1 : 0);
