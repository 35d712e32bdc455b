import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { EnvironmentRegistry, type RegistryChange } from '../../../../src/extension/environments/registry';
import type { ProjectInfo } from '../../../../src/project/project';
import { isStudioError } from '../../../../src/shared/errors';
import { FakeLocalEnvironments } from '../../../fakes/fakeLocalEnvironments';

function project(root: string): ProjectInfo {
  return { root, functionRoot: join(root, 'cloudfunctions'), marker: 'project.config.json' };
}

describe('EnvironmentRegistry', () => {
  let fakes: FakeLocalEnvironments;
  let registry: EnvironmentRegistry;
  let changes: RegistryChange[];

  beforeEach(() => {
    fakes = new FakeLocalEnvironments();
    registry = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => join(p.root, '.cloudbase/local'), lockWaitMs: 0 });
    changes = [];
    registry.onDidChange((c) => changes.push(c));
  });

  it('adds a project once, labelled by its folder, idle until used', () => {
    const a = registry.addLocal(project('/ws/cloudbase-demo'), { explicit: false });
    const again = registry.addLocal(project('/ws/cloudbase-demo'), { explicit: true });
    assert.equal(a, again);
    assert.equal(a.explicit, true);
    assert.equal(a.info.label, 'cloudbase-demo');
    assert.equal(a.info.kind, 'local');
    assert.equal(a.state, 'idle');
    assert.equal(registry.list().length, 1);
    assert.deepEqual(changes, [{ kind: 'added', key: a.key }]);
    assert.equal(fakes.opened.length, 0, 'nothing starts on add');
  });

  it('lists environments by label', () => {
    registry.addLocal(project('/ws/b'), { explicit: false });
    registry.addLocal(project('/ws/a'), { explicit: false });
    assert.deepEqual(registry.list().map((e) => e.info.label), ['a', 'b']);
  });

  it('starts once for concurrent callers, with the data folder, and reports the environment id', async () => {
    fakes.holdOpens = true;
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    const starts = [registry.backend(entry.key), registry.start(entry.key), registry.backend(entry.key)];
    await new Promise((r) => setImmediate(r));
    assert.equal(entry.state, 'starting');
    fakes.releaseOpens();
    const [a, b, c] = await Promise.all(starts);
    assert.ok(a === b && b === c);
    assert.equal(fakes.opened.length, 1);
    assert.deepEqual(fakes.opened[0], { projectRoot: '/ws/demo', dataDir: '/ws/demo/.cloudbase/local' });
    assert.equal(entry.state, 'running');
    assert.equal(entry.info.envId, 'local-demo');
    assert.deepEqual(changes.filter((c) => c.kind === 'state').map((c) => c.kind === 'state' && c.state), ['starting', 'running']);
  });

  it('records a failed start and starts again when asked', async () => {
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    fakes.failNextOpen();
    await assert.rejects(registry.start(entry.key), (e) => isStudioError(e, 'EnvironmentLocked'));
    assert.equal(entry.state, 'failed');
    assert.ok(isStudioError(entry.error, 'EnvironmentLocked'));
    await registry.start(entry.key);
    assert.equal(entry.state, 'running');
    assert.equal(entry.error, undefined);
  });

  it('waits for another process to let go of the data folder, then starts', async () => {
    const patient = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => p.root, lockWaitMs: 5_000 });
    const entry = patient.addLocal(project('/ws/demo'), { explicit: false });
    fakes.failNextOpen();
    fakes.failNextOpen();
    await patient.start(entry.key);
    assert.equal(entry.state, 'running');
    assert.equal(fakes.opened.length, 3, 'two locked attempts, then the one that opened');
  });

  it('does not retry failures other than a locked data folder', async () => {
    const patient = new EnvironmentRegistry({ open: fakes.open, dataDirectory: (p) => p.root, lockWaitMs: 5_000 });
    const entry = patient.addLocal(project('/ws/demo'), { explicit: false });
    fakes.failNextOpen(new Error('disk full'));
    await assert.rejects(patient.start(entry.key), /disk full/);
    assert.equal(fakes.opened.length, 1);
  });

  it('keeps a failure that the loader throws synchronously on the promise path', async () => {
    const broken = new EnvironmentRegistry({
      open: () => {
        throw new Error('bundle missing');
      },
      dataDirectory: (p) => p.root,
    });
    const entry = broken.addLocal(project('/ws/demo'), { explicit: false });
    await assert.rejects(broken.start(entry.key), /bundle missing/);
    assert.equal(entry.state, 'failed');
  });

  it('stops by closing, and a later start opens again', async () => {
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    await registry.start(entry.key);
    await registry.stop(entry.key);
    assert.equal(entry.state, 'stopped');
    assert.deepEqual(fakes.closed, ['/ws/demo']);
    await registry.start(entry.key);
    assert.equal(fakes.opened.length, 2);
  });

  it('a stop during a start waits for it, then closes', async () => {
    fakes.holdOpens = true;
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    const starting = registry.start(entry.key);
    const stopping = registry.stop(entry.key);
    await new Promise((r) => setImmediate(r));
    fakes.releaseOpens();
    await starting;
    await stopping;
    assert.equal(entry.state, 'stopped');
    assert.deepEqual(fakes.closed, ['/ws/demo']);
  });

  it('remove stops and forgets; an unknown key is a coded error', async () => {
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    await registry.start(entry.key);
    await registry.remove(entry.key);
    assert.equal(registry.list().length, 0);
    assert.deepEqual(fakes.closed, ['/ws/demo']);
    assert.ok(changes.some((c) => c.kind === 'removed'));
    await assert.rejects(registry.start(entry.key), (e) => isStudioError(e, 'EnvironmentNotFound'));
  });

  it('dispose closes every running environment', async () => {
    const a = registry.addLocal(project('/ws/a'), { explicit: false });
    const b = registry.addLocal(project('/ws/b'), { explicit: false });
    registry.addLocal(project('/ws/c'), { explicit: false });
    await Promise.all([registry.start(a.key), registry.start(b.key)]);
    await registry.dispose();
    assert.deepEqual([...fakes.closed].sort(), ['/ws/a', '/ws/b']);
  });

  it('dispose only detaches environments another window may share', async () => {
    fakes.detachable = true;
    const a = registry.addLocal(project('/ws/a'), { explicit: false });
    await registry.start(a.key);
    await registry.dispose();
    assert.deepEqual(fakes.detached, ['/ws/a']);
    assert.deepEqual(fakes.closed, []);
  });

  it('an environment that went away on its own is failed and crashed, and starts again when asked', async () => {
    const a = registry.addLocal(project('/ws/a'), { explicit: false });
    await registry.start(a.key);
    assert.equal(a.state, 'running');
    fakes.crash('/ws/a');
    assert.equal(a.state, 'failed');
    assert.equal(a.crashed, true);
    assert.ok(isStudioError(a.error, 'EnvironmentNotFound'));
    assert.equal(a.url, undefined);
    await registry.start(a.key);
    assert.equal(a.state, 'running');
    assert.equal(a.crashed, false);
    assert.equal(fakes.opened.length, 2);
  });
  it('runs a task on the data folder while stopped: a start asked for meanwhile waits, then it runs again', async () => {
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    await registry.start(entry.key);
    let release!: () => void;
    const steps: string[] = [];
    const task = registry.whileStopped(entry.key, async (dataDir) => {
      steps.push(`task in ${dataDir} while ${entry.state}`);
      await new Promise<void>((r) => (release = r));
      steps.push('task done');
      return 'restored';
    });
    await new Promise((r) => setTimeout(r, 10));
    const startedMeanwhile = registry.backend(entry.key).then(() => steps.push(`started (${entry.state})`));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(steps, ['task in /ws/demo/.cloudbase/local while stopped']);
    release();
    assert.equal(await task, 'restored');
    await startedMeanwhile;
    assert.deepEqual(steps, ['task in /ws/demo/.cloudbase/local while stopped', 'task done', 'started (running)']);
    assert.equal(entry.state, 'running');
    assert.equal(fakes.opened.length, 2, 'opened again once');
  });

  it('a failing task still leaves the environment running as before', async () => {
    const entry = registry.addLocal(project('/ws/demo'), { explicit: false });
    await registry.start(entry.key);
    await assert.rejects(registry.whileStopped(entry.key, async () => { throw new Error('injected'); }), /injected/);
    assert.equal(entry.state, 'running');
  });
});
