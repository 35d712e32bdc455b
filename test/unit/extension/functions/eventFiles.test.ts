/** Saved test events on disk: names, listing, creating, which function a file belongs to, and reading payloads. */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEvent,
  eventFile,
  eventFileOwner,
  eventNameProblem,
  freeEventName,
  listEvents,
  parsePayload,
  positionAt,
} from '../../../../src/extension/functions/eventFiles';
import { isStudioError } from '../../../../src/shared/errors';

describe('saved test events', () => {
  let dir: string;
  let folder: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cbs-events-'));
    folder = join(dir, 'cloudfunctions', 'login');
    mkdirSync(folder, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in <function>/.events/<name>.json', () => {
    assert.equal(eventFile(folder, 'default'), join(folder, '.events', 'default.json'));
  });

  it('accepts readable names and refuses paths, dots and empty ones', () => {
    for (const ok of ['default', 'new user', 'case-2', 'v1.2', '登录']) assert.equal(eventNameProblem(ok), undefined, ok);
    assert.equal(eventNameProblem('  '), 'empty');
    for (const bad of ['../x', 'a/b', 'a\\b', '.hidden', 'trailing.', 'x'.repeat(81), 'semi;colon']) assert.equal(eventNameProblem(bad), 'characters', bad);
  });

  it('creates, lists (sorted) and never overwrites', async () => {
    assert.deepEqual(await listEvents(folder), []);
    const file = await createEvent(folder, 'b-event', '{"a":1}\n');
    await createEvent(folder, 'a-event');
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n');
    assert.deepEqual((await listEvents(folder)).map((e) => e.name), ['a-event', 'b-event']);
    await assert.rejects(createEvent(folder, 'b-event', 'other'), (e: unknown) => isStudioError(e, 'Conflict'));
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n', 'the existing event is untouched');
    await assert.rejects(createEvent(folder, '../escape'), (e: unknown) => isStudioError(e, 'InvalidArgument'));
    assert.equal(existsSync(join(folder, 'escape.json')), false);
    writeFileSync(join(folder, '.events', 'notes.txt'), 'not an event');
    assert.equal((await listEvents(folder)).length, 2);
  });

  it('suggests a free name', async () => {
    assert.equal(await freeEventName(folder), 'event');
    await createEvent(folder, 'event');
    await createEvent(folder, 'event-2');
    assert.equal(await freeEventName(folder), 'event-3');
  });

  it('knows which function an event file belongs to', () => {
    const root = join(dir, 'cloudfunctions');
    assert.deepEqual(eventFileOwner(join(root, 'login', '.events', 'default.json'), [join(dir, 'other'), `${root}/`]), {
      functionRoot: root,
      functionName: 'login',
      functionFolder: join(root, 'login'),
      eventName: 'default',
    });
    assert.equal(eventFileOwner(join(root, 'login', 'index.json'), [root]), undefined, 'not in .events');
    assert.equal(eventFileOwner(join(root, 'login', 'sub', '.events', 'x.json'), [root]), undefined, 'not a function folder');
    assert.equal(eventFileOwner(join(dir, 'elsewhere', 'f', '.events', 'x.json'), [root]), undefined, 'outside the function root');
    assert.equal(eventFileOwner(join(root, 'login', '.events', 'x.txt'), [root]), undefined);
  });

  describe('payloads', () => {
    it('reads JSON values of any kind', () => {
      assert.deepEqual(parsePayload('{"a": [1, "x", null]}'), { ok: true, value: { a: [1, 'x', null] } });
      assert.deepEqual(parsePayload(' 42 '), { ok: true, value: 42 });
    });

    it('says where the text stops being JSON', () => {
      const text = '{\n  "action": "list",\n  "page": 0,\n}\n';
      const r = parsePayload(text);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.deepEqual(positionAt(text, r.offset), { line: 3, character: 0 }, r.message);
      assert.match(r.message, /JSON|property|token/i);
    });

    it('points at the end of text that stops too early, and refuses empty text', () => {
      const text = '{"a": [1, 2';
      const r = parsePayload(text);
      assert.ok(!r.ok && r.offset <= text.length && r.offset >= text.length - 1, JSON.stringify(r));
      const empty = parsePayload('  \n');
      assert.ok(!empty.ok && /empty/.test(empty.message));
      assert.ok(!parsePayload("{ a: 1 }").ok, 'JSON, not JavaScript');
      assert.ok(!parsePayload('{} // comment').ok);
    });
  });
});
