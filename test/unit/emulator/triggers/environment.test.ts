/**
 * Timer triggers in a real local environment, on the real clock: a function with an every-second
 * trigger in its config.json runs each second with the cloud's event; cloudbaserc.json's triggers
 * win over config.json's; an invalid cron is logged on its function with the column.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, type TestProject } from '../server/support';

const LOG_EVENT = 'exports.main = async (event) => { console.log("EVENT " + JSON.stringify(event)); return event; };\n';

function writeFunction(project: TestProject, name: string, config?: unknown): void {
  const dir = join(project.root, 'cloudfunctions', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), LOG_EVENT);
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

async function until<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('timer triggers in the local environment (real time)', function () {
  this.timeout(30_000);
  let project: TestProject;
  let env: LocalEnvironment;

  before(async () => {
    project = makeProject('cbs-timers-');
    writeFunction(project, 'tick', { triggers: [{ name: 'everySecond', type: 'timer', config: '* * * * * * *' }] });
    writeFunction(project, 'nightly', { triggers: [{ name: 'fromConfig', type: 'timer', config: '* * * * * * *' }] });
    writeFunction(project, 'broken', { triggers: [{ name: 'bad', type: 'timer', config: '0 0 9 * * 8 *' }] });
    writeFileSync(
      join(project.root, 'cloudbaserc.json'),
      JSON.stringify({ envId: 'x', functions: [{ name: 'nightly', triggers: [{ name: 'fromRc', type: 'timer', config: '0 0 3 * * * *' }] }] }),
    );
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-timers' });
  });
  after(async () => {
    await env?.close();
    project?.remove();
  });

  const events = (name: string): { Type: string; TriggerName: string; Time: string; Message: string }[] =>
    env.functions.logs
      .query({ functionName: name })
      .filter((e) => e.message.startsWith('EVENT '))
      .map((e) => JSON.parse(e.message.slice(6)) as never);

  it('fires an every-second trigger each second with { Type, TriggerName, Time, Message }', async () => {
    const fired = await until(() => (events('tick').length >= 2 ? events('tick') : undefined), 10_000);
    const [a, b] = fired;
    assert.equal(a.Type, 'Timer');
    assert.equal(a.TriggerName, 'everySecond');
    assert.equal(a.Message, '');
    assert.match(a.Time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(Date.parse(b.Time) - Date.parse(a.Time), 1000);
  });

  it("takes cloudbaserc.json's triggers over config.json's", () => {
    const nightly = env.timers.list().filter((t) => t.functionName === 'nightly');
    assert.deepEqual(nightly.map((t) => t.name), ['fromRc']);
    assert.equal(events('nightly').length, 0);
  });

  it('logs an invalid cron on its function with the position of the error, and never fires it', () => {
    const lines = env.functions.logs.query({ functionName: 'broken' });
    assert.ok(lines.some((e) => e.level === 'error' && /Trigger bad: Column 11, day-of-week field: 8 is outside 0–6/.test(e.message)));
    assert.equal(events('broken').length, 0);
  });

  it('stops firing while paused', async () => {
    env.timers.setPaused(true);
    await new Promise((r) => setTimeout(r, 300)); // an invocation that already started may still log
    const before = events('tick').length;
    await new Promise((r) => setTimeout(r, 2_200));
    assert.equal(events('tick').length, before);
    env.timers.setPaused(false);
    await until(() => (events('tick').length > before ? true : undefined), 5_000);
  });
});
