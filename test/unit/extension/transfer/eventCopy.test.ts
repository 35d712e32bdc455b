import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySavedEvents } from '../../../../src/extension/transfer/eventCopy';

describe('copying a function\'s saved test events to another environment', function () {
  let dir: string;
  const event = (root: string, fn: string, name: string, text: string): void => {
    mkdirSync(join(root, fn, '.events'), { recursive: true });
    writeFileSync(join(root, fn, '.events', `${name}.json`), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cbs-events-'));
    event(join(dir, 'a'), 'todos', 'list', '{"action":"list"}\n');
    event(join(dir, 'a'), 'todos', 'add', '{"action":"add"}\n');
    event(join(dir, 'a'), 'other', 'x', '{}\n');
    event(join(dir, 'b'), 'todos', 'add', '{"mine":true}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the function\'s events, skips those the target has, and leaves other functions alone', async () => {
    const report = await copySavedEvents(join(dir, 'a'), join(dir, 'b'), 'todos', false);
    assert.deepEqual(report, { copied: ['list'], skipped: ['add'] });
    assert.equal(readFileSync(join(dir, 'b', 'todos', '.events', 'list.json'), 'utf8'), '{"action":"list"}\n');
    assert.equal(readFileSync(join(dir, 'b', 'todos', '.events', 'add.json'), 'utf8'), '{"mine":true}\n');
    assert.throws(() => readFileSync(join(dir, 'b', 'other', '.events', 'x.json')));
  });

  it('overwrites when asked, and creates the target function\'s folder', async () => {
    assert.deepEqual(await copySavedEvents(join(dir, 'a'), join(dir, 'b'), 'todos', true), { copied: ['add', 'list'], skipped: [] });
    assert.equal(readFileSync(join(dir, 'b', 'todos', '.events', 'add.json'), 'utf8'), '{"action":"add"}\n');
    assert.deepEqual(await copySavedEvents(join(dir, 'a'), join(dir, 'c'), 'other', false), { copied: ['x'], skipped: [] });
  });
});
