/**
 * The simulated users' inboxes: every message a function sends (subscribe, customer service,
 * uniform and template messages) lands in `<dataDir>/wechat/inbox/<openid>.jsonl`, one JSON line
 * per message, oldest first. Files in the environment's data folder, so the extension (another
 * process) reads them with these functions and a reset of local data empties them.
 */
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboxMessage } from '../../shared/wechat';

export const INBOX_FOLDER = join('wechat', 'inbox');

/** WeChat openids are 28 characters of [A-Za-z0-9_-]; anything else is refused before a file is named after it. */
export const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type { InboxMessage, InboxMessageKind } from '../../shared/wechat';

function inboxFile(dataDir: string, openid: string): string {
  if (!OPENID_PATTERN.test(openid)) throw new Error(`Not an openid: ${openid}`);
  return join(dataDir, INBOX_FOLDER, `${openid}.jsonl`);
}

export async function appendToInbox(dataDir: string, message: InboxMessage): Promise<void> {
  await mkdir(join(dataDir, INBOX_FOLDER), { recursive: true });
  await appendFile(inboxFile(dataDir, message.touser), `${JSON.stringify(message)}\n`, 'utf8');
}

/** Deletes a user's messages, so a user made later with the same openid starts with none. */
export async function removeInbox(dataDir: string, openid: string): Promise<void> {
  await rm(inboxFile(dataDir, openid), { force: true });
}

/** One user's messages, oldest first; none for a user who never got one. */
export async function readInbox(dataDir: string, openid: string): Promise<InboxMessage[]> {
  let text: string;
  try {
    text = await readFile(inboxFile(dataDir, openid), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const messages: InboxMessage[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      messages.push(JSON.parse(line) as InboxMessage);
    } catch {
      // A line cut short by a crash mid-append; the others are still good.
    }
  }
  return messages;
}

/** Every user's messages, by openid. */
export async function listInboxes(dataDir: string): Promise<Record<string, InboxMessage[]>> {
  let names: string[];
  try {
    names = await readdir(join(dataDir, INBOX_FOLDER));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const result: Record<string, InboxMessage[]> = {};
  for (const name of names.sort()) {
    const openid = name.replace(/\.jsonl$/, '');
    if (openid === name || !OPENID_PATTERN.test(openid)) continue;
    result[openid] = await readInbox(dataDir, openid);
  }
  return result;
}
