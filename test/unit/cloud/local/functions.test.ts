/**
 * The local backend's FunctionsApi and LogsApi over a real environment: paging by name, invoking
 * real function processes, watching the folder, debugging, and logs live and past.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { FunctionsChange } from '../../../../src/cloud/backend';
import { openLocalEnvironment, type OpenedLocalEnvironment } from '../../../../src/cloud/local/index';
import { isStudioError } from '../../../../src/shared/errors';
import type { FunctionInfo, LogEntry } from '../../../../src/shared/model';
import { makeProject, type TestProject } from '../../emulator/server/support';

function writeFunction(project: TestProject, name: string, code: string, config?: object): void {
  mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
  writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
  if (config) writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify(config));
}

function inspectorAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/json/list' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    }).on('error', () => resolve(false));
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isStudioError(e, code as never), `expected StudioError ${code}, got ${String(e)}`);
    return true;
  });
}

describe('LocalBackend functions and logs', function () {
  this.timeout(60_000);
  let project: TestProject;
  let opened: OpenedLocalEnvironment;
  const functions = () => opened.backend.functions!;
  const logs = () => opened.backend.logs!;

  before(async function () {
    project = makeProject('cbs-backend-fn-');
    for (const name of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) writeFunction(project, name, `exports.main = async (event) => ({ name: '${name}', event });\n`);
    writeFunction(project, 'noisy', 'exports.main = async (event) => { for (let i = 0; i < event.lines; i++) console.log(`line ${i}`); console.error("oops"); return event.lines; };\n');
    writeFunction(project, 'loud', 'exports.main = async () => { const line = "x".repeat(1023); for (let i = 0; i < 3 * 1024; i++) console.log(line); return "done"; };\n');
    writeFunction(project, 'throws', 'exports.main = async () => { throw new RangeError("out of range"); };\n');
    writeFunction(project, 'waits', 'exports.main = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return "done"; };\n', { timeout: 10, memorySize: 128 });
    mkdirSync(join(project.root, 'cloudfunctions', 'empty'));
    opened = await openLocalEnvironment({ projectRoot: project.root });
  });
  after(async function () {
    await opened?.close();
    project?.remove();
  });

  it('pages functions by name with their settings', async function () {
    const seen: FunctionInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await functions().listFunctions({ limit: 3, cursor });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.map((f) => f.name),
      ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'empty', 'loud', 'noisy', 'throws', 'waits'],
    );
    const waits = seen.find((f) => f.name === 'waits')!;
    assert.deepEqual([waits.runtime, waits.timeoutSeconds, waits.memoryMB, waits.handler, waits.status], ['Nodejs20.19', 10, 128, 'index.main', 'Active']);
    assert.equal(waits.folder, join(project.root, 'cloudfunctions', 'waits'));
    assert.equal(seen.find((f) => f.name === 'empty')!.status, 'HandlerMissing');
    await rejectsWith(functions().listFunctions({ limit: 3, cursor: '%%' }), 'InvalidArgument');
    await rejectsWith(functions().listFunctions({ limit: 0 }), 'InvalidArgument');
  });

  it('invokes a function and returns its result, duration, memory and logs', async function () {
    const out = await functions().invoke('noisy', { lines: 3 });
    assert.equal(out.result, 3);
    assert.equal(out.error, undefined);
    assert.ok(out.durationMs >= 0);
    assert.ok((out.memoryMB ?? 0) > 10, `memory ${out.memoryMB}`);
    assert.deepEqual(
      out.logs.filter((l) => l.kind === 'log').map((l) => [l.level, l.message]),
      [['info', 'line 0'], ['info', 'line 1'], ['info', 'line 2'], ['error', 'oops']],
    );
    assert.ok(out.logs.every((l) => l.requestId === out.requestId && l.functionName === 'noisy'));
    assert.deepEqual(Object.keys(out).sort(), ['durationMs', 'logs', 'memoryMB', 'requestId', 'result']);
  });

  it('returns the function\'s failure as `error` with its code and stack', async function () {
    const out = await functions().invoke('throws', {});
    assert.equal(out.error?.code, 'FunctionError');
    assert.equal(out.error?.message, 'RangeError: out of range');
    assert.match(out.error?.stack ?? '', /throws[\\/]index\.js:1/);
    const missing = await functions().invoke('empty', {});
    assert.equal(missing.error?.code, 'HandlerNotFound');
  });

  it('keeps a function that prints megabytes to a bounded log, and the others keep working', async function () {
    const out = await functions().invoke('loud', {});
    assert.equal(out.result, 'done');
    const printed = out.logs.filter((l) => l.kind === 'log');
    const kept = printed.reduce((n, l) => n + l.message.length, 0);
    assert.ok(kept <= 1024 * 1024 + 200, `${kept} characters kept of 3 MiB printed`);
    assert.match(printed[printed.length - 1].message, /dropped/);
    assert.equal((await functions().invoke('alpha', { after: 'loud' })).error, undefined);
  });

  it('refuses bad input before running anything', async function () {
    await rejectsWith(functions().invoke('absent', {}), 'FunctionNotFound');
    await rejectsWith(functions().invoke('', {}), 'InvalidArgument');
    await rejectsWith(functions().invoke('alpha', { n: Number.NaN } as never), 'InvalidArgument');
    const aborted = new AbortController();
    aborted.abort();
    await rejectsWith(functions().invoke('alpha', {}, aborted.signal), 'Cancelled');
  });

  it('cancels a running invocation through its signal', async function () {
    // Without the cancel the function would answer "done" after 5 s: the code alone proves it, on a machine of any speed.
    const controller = new AbortController();
    const running = functions().invoke('waits', { ms: 5000 }, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await rejectsWith(running, 'Cancelled');
  });

  it('tails logs in batches as they happen, filtered by function, until aborted', async function () {
    const controller = new AbortController();
    const batches: LogEntry[][] = [];
    const reading = (async () => {
      for await (const batch of logs().tail({ functionName: 'noisy' }, controller.signal)) {
        batches.push(batch);
        if (batches.flat().some((e) => e.kind === 'end')) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    await functions().invoke('alpha', {});
    const out = await functions().invoke('noisy', { lines: 200 });
    await reading;
    const entries = batches.flat();
    assert.ok(entries.every((e) => e.functionName === 'noisy'), 'only the function asked for');
    assert.equal(entries.filter((e) => e.kind === 'log').length, 201);
    assert.equal(entries[0].kind, 'start');
    assert.equal(entries[entries.length - 1].kind, 'end');
    assert.equal(entries[entries.length - 1].requestId, out.requestId);
    assert.ok(batches.length < entries.length, `${entries.length} entries came in ${batches.length} batches`);
  });

  it('ends a tail at once when its signal aborts while waiting', async function () {
    const controller = new AbortController();
    const reading = (async () => {
      let n = 0;
      for await (const batch of logs().tail({}, controller.signal)) n += batch.length;
      return n;
    })();
    setTimeout(() => controller.abort(), 50);
    assert.equal(await reading, 0);
  });

  it('queries past entries by function, request, time and limit', async function () {
    const out = await functions().invoke('bravo', { q: 1 });
    const byRequest = await logs().query({ requestId: out.requestId });
    assert.deepEqual(byRequest.map((e) => e.kind), ['start', 'end']);
    assert.equal(
      byRequest[1].result,
      JSON.stringify({ name: 'bravo', event: { q: 1, userInfo: { appId: 'wx00000000000000aa', openId: 'oLocal00000000000000000user1' } } }),
      'the END entry carries the result (the simulated mini-program caller adds userInfo)',
    );
    const recent = await logs().query({ functionName: 'bravo', limit: 1 });
    assert.equal(recent.length, 1);
    assert.equal(recent[0].kind, 'end');
    assert.deepEqual(await logs().query({ since: Date.now() + 60_000 }), []);
    await rejectsWith(logs().query({ limit: -1 }), 'InvalidArgument');
    await rejectsWith(logs().query({ since: Number.NaN }), 'InvalidArgument');
  });

  it('reports functions added, edited and removed on disk', async function () {
    const changes: FunctionsChange[] = [];
    const watch = functions().watch!((c) => changes.push(c));
    const waitFor = async (what: (c: FunctionsChange) => boolean): Promise<void> => {
      const end = Date.now() + 10_000;
      while (!changes.some(what)) {
        if (Date.now() > end) throw new Error(`no such change: ${JSON.stringify(changes)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      // The first scan runs before changes are reported.
      await new Promise((r) => setTimeout(r, 400));
      writeFunction(project, 'foxtrot', 'exports.main = async () => 1;\n');
      await waitFor((c) => c.added.includes('foxtrot'));
      writeFileSync(join(project.root, 'cloudfunctions', 'foxtrot', 'config.json'), JSON.stringify({ timeout: 7 }));
      await waitFor((c) => c.changed.includes('foxtrot'));
      const page = await functions().listFunctions({ limit: 100 });
      assert.equal(page.items.find((f) => f.name === 'foxtrot')?.timeoutSeconds, 7);
      rmSync(join(project.root, 'cloudfunctions', 'foxtrot'), { recursive: true });
      await waitFor((c) => c.removed.includes('foxtrot'));
    } finally {
      watch.dispose();
    }
  });

  it('debugs a function: an inspector port, no time limit, back to normal after stopDebug', async function () {
    const target = await functions().startDebug!('waits');
    assert.equal(target.functionName, 'waits');
    assert.ok(await inspectorAnswers(target.port), 'an inspector answers on the reported port');
    const out = await functions().invoke('waits', { ms: 50 });
    assert.equal(out.result, 'done');
    await functions().stopDebug!('waits');
    assert.equal(await inspectorAnswers(target.port), false, 'the debug process is gone');
    assert.equal((await functions().invoke('waits', { ms: 10 })).result, 'done');
    await rejectsWith(functions().startDebug!('absent'), 'FunctionNotFound');
  });
});
