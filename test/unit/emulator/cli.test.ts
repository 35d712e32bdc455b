/**
 * `cloudbase-emulator` as users run it: the bin shim over the built bundle, a real process,
 * real signals, and data that survives a restart.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tcb from '@cloudbase/node-sdk';
import { makeProject, repoRoot, type TestProject } from './server/support';

const bin = join(repoRoot, 'bin', 'cloudbase-emulator.js');
const FIRST_LINE = /^CloudBase local environment (\S+) listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

interface Running {
  child: ChildProcess;
  envId: string;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every line printed after the first. */
  output: string[];
}

function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first line within 20 s; stderr: ${stderr}`));
    }, 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = FIRST_LINE.exec(line);
      if (!m) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${line}`));
        return;
      }
      const output: string[] = [];
      lines.on('line', (l) => output.push(l));
      resolve({ child, envId: m[1], url: m[2], exited, output });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before the first line; stderr: ${stderr}`));
    });
  });
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  running.child.kill(signal);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running 15 s after ${signal}`)), 15_000).unref());
  const { code } = await Promise.race([running.exited, timeout]);
  return code;
}

/** The environment's token, from the SDK setup the command prints after its first line. */
async function tokenOf(r: Running): Promise<string> {
  await waitForLine(r, /TENCENTCLOUD_SESSIONTOKEN=/);
  const line = r.output.find((l) => /TENCENTCLOUD_SESSIONTOKEN=/.test(l))!;
  return /TENCENTCLOUD_SESSIONTOKEN=(\S+)/.exec(line)![1];
}

async function app(r: Running) {
  const token = await tokenOf(r);
  return tcb.init({ env: r.envId, secretId: 'local', secretKey: token, sessionToken: token, serviceUrl: `${r.url}/admin` });
}

async function db(r: Running) {
  return (await app(r)).database();
}

describe('cloudbase-emulator command', function () {
  let project: TestProject;
  const running: Running[] = [];

  before(function () {
    assert.ok(existsSync(join(repoRoot, 'dist', 'emulator-cli.js')), 'dist/emulator-cli.js is missing: run `node scripts/build.mjs` first');
    project = makeProject('cbs-cli-');
  });
  afterEach(function () {
    for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  });
  after(function () {
    project?.remove();
  });

  it('prints usage with --help', function () {
    const res = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.equal(res.status, 0);
    assert.match(res.stdout, /Usage: cloudbase-emulator/);
  });

  it('refuses bad arguments with exit code 2', function () {
    for (const args of [['--port', 'abc'], ['--port', '70000'], ['--bogus'], ['stray'], ['--project'], ['--env', 'Bad Id']]) {
      const res = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /cloudbase-emulator: /);
    }
  });

  it('fails with exit code 1 for a missing project folder', function () {
    const res = spawnSync(process.execPath, [bin, '--project', join(project.root, 'absent')], { encoding: 'utf8' });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /could not start/);
  });

  it('serves node-sdk, stops on SIGTERM and keeps the data', async function () {
    const first = await startCli(['--project', project.root]);
    running.push(first);
    assert.match(first.envId, /^local-cbs-cli-/);
    const d = await db(first);
    await d.createCollection('notes');
    const { ids } = await d.collection('notes').add([{ text: 'one' }, { text: 'two', at: new Date('2025-02-03T04:05:06Z') }]);
    assert.equal(ids?.length, 2);
    assert.equal(await stop(first, 'SIGTERM'), 0);
    assert.ok(existsSync(join(project.root, '.cloudbase', 'local', 'database')), 'data lives in <project>/.cloudbase/local/database');

    const second = await startCli(['--project', project.root, '--port', '0']);
    running.push(second);
    assert.equal(second.envId, first.envId);
    const notes = await (await db(second)).collection('notes').orderBy('text', 'asc').get();
    assert.deepEqual(
      notes.data.map((n: Record<string, unknown>) => n.text),
      ['one', 'two'],
    );
    assert.deepEqual(notes.data[1].at, new Date('2025-02-03T04:05:06Z'));
    assert.equal(await tokenOf(second), await tokenOf(first), 'the token lasts across restarts');

    // While it runs, a second start for the same project says where it runs and exits with 3.
    const twice = spawnSync(process.execPath, [bin, '--project', project.root], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(twice.status, 3, twice.stderr);
    assert.match(twice.stderr, new RegExp(`already runs at ${second.url.replace(/[.:/]/g, '\\$&')}`));
    assert.equal(await stop(second, 'SIGINT'), 0);

    // Without --port it comes back on the port it had last.
    const third = await startCli(['--project', project.root]);
    running.push(third);
    assert.equal(third.url, second.url);
    assert.equal(await stop(third, 'SIGTERM'), 0);
  });

  it('prints an SDK setup that works as pasted into a shell', async function () {
    const r = await startCli(['--project', project.root]);
    running.push(r);
    await tokenOf(r);
    const exports = r.output.filter((l) => /^\s+export /.test(l)).map((l) => l.trim());
    assert.equal(exports.length, 3, r.output.join('\n'));
    const script = "const tcb = require('@cloudbase/node-sdk'); tcb.init({ env: process.env.TCB_ENV }).database().createCollection('pasted').then(() => console.log('ok'), (e) => { console.error(e.message); process.exit(1); });";
    const res = spawnSync('/bin/sh', ['-c', `${exports.join('\n')}\nexec "${process.execPath}" -e "$SCRIPT"`], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SCRIPT: script },
      timeout: 30_000,
    });
    assert.equal(res.status, 0, res.stderr + res.stdout);
    const check = await (await db(r)).collection('pasted').count();
    assert.equal(check.total, 0);
    assert.equal(await stop(r, 'SIGTERM'), 0);
  });

  it('runs the project\'s functions for callFunction and prints their logs', async function () {
    const folder = join(project.root, 'cloudfunctions', 'hello');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.js'), 'exports.main = async (event) => { console.log("hello from", event.who); return { hi: event.who }; };\n');
    const r = await startCli(['--project', project.root]);
    running.push(r);
    await waitForLine(r, /functions \(.*cloudfunctions\/?\): hello$/);
    const res = await (await app(r)).callFunction({ name: 'hello', data: { who: 'cli' } });
    assert.deepEqual(res.result, { hi: 'cli' });
    await waitForLine(r, /\[hello\] hello from cli$/);
    await waitForLine(r, /\[hello\] END RequestId: /);
    assert.equal(await stop(r, 'SIGTERM'), 0);
    rmSync(folder, { recursive: true, force: true });
  });

  it('honours --data, --port and --env', async function () {
    const port = await freePort();
    const dataDir = join(project.root, 'elsewhere');
    const r = await startCli(['--project', project.root, '--data', dataDir, '--port', String(port), '--env', 'my-env']);
    running.push(r);
    assert.equal(r.url, `http://127.0.0.1:${port}`);
    assert.equal(r.envId, 'my-env');
    await (await db(r)).createCollection('here');
    assert.equal(await stop(r, 'SIGTERM'), 0);
    assert.ok(existsSync(join(dataDir, 'database')));
  });
});

async function waitForLine(r: Running, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!r.output.some((l) => pattern.test(l))) {
    if (Date.now() > end) throw new Error(`no line ${pattern} in:\n${r.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
