/**
 * A local environment's write events are raised as data changes, a few at a time, without
 * echoing the writes this window made (and raised) itself.
 */
import * as assert from 'node:assert/strict';
import type { EnvironmentRegistry } from '../../../../src/extension/environments/registry';
import { DatabaseWriteFollower } from '../../../../src/extension/explorer/databaseWrites';
import { DataChanges, type DataChange } from '../../../../src/extension/platform/dataChanges';

describe('DatabaseWriteFollower', () => {
  const registry = { onDidChange: () => ({ dispose: () => undefined }), list: () => [], get: () => undefined } as unknown as EnvironmentRegistry;

  function follower(): { changes: DataChanges; raised: DataChange[]; writes: DatabaseWriteFollower; clock: { now: number } } {
    const changes = new DataChanges();
    const raised: DataChange[] = [];
    const clock = { now: 1000 };
    const writes = new DatabaseWriteFollower(registry, changes, () => clock.now);
    changes.onDidChange((c) => c.origin === writes && raised.push(c));
    return { changes, raised, writes, clock };
  }

  it('raises writes heard from the environment, once per collection however many writes', () => {
    const { raised, writes } = follower();
    writes.noted('e', 'todos');
    writes.noted('e', 'todos');
    writes.noted('e', undefined);
    writes.flush();
    assert.deepEqual(raised.map((c) => [c.envKey, c.area, c.collection]), [['e', 'database', 'todos'], ['e', 'database', undefined]]);
    writes.dispose();
  });

  it('does not raise the echo of a change this window raised, before or after the write is heard', () => {
    const { changes, raised, writes, clock } = follower();
    writes.noted('e', 'todos');
    clock.now += 5;
    changes.changed({ envKey: 'e', area: 'database', collection: 'todos' });
    writes.flush();
    clock.now += 50;
    changes.changed({ envKey: 'e', area: 'database', collection: 'notes' });
    clock.now += 20;
    writes.noted('e', 'notes');
    writes.noted('e', undefined);
    writes.flush();
    assert.deepEqual(raised, []);
    writes.dispose();
  });

  it('a change absorbs one echo only: another writer\'s write right after ours is raised', () => {
    const { changes, raised, writes, clock } = follower();
    changes.changed({ envKey: 'e', area: 'database', collection: 'todos', documentId: 'd1', deleted: true });
    clock.now += 5;
    writes.noted('e', 'todos');
    clock.now += 100;
    writes.noted('e', 'todos');
    writes.flush();
    assert.deepEqual(raised.map((c) => [c.envKey, c.collection]), [['e', 'todos']]);
    writes.dispose();
  });

  it('raises a write heard well after this window\'s change, and writes to other collections or environments', () => {
    const { changes, raised, writes, clock } = follower();
    changes.changed({ envKey: 'e', area: 'database', collection: 'todos' });
    clock.now += 2000;
    writes.noted('e', 'todos');
    writes.noted('f', 'todos');
    writes.flush();
    assert.deepEqual(raised.map((c) => [c.envKey, c.collection]), [['e', 'todos'], ['f', 'todos']]);
    writes.dispose();
  });
});
