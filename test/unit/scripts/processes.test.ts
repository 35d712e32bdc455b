/**
 * The end-to-end harness's process control (scripts/e2e/processes.mjs): a started group stops as a
 * whole, a child that ignores SIGTERM is killed after the grace time, and a process that left the
 * group is still found (and killed) by the run marker.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Group {
  pid: number;
  exited: Promise<unknown>;
  stop(): Promise<void>;
  output(): string;
}
interface Processes {
  startGroup(name: string, command: string, args: string[], options?: object): Group;
  stopGroup(pgid: number, graceMs?: number): Promise<void>;
  groupMembers(pgid: number): number[];
  leftoverProcesses(): { pid: number; cmd: string }[];
  killLeftovers(): { pid: number }[];
}

const root = join(__dirname, '..', '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('e2e harness: process groups', function () {
  let p: Processes;

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    p = (await import(pathToFileURL(join(root, 'scripts/e2e/processes.mjs')).href)) as Processes;
  });

  afterEach(() => {
    p.killLeftovers();
  });

  it('stops a group with its grandchildren', async () => {
    const g = p.startGroup('sleepers', 'sh', ['-c', 'sleep 300 & sleep 300 & echo started; wait']);
    await until(() => p.groupMembers(g.pid).length === 3 && g.output().includes('started'));
    await g.stop();
    assert.deepEqual(p.groupMembers(g.pid), []);
    assert.deepEqual(p.leftoverProcesses(), []);
  });

  it('kills a group that ignores SIGTERM once the grace time is over', async () => {
    const g = p.startGroup('stubborn', 'sh', ['-c', 'trap "" TERM; sleep 300 & echo started; wait']);
    await until(() => g.output().includes('started') && p.groupMembers(g.pid).length === 2);
    const started = Date.now();
    await p.stopGroup(g.pid, 600);
    assert.ok(Date.now() - started >= 550, 'SIGKILL came before the grace time');
    assert.deepEqual(p.groupMembers(g.pid), []);
  });

  it('finds a process that left the group by its run marker', async () => {
    const g = p.startGroup('escaper', 'sh', ['-c', 'setsid sleep 300 & echo started']);
    await g.exited;
    await until(() => p.leftoverProcesses().some((l) => l.cmd.startsWith('sleep 300')));
    await g.stop();
    assert.equal(p.leftoverProcesses().length, 1, 'the escaped sleep should still be listed');
    assert.equal(p.killLeftovers().length, 1);
    await until(() => p.leftoverProcesses().length === 0);
  });
});
