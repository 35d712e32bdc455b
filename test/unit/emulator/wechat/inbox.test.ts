/** The inbox files as the extension will read them: per openid, oldest first, robust to a torn last line. */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INBOX_FOLDER, listInboxes, readInbox, type InboxMessage } from '../../../../src/emulator/wechat/index';
import { appendToInbox } from '../../../../src/emulator/wechat/inbox';
import { parseWordList } from '../../../../src/emulator/wechat/settings';

const message = (touser: string, text: string): InboxMessage => ({ id: text, kind: 'subscribe', api: 'subscribeMessage.send', touser, sentAt: new Date(0).toISOString(), text, request: {} });

describe('WeChat inbox files', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cbs-inbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each user\'s messages apart, oldest first', async function () {
    await appendToInbox(dir, message('oA', 'first'));
    await appendToInbox(dir, message('oB', 'other'));
    await appendToInbox(dir, message('oA', 'second'));
    assert.deepEqual((await readInbox(dir, 'oA')).map((m) => m.text), ['first', 'second']);
    const all = await listInboxes(dir);
    assert.deepEqual(Object.keys(all), ['oA', 'oB']);
    assert.deepEqual(all.oB.map((m) => m.text), ['other']);
  });

  it('is empty with no folder, skips a line cut short and files that are not inboxes', async function () {
    assert.deepEqual(await listInboxes(dir), {});
    assert.deepEqual(await readInbox(dir, 'oNone'), []);
    await appendToInbox(dir, message('oA', 'whole'));
    appendFileSync(join(dir, INBOX_FOLDER, 'oA.jsonl'), '{"id":"torn","te');
    mkdirSync(join(dir, INBOX_FOLDER), { recursive: true });
    writeFileSync(join(dir, INBOX_FOLDER, 'notes.txt'), 'x');
    writeFileSync(join(dir, INBOX_FOLDER, 'bad name!.jsonl'), '{}\n');
    assert.deepEqual((await readInbox(dir, 'oA')).map((m) => m.text), ['whole']);
    assert.deepEqual(Object.keys(await listInboxes(dir)), ['oA']);
  });

  it('refuses to name a file after something that is not an openid', async function () {
    await assert.rejects(appendToInbox(dir, message('../escape', 'x')), /Not an openid/);
    await assert.rejects(readInbox(dir, '../escape'), /Not an openid/);
  });

  it('reads the word list: one entry a line, comments and blanks dropped, lower-cased', function () {
    assert.deepEqual(parseWordList('# header\nFoo\r\n\n  Two Words  # why\n#only\n'), ['foo', 'two words']);
  });
});
