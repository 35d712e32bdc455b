/**
 * Drives the code-server workbench the UI tier started (scripts/e2e/ui-tier.mjs passes its URL and
 * folders through CLOUDBASE_UI_* variables). Selectors follow VS Code's DOM: they are the parts of
 * these tests most likely to need care after a VS Code update, so they all live here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export interface UiEnvironment {
  url: string;
  workspace: string;
  browserDir: string;
  screenshots: string;
  chromium: string;
}

export function uiEnvironment(): UiEnvironment {
  const { CLOUDBASE_UI_URL, CLOUDBASE_UI_WORKSPACE, CLOUDBASE_UI_BROWSER_DIR, CLOUDBASE_UI_SCREENSHOTS } = process.env;
  if (!CLOUDBASE_UI_URL || !CLOUDBASE_UI_WORKSPACE || !CLOUDBASE_UI_BROWSER_DIR || !CLOUDBASE_UI_SCREENSHOTS) {
    throw new Error('The UI tests need the workbench the harness starts: run them with `node scripts/test.mjs ui`.');
  }
  return {
    url: CLOUDBASE_UI_URL,
    workspace: CLOUDBASE_UI_WORKSPACE,
    browserDir: CLOUDBASE_UI_BROWSER_DIR,
    screenshots: CLOUDBASE_UI_SCREENSHOTS,
    chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  };
}

const WAIT = 20_000;
let shared: Promise<Workbench> | undefined;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Workbench {
  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly env: UiEnvironment,
  ) {}

  /**
   * The one workbench window all UI tests share. Each window gets its own extension host, and
   * two hosts would race for the demo project's local environment (its data folder takes one
   * process at a time), so the tests behave like one user in one window.
   */
  static shared(): Promise<Workbench> {
    shared ??= Workbench.open();
    return shared;
  }

  private static async open(): Promise<Workbench> {
    const env = uiEnvironment();
    const context = await chromium.launchPersistentContext(env.browserDir, {
      executablePath: env.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const started = Date.now();
      await page.goto(env.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar').waitFor({ timeout: WAIT });
      console.log(`      (workbench ready in ${Date.now() - started} ms)`);
      return new Workbench(context, page, env);
    } catch (e) {
      await context.close();
      throw e;
    }
  }

  /** Closes the shared window (root hook in ./hooks.ts). */
  static async closeShared(): Promise<void> {
    const wb = await shared?.catch(() => undefined);
    shared = undefined;
    await wb?.close();
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** test-output/screenshots/<name>.png */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.env.screenshots, { recursive: true });
    const path = join(this.env.screenshots, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Shows a view container from the activity bar (clicking an active one would hide it). */
  async showViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
    await item.waitFor({ timeout: WAIT });
    const pane = this.page.locator('.part.sidebar .composite.title', { hasText: new RegExp(escapeRegExp(title), 'i') });
    if (!(await pane.isVisible())) await item.click();
    await pane.waitFor({ timeout: WAIT });
  }

  /**
   * A tree row in the side bar whose label is exactly `label` (`state` narrows it, e.g.
   * `[aria-expanded="true"]`). The tree renders only the rows in sight: `reveal` scrolls to one.
   */
  row(label: string, state = ''): Locator {
    return this.page
      .locator(`.part.sidebar .monaco-list-row${state}`)
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
  }

  async description(label: string): Promise<string> {
    return ((await this.row(label).locator('.label-description').first().textContent()) ?? '').trim();
  }

  /**
   * Scrolls the side bar's tree until a row labelled `label` is rendered (the tree renders only the
   * rows in sight): to the top, then down. The mouse wheel scrolls without selecting or opening
   * anything; the workbench moves a fixed step per wheel event, whatever its size.
   */
  async reveal(label: string): Promise<Locator> {
    const target = this.row(label);
    if ((await target.count()) > 0) return target;
    const rows = this.page.locator('.part.sidebar .monaco-list-rows').first();
    const atTop = async () => /(^|;)\s*top:\s*0px/.test((await rows.getAttribute('style')) ?? '');
    // Stay in the tree's left margin: an item's tooltip under the mouse would take the wheel.
    if (!(await this.page.locator('.quick-input-widget').isVisible())) await this.page.keyboard.press('Escape');
    await this.page.locator('.part.sidebar .monaco-list').first().hover({ position: { x: 6, y: 12 } });
    for (let i = 0; i < 200 && !(await atTop()); i++) await this.page.mouse.wheel(0, -100);
    for (let i = 0; i < 300 && (await target.count()) === 0; i++) {
      await this.page.mouse.wheel(0, 100);
      await this.page.waitForTimeout(20);
    }
    await target.waitFor({ timeout: WAIT });
    return target;
  }

  /** The view's Collapse All action, when the view has one (a tree with many open rows is hard to read). */
  async collapseAll(): Promise<void> {
    const action = this.page.locator('.part.sidebar .title-actions [aria-label^="Collapse All"], .part.sidebar .pane-header .actions [aria-label^="Collapse All"]').first();
    if ((await action.count()) > 0) await action.click();
  }

  /** Runs a set-up step and keeps a screenshot if it fails (mocha runs no afterEach for hooks). */
  async step(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      await this.screenshot(`failed-${name}`).catch(() => undefined);
      throw e;
    }
  }

  /** Expands a collapsed row through its twistie (so a row's own command does not run). */
  async expand(label: string): Promise<void> {
    const row = await this.reveal(label);
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      await row.locator('.monaco-tl-twistie').click();
    }
    await this.row(label, '[aria-expanded="true"]').waitFor({ timeout: WAIT });
  }

  /**
   * Runs a command from the Command Palette by its full title ("CloudBase: Refresh"). The key goes
   * to the workbench after a click on the status bar's empty middle (the editor area may be covered
   * by a webview, which keeps keys to itself); it retries, alternating F1 with Ctrl+Shift+P.
   */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const statusBar = this.page.locator('.part.statusbar');
    for (let attempt = 0; ; attempt++) {
      const box = await statusBar.boundingBox();
      if (box) await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await this.page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 3000 });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
      }
    }
    await input.fill(`>${title}`);
    const item = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await item.waitFor({ timeout: WAIT });
    await input.press('Enter');
  }

  /** Answers the input box (or picks the item) a command shows. */
  async answer(value: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input');
    await input.waitFor({ state: 'visible', timeout: WAIT });
    await input.fill(value);
    // An input box ignores Enter while its validation runs: press again until it closes.
    for (let i = 0; i < 10; i++) {
      if ((await input.inputValue()) !== value) break; // the next prompt of the same command
      await input.press('Enter');
      try {
        await widget.waitFor({ state: 'hidden', timeout: 1000 });
        return;
      } catch {
        // still open
      }
    }
  }

  /** The prompt or placeholder of the open quick input. */
  async quickInputPrompt(): Promise<string> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: WAIT });
    const placeholder = (await widget.locator('input').getAttribute('placeholder')) ?? '';
    const texts = await widget.locator('.quick-input-title, .quick-input-message').allTextContents();
    return [...texts, placeholder].join(' ').replace(/\s+/g, ' ').trim();
  }

  /** Notifications whose text contains `text` (toasts are shown: the UI tier runs without the smoke-test driver). */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }
}
