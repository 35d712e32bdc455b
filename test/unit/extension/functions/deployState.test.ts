/** What the deploy commands remember between deploys, and how several deploys share a few lanes. */
import * as assert from 'node:assert/strict';
import { DeployState, mapLimited, type StateStore } from '../../../../src/extension/functions/deployState';

function memoryStore(): StateStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => data.get(key) as T | undefined,
    update: async (key, value) => {
      data.set(key, JSON.parse(JSON.stringify(value)));
    },
  };
}

describe('deploy state', () => {
  it('keeps one record per environment and folder, and the last target per project', async () => {
    const state = new DeployState(memoryStore());
    await state.setRecord('tencent:a', '/p/cloudfunctions/f', { contentHash: 'h1', codeSha256: 's1', deployedAt: 1 });
    await state.setRecord('local:/p', '/p/cloudfunctions/f', { contentHash: 'h2', deployedAt: 2 });
    assert.equal(state.record('tencent:a', '/p/cloudfunctions/f')?.contentHash, 'h1');
    assert.equal(state.record('local:/p', '/p/cloudfunctions/f')?.contentHash, 'h2');
    assert.equal(state.record('tencent:b', '/p/cloudfunctions/f'), undefined);
    assert.equal(state.lastTarget('/p'), undefined);
    await state.setLastTarget('/p', 'tencent:a');
    await state.setLastTarget('/q', 'tencent:b');
    assert.equal(state.lastTarget('/p'), 'tencent:a');
    assert.equal(state.lastTarget('/q'), 'tencent:b');
  });

  it('runs work a few at a time, keeping each outcome in order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 10 * (n % 3)));
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    assert.equal(most, 3);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [10, 20, 30, 'four', 50, 60, 70],
    );
    assert.deepEqual(await mapLimited([], 3, async () => 1), []);
  });
});
