/**
 * What a log panel on a Tencent environment shows about its polling, checked against the fake
 * Tencent Cloud: the page is told when the log service was last asked, and once the service is
 * switched off the panel says so in its own state (not as a failure), stops polling, and Retry
 * brings the tail back after the service is on again.
 */
import * as assert from 'node:assert/strict';
import type { CloudBaseStudioApi } from '../../../src/extension/api';
import type { FakeTencentCloud } from '../../fakes/tencent-cloud/server';
import { waitFor } from './scripted';

type Sent = { type?: string; status?: string; message?: string; at?: number; nextInMs?: number };

export async function assertLastPolledThenLogServiceOff(api: CloudBaseStudioApi, fake: FakeTencentCloud, envId: string, target: { envKey: string; functionName?: string }): Promise<void> {
  const toPage: Sent[] = [];
  const observer = api.logPanels.observe((t) => {
    if (t.direction === 'toPage') toPage.push(t.message as Sent);
  });
  const panel = (): ReturnType<CloudBaseStudioApi['logPanels']['panels']>[number] | undefined =>
    api.logPanels.panels().find((p) => p.target.envKey === target.envKey && p.target.functionName === target.functionName);
  try {
    const before = Date.now();
    const polled = await waitFor('a poll reported to the page', () => toPage.find((m) => m.type === 'polled' && (m.at ?? 0) >= before), 20_000);
    assert.ok((polled.nextInMs ?? 0) >= 1000, `the next poll is announced (${polled.nextInMs} ms)`);
    assert.ok(Math.abs((polled.at ?? 0) - Date.now()) < 20_000, 'the poll time is wall-clock time');
    assert.equal(panel()?.status, 'live');
    assert.ok(panel()?.lastPoll, 'the session keeps the last poll for a page that reloads');

    fake.setLogService(envId, false);
    await waitFor('the panel to say the log service is off', () => (panel()?.status === 'serviceOff' ? true : undefined), 30_000);
    const statuses = toPage.filter((m) => m.type === 'status');
    assert.deepEqual(statuses.at(-1), { type: 'status', status: 'serviceOff' }, 'its own state, with no failure message');
    assert.ok(!statuses.some((m) => m.status === 'error'), 'never shown as a failure');
    const searches = (): number => fake.requests.filter((r) => r.action === 'SearchClsLog').length;
    const after = searches();
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(searches(), after, 'the tail stopped polling');

    fake.setLogService(envId, true);
    assert.ok(await api.logPanels.deliver(target, { type: 'retry' }), 'Retry passes the guard');
    await waitFor('the tail to run again after Retry', () => (panel()?.status === 'live' ? true : undefined), 20_000);
    await waitFor('a poll after Retry', () => (searches() > after ? true : undefined), 20_000);
  } finally {
    observer.dispose();
  }
}
