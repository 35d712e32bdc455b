/**
 * The one owner of "the data changed": every subscriber hears every change, one failing
 * subscriber does not keep the others stale, and a disposed subscription hears nothing more.
 */
import * as assert from 'node:assert/strict';
import { DataChanges, touchesDocument, type DataChange } from '../../../../src/extension/platform/dataChanges';

describe('DataChanges', () => {
  it('tells every subscriber, in the order they subscribed', () => {
    const changes = new DataChanges();
    const heard: string[] = [];
    changes.onDidChange((c) => heard.push(`a:${c.collection}`));
    changes.onDidChange((c) => heard.push(`b:${c.collection}`));
    changes.changed({ envKey: 'local:/p', area: 'database', collection: 'todos' });
    assert.deepEqual(heard, ['a:todos', 'b:todos']);
  });

  it('passes the change as raised, origin included', () => {
    const changes = new DataChanges();
    const origin = {};
    let heard: DataChange | undefined;
    changes.onDidChange((c) => (heard = c));
    const change: DataChange = { envKey: 'local:/p', area: 'database', collection: 'todos', documentId: 'd1', deleted: true, origin };
    changes.changed(change);
    assert.deepEqual(heard, change);
    assert.equal(heard?.origin, origin);
  });

  it('a disposed subscription hears nothing more; the same listener subscribed twice is two subscriptions', () => {
    const changes = new DataChanges();
    let count = 0;
    const listener = (): void => void count++;
    const first = changes.onDidChange(listener);
    changes.onDidChange(listener);
    changes.changed({ envKey: 'e', area: 'storage', prefix: 'a/' });
    assert.equal(count, 2);
    first.dispose();
    changes.changed({ envKey: 'e', area: 'storage' });
    assert.equal(count, 3);
  });

  it('a failing subscriber is logged and the others still hear the change', () => {
    const errors: string[] = [];
    const changes = new DataChanges({ trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => void errors.push(String(m)) });
    let heard = 0;
    changes.onDidChange(() => {
      throw new Error('boom');
    });
    changes.onDidChange(() => void heard++);
    changes.changed({ envKey: 'e', area: 'functions' });
    assert.equal(heard, 1);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /boom/);
  });

  it('a subscriber that unsubscribes while being told does not skip the next one', () => {
    const changes = new DataChanges();
    const heard: string[] = [];
    const first = changes.onDidChange(() => {
      heard.push('first');
      first.dispose();
    });
    changes.onDidChange(() => heard.push('second'));
    changes.changed({ envKey: 'e', area: 'database' });
    changes.changed({ envKey: 'e', area: 'database' });
    assert.deepEqual(heard, ['first', 'second', 'second']);
  });

  it('touchesDocument: the same environment and collection, and the document when one is named', () => {
    const address = { envKey: 'e', collection: 'todos', id: 'd1' };
    assert.ok(touchesDocument({ envKey: 'e', area: 'database', collection: 'todos' }, address));
    assert.ok(touchesDocument({ envKey: 'e', area: 'database', collection: 'todos', documentId: 'd1' }, address));
    assert.ok(!touchesDocument({ envKey: 'e', area: 'database', collection: 'todos', documentId: 'd2' }, address));
    assert.ok(!touchesDocument({ envKey: 'e', area: 'database', collection: 'other' }, address));
    assert.ok(!touchesDocument({ envKey: 'f', area: 'database', collection: 'todos' }, address));
    assert.ok(!touchesDocument({ envKey: 'e', area: 'database' }, address), 'a change of the collection list');
    assert.ok(!touchesDocument({ envKey: 'e', area: 'storage', prefix: '' }, address));
  });
});
