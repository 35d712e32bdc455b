/**
 * CloudBase commands from the Command Palette, as a user runs them: Refresh, and Create
 * Collection… answering its input box, after which the new collection shows in the tree.
 */
import * as assert from 'node:assert/strict';
import { Workbench } from './support/workbench';

describe('CloudBase commands (UI)', function () {
  let wb: Workbench;

  before(async function () {
    wb = await Workbench.shared();
    await wb.step('palette-setup', async () => {
      await wb.showViewContainer('CloudBase');
      await wb.collapseAll();
      await wb.expand('cloudbase-demo');
      await wb.expand('Database');
      await wb.reveal('todos');
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-${this.currentTest.fullTitle()}`);
  });


  it('CloudBase: Refresh keeps the tree and shows no error', async function () {
    await wb.runCommand('CloudBase: Refresh');
    await wb.reveal('todos');
    assert.equal(await wb.notification(/error|failed/i).count(), 0);
    await wb.screenshot('command-refresh');
  });

  it('CloudBase: Create Collection… asks for a name and adds the collection', async function () {
    const name = `ui_${Date.now().toString(36)}`;
    await wb.runCommand('CloudBase: Create Collection…');
    // With several environments the command first asks which one; the demo is the only one here.
    const prompt = await wb.quickInputPrompt();
    if (/environment/i.test(prompt) && !/name/i.test(prompt)) await wb.answer('cloudbase-demo');
    await wb.screenshot('command-create-collection-prompt');
    await wb.answer(name);
    await wb.reveal(name);
    assert.match(await wb.description(name), /\b0\b/);
    await wb.screenshot('command-create-collection-done');
  });
});
