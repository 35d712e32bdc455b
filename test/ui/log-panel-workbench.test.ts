/**
 * The log panel in the real workbench (code-server, dark theme): Tail Logs from the Command
 * Palette opens it for a function; the function runs from its saved event while the panel sits
 * hidden behind the event's editor; back on the panel's tab the page reloads and shows the
 * invocation (the replay a hidden panel gets). Screenshots: test-output/screenshots/log-panel-*.png.
 */
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { Workbench } from './support/workbench';

describe('Log panel in the workbench (UI)', function () {
  let wb: Workbench;

  /** The page inside the webview's two frames (VS Code's host frame, then the content frame). */
  const page = (): FrameLocator => wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  async function waitForPrompt(expected: RegExp): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const prompt = await wb.quickInputPrompt().catch(() => '');
      if (expected.test(prompt)) return;
      if (Date.now() > deadline) throw new Error(`the quick input asks "${prompt}", not ${String(expected)}`);
      await wb.page.waitForTimeout(100);
    }
  }

  /**
   * The Command Palette, opened from the side bar: a webview lies over the editor area, where
   * Workbench.runCommand clicks to take focus, and takes the click.
   */
  async function palette(title: string): Promise<void> {
    const input = wb.page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      await wb.page.locator('.part.sidebar').click({ position: { x: 150, y: 400 } });
      await wb.page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 3000 });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
      }
    }
    await input.fill(`>${title}`);
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
    await input.press('Enter');
  }

  let wasLight = false;
  /** Light ⇄ dark (the preferred theme of each kind: Dark Modern and Light Modern by default). */
  async function toggleTheme(dark: boolean): Promise<void> {
    await palette('Preferences: Toggle between Light/Dark Themes');
    await wb.page.locator(dark ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs').waitFor({ timeout: 20_000 });
  }

  before(async function () {
    wb = await Workbench.shared();
    await wb.step('show the environment', async () => {
      await wb.showViewContainer('CloudBase');
      await wb.row('cloudbase-demo').waitFor({ timeout: 30_000 });
    });
    // The screenshots show the panel in VS Code's default dark theme.
    wasLight = await wb.page.locator('.monaco-workbench.vs:not(.vs-dark)').count() > 0;
    if (wasLight) await wb.step('switch to the dark theme', () => toggleTheme(true));
  });

  after(async function () {
    if (!wb) return;
    // The tests after these click into the editor area, where the panel would take the click.
    await palette('View: Close All Editors').catch(() => undefined);
    if (wasLight) await toggleTheme(false).catch(() => undefined);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-${this.currentTest.fullTitle()}`);
  });

  it('opens from the Command Palette for one function and shows its invocation after coming back', async function () {
    await palette('CloudBase: Tail Function Logs');
    // One environment is taken without asking; then the function.
    await wb.answer('login');
    const toolbar = page().locator('cb-log-panel .toolbar');
    await toolbar.waitFor({ timeout: 30_000 });
    await page().locator('cb-log-panel .statusbar .status.live').waitFor({ timeout: 30_000 });
    await wb.screenshot('log-panel-workbench-empty');

    // Run login with its saved event: Invoke Function… asks for the function and the event, and runs it.
    await palette('CloudBase: Invoke Function…');
    await waitForPrompt(/function/i);
    await wb.answer('login');
    await waitForPrompt(/event/i);
    await wb.answer('default');
    await wb.page.waitForTimeout(1500);

    await wb.page.locator('.tabs-container .tab', { hasText: 'Logs: login' }).click();
    const end = page().locator('cb-log-panel .row.end').last();
    await end.waitFor({ timeout: 30_000 });
    assert.match((await end.locator('.msg').textContent()) ?? '', /^END · \d+ ms/);
    assert.equal(await end.locator('.fn').textContent(), 'login');
    assert.ok((await page().locator('cb-log-panel .row').count()) < 100, 'only visible rows are in the DOM');
    await wb.screenshot('log-panel-workbench');

    // Edit Test Events… opens the event in an editor (the next test hides the panel behind it).
    await palette('CloudBase: Edit Test Events…');
    await waitForPrompt(/function/i);
    await wb.answer('login');
    await waitForPrompt(/event/i);
    await wb.answer('default');
    await wb.page.locator('.tabs-container .tab', { hasText: 'default.json' }).waitFor({ timeout: 20_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Logs: login' }).click();
    await page().locator('cb-log-panel .row.end').last().waitFor({ timeout: 30_000 });
  });

  it('filters by a clicked request ID and groups the invocation', async function () {
    const end = page().locator('cb-log-panel .row.end').last();
    await end.locator('.req').click();
    await page().locator('vscode-button.request-filter').waitFor();
    await page().locator('vscode-checkbox.grouping').click();
    await page().locator('cb-log-panel .row.group').first().waitFor();
    assert.equal(await page().locator('cb-log-panel .row.group').count(), 1);
    await wb.screenshot('log-panel-workbench-grouped');
    // Hidden behind another editor and shown again, the page reloads with what it saved.
    await wb.page.locator('.tabs-container .tab', { hasText: 'default.json' }).click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'Logs: login' }).click();
    await page().locator('cb-log-panel .row.group').first().waitFor({ timeout: 20_000 });
    assert.ok(await page().locator('vscode-checkbox.grouping').evaluate((el) => (el as unknown as { checked: boolean }).checked));
    await page().locator('vscode-button.request-filter').waitFor();
    // Back to everything, for whoever looks next.
    await page().locator('vscode-checkbox.grouping').click();
    await page().locator('vscode-button.request-filter').click();
  });
});
