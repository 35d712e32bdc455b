/**
 * A reload of the browser page: the workbench reconnects and a new extension host starts, which
 * reopens the demo project's local environment once the old host let go of it. The log panel and
 * the collection panel come back through their serializers with the filters they were showing.
 * Screenshots: test-output/screenshots/reload-*.png.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { Workbench } from './support/workbench';

interface Running {
  pid: number;
  url: string;
  token: string;
  envId: string;
}

/** What the demo's environment process wrote into its data folder (see src/emulator/process/discovery.ts). */
async function runningEnvironment(): Promise<Running> {
  const file = join(process.env.CLOUDBASE_UI_WORKSPACE ?? '', '.cloudbase', 'local', 'running.json');
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Running;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The SDK as a user's script in a terminal uses it, with the pasted setup's token. */
function sdk(running: Running) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tcb = require('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk');
  return tcb.init({ env: running.envId, secretId: 'local', secretKey: running.token, sessionToken: running.token, serviceUrl: `${running.url}/admin` });
}

const LOG_FILTER = 'signed in';
const QUERY = '{"_id": "user-03"}';

/** The grid's row count once it is `expected`, or whatever it is after 30 s. */
async function settledRowCount(frame: { locator(selector: string): { count(): Promise<number> } }, expected: number): Promise<number> {
  const rows = frame.locator('cb-collection-panel tr[data-id]');
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if ((await rows.count()) === expected) return expected;
  }
  return rows.count();
}

describe('Panels across a page reload (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  /** The page in the visible webview (VS Code's host frame, then the content frame). */
  const webview = (): FrameLocator => wb.page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
  const tab = (title: RegExp) => wb.page.locator('.tabs-container .tab', { hasText: title });
  const valueOf = async (frame: FrameLocator, selector: string): Promise<string> =>
    frame.locator(selector).evaluate((el) => (el as unknown as { value: string }).value);

  before(async function () {
    wb = await Workbench.shared();
    await wb.step('show the environment', async () => {
      await wb.showViewContainer('CloudBase');
      await wb.row('cloudbase-demo').waitFor({ timeout: 30_000 });
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-${this.currentTest.fullTitle()}`);
  });

  after(async function () {
    await wb?.runCommand('View: Close All Editors').catch(() => undefined);
  });

  it('brings back the log panel and the collection panel with their filters', async function () {
    await wb.runCommand('CloudBase: Tail Function Logs');
    await wb.answer('login');
    const logs = webview();
    await logs.locator('cb-log-panel .toolbar').waitFor({ timeout: 30_000 });
    await logs.locator('cb-log-panel vscode-textfield.filter input').fill(LOG_FILTER);
    assert.equal(await valueOf(logs, 'cb-log-panel vscode-textfield.filter'), LOG_FILTER);

    await wb.expand('cloudbase-demo');
    await wb.expand('Database');
    const users = await wb.reveal('users');
    await users.hover();
    await users.locator('.actions [aria-label^="Open Collection"]').click();
    await tab(/^users · /).waitFor({ timeout: 30_000 });
    const grid = webview();
    const filter = grid.locator('cb-collection-panel vscode-textfield.filter');
    await filter.waitFor({ timeout: 30_000 });
    await filter.locator('input').fill(QUERY);
    await grid.locator('cb-collection-panel vscode-button.run').click();
    await grid.locator('cb-collection-panel tr[data-id="user-03"]').waitFor({ timeout: 30_000 });
    // user-03 is on the unfiltered page too: wait for the filtered page to replace it.
    assert.equal(await settledRowCount(grid, 1), 1);
    await wb.screenshot('reload-before');

    // What a user copied before the reload: the address, a temporary URL, a function's logs.
    const before = await runningEnvironment();
    const app = sdk(before);
    const { fileList } = await app.getTempFileURL({ fileList: [`cloud://${before.envId}.7463-${before.envId}/welcome.txt`] });
    const temporaryUrl = fileList[0].tempFileURL;
    assert.ok(temporaryUrl.startsWith(before.url), temporaryUrl);
    const invoked = await app.callFunction({ name: 'login', data: {} });
    const requestId = invoked.requestId as string;

    // The workbench writes its state (open editors, panel state) as it shuts down: reload through
    // it, as F5 in a browser tab would not give it the time to finish writing.
    const started = Date.now();
    const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await reloaded;
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await tab(/^users · /).waitFor({ timeout: 60_000 });
    await tab(/^Logs: login/).waitFor({ timeout: 60_000 });

    // The collection panel was in front: its page asks the new host for its kept query.
    const restored = webview();
    await restored.locator('cb-collection-panel tr[data-id="user-03"]').waitFor({ timeout: 60_000 });
    console.log(`      (collection panel back in ${Date.now() - started} ms)`);
    assert.equal(await valueOf(restored, 'cb-collection-panel vscode-textfield.filter'), QUERY);
    assert.equal(await settledRowCount(restored, 1), 1);
    await wb.screenshot('reload-collection-panel');

    await tab(/^Logs: login/).click();
    const revivedLogs = webview();
    await revivedLogs.locator('cb-log-panel .toolbar').waitFor({ timeout: 30_000 });
    assert.equal(await valueOf(revivedLogs, 'cb-log-panel vscode-textfield.filter'), LOG_FILTER);
    await revivedLogs.locator('cb-log-panel .statusbar .status.live').waitFor({ timeout: 30_000 });
    await wb.screenshot('reload-log-panel');

    // The environment did not restart: same process, same port; the copied URL still works and
    // the function's log history is still there.
    const after = await runningEnvironment();
    assert.equal(after.url, before.url, 'the port is kept');
    assert.equal(after.pid, before.pid, 'the new window attached to the running process');
    const download = await fetch(temporaryUrl);
    assert.equal(download.status, 200);
    assert.match(await download.text(), /\S/);
    const history = await fetch(`${after.url}/studio/rpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cloudbase-studio-token': after.token },
      body: JSON.stringify({ method: 'logs.query', params: [{ requestId }] }),
    });
    const reply = (await history.json()) as { result?: { requestId: string }[] };
    assert.ok((reply.result ?? []).length > 0, `the logs of ${requestId} survive the reload: ${JSON.stringify(reply)}`);
  });
});
