/**
 * What a log panel on a Tencent environment shows about its polling, checked against the fake
 * Tencent Cloud: the page is told when the log service was last asked, and once the service is
 * switched off the panel says so in its own state (not as a failure), stops polling, and Retry
 * brings the tail back after the service is on again. A panel whose environment goes away (signed
 * out, or not listed yet after a window reload) waits, and reconnects by itself once the
 * account's environments are listed again.
 */
import * as assert from 'node:assert/strict';
import type { CloudBaseStudioApi } from '../../../src/extension/api';
import type { FakeTencentCloud } from '../../fakes/tencent-cloud/server';
import { waitFor } from './scripted';

type PanelInfo = ReturnType<CloudBaseStudioApi['logPanels']['panels']>[number];

function panelOf(api: CloudBaseStudioApi, target: { envKey: string; functionName?: string }): PanelInfo | undefined {
  return api.logPanels.panels().find((p) => p.target.envKey === target.envKey && p.target.functionName === target.functionName);
}

type Sent = { type?: string; status?: string; message?: string; at?: number; nextInMs?: number };

export async function assertLastPolledThenLogServiceOff(api: CloudBaseStudioApi, fake: FakeTencentCloud, envId: string, target: { envKey: string; functionName?: string }): Promise<void> {
  const toPage: Sent[] = [];
  const observer = api.logPanels.observe((t) => {
    if (t.direction === 'toPage') toPage.push(t.message as Sent);
  });
  const panel = (): PanelInfo | undefined => panelOf(api, target);
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

export async function assertWaitingPanelReconnects(api: CloudBaseStudioApi, target: { envKey: string; functionName?: string }, listAgain: () => Promise<void>): Promise<void> {
  const panel = (): PanelInfo | undefined => panelOf(api, target);
  await api.environments.remove(target.envKey);
  await waitFor('the panel to wait for its environment', () => (panel()?.status === 'waiting' ? true : undefined), 10_000);
  assert.equal(panel()?.lastPoll, undefined, 'a waiting panel shows no stale poll');
  await listAgain();
  await waitFor('the panel to reconnect once the environment is listed again', () => (panel()?.status === 'live' && panel()?.lastPoll ? true : undefined), 30_000);
}
