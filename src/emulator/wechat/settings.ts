/**
 * What a project can set for its simulated WeChat platform, in files it can edit and commit next
 * to its code, under `<project>/.cloudbase/wechat/`. They are read on every call, so an edit
 * applies to the next call without restarting the local environment.
 *
 * - `sensitive-words.txt`: one word or phrase a line (`#` starts a comment); text that contains
 *   one (case-insensitive) is risky for the content checks.
 * - `settings.json`: `{ "rejectAllContent": true }` makes every content check fail.
 * - `templates.json`: `{ "<template_id>": { "title": "…", "content": "Order {{thing1.DATA}}…" } }`,
 *   how sent template messages are rendered in the inbox; without one the data is listed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WECHAT_SETTINGS_FOLDER = join('.cloudbase', 'wechat');
export const SENSITIVE_WORDS_FILE = 'sensitive-words.txt';
export const SETTINGS_FILE = 'settings.json';
export const TEMPLATES_FILE = 'templates.json';

export interface MessageTemplate {
  title?: string;
  content: string;
}

export interface WeChatSettings {
  sensitiveWords: string[];
  rejectAllContent: boolean;
  templates: Record<string, MessageTemplate>;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function readObject(file: string): Promise<Record<string, unknown>> {
  const text = await readText(file);
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // A half-typed file while the user edits it is not worth failing the function's call for.
  }
  return {};
}

export function parseWordList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim().toLowerCase())
    .filter((word) => word !== '');
}

function templatesOf(value: unknown): Record<string, MessageTemplate> {
  const result: Record<string, MessageTemplate> = {};
  if (!value || typeof value !== 'object') return result;
  for (const [id, t] of Object.entries(value as Record<string, unknown>)) {
    const entry = t as Record<string, unknown> | null;
    if (entry && typeof entry.content === 'string') result[id] = { content: entry.content, title: typeof entry.title === 'string' ? entry.title : undefined };
  }
  return result;
}

export async function readWeChatSettings(projectRoot: string): Promise<WeChatSettings> {
  const folder = join(projectRoot, WECHAT_SETTINGS_FOLDER);
  const [words, settings, templates] = await Promise.all([
    readText(join(folder, SENSITIVE_WORDS_FILE)),
    readObject(join(folder, SETTINGS_FILE)),
    readObject(join(folder, TEMPLATES_FILE)),
  ]);
  return { sensitiveWords: parseWordList(words ?? ''), rejectAllContent: settings.rejectAllContent === true, templates: templatesOf(templates) };
}
