/**
 * Saved test events: one JSON file per event in the function's own folder,
 * `<functionRoot>/<function>/.events/<event>.json`.
 *
 * Why there: the events travel with the function (renaming or copying the folder keeps them, a
 * commit shares them with the team), and a dot folder stays out of the way: the runtime ignores
 * dot folders when it decides whether code changed (saving an event never restarts the function)
 * and the tree does not list them. WeChat DevTools keeps its test templates in its own settings
 * instead, where they cannot be committed. No vscode import: unit tests run this in plain Node.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { StudioError } from '../../shared/errors';

export const EVENTS_FOLDER = '.events';
export const DEFAULT_EVENT_NAME = 'default';
export const NEW_EVENT_TEXT = '{}\n';

/** Letters (any script), digits, space, `.`, `_` and `-`; no path separators, not starting with a dot. */
const EVENT_NAME = /^(?!\.)[\p{L}\p{N} ._-]{1,80}$/u;

export interface SavedEvent {
  name: string;
  file: string;
}

/** Where an event file belongs: which function root, which function, which event. */
export interface EventFileOwner {
  functionRoot: string;
  functionName: string;
  functionFolder: string;
  eventName: string;
}

export function eventsFolder(functionFolder: string): string {
  return join(functionFolder, EVENTS_FOLDER);
}

export function eventFile(functionFolder: string, eventName: string): string {
  return join(eventsFolder(functionFolder), `${eventName}.json`);
}

/** Undefined when the name can be used, else why not (English, for logs; the UI maps it). */
export function eventNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'empty';
  if (!EVENT_NAME.test(trimmed) || trimmed.endsWith('.')) return 'characters';
  return undefined;
}

export function assertEventName(name: string): string {
  const trimmed = name.trim();
  if (eventNameProblem(trimmed)) {
    throw new StudioError('InvalidArgument', `"${name}" cannot name an event: use letters, digits, spaces, ".", "_" and "-" (at most 80).`);
  }
  return trimmed;
}

/** The function's saved events, by name. */
export async function listEvents(functionFolder: string): Promise<SavedEvent[]> {
  let names: string[];
  try {
    names = await fs.readdir(eventsFolder(functionFolder));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => ({ name: n.slice(0, -'.json'.length), file: join(eventsFolder(functionFolder), n) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Writes a new event; refuses a bad name and an existing event without touching anything. */
export async function createEvent(functionFolder: string, name: string, text: string = NEW_EVENT_TEXT): Promise<string> {
  const file = eventFile(functionFolder, assertEventName(name));
  await fs.mkdir(eventsFolder(functionFolder), { recursive: true });
  try {
    await fs.writeFile(file, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new StudioError('Conflict', `An event named "${name.trim()}" already exists.`, { cause: e });
    throw e;
  }
  return file;
}

/** The name for another event that does not exist yet: `event-2`, `event-3`… */
export async function freeEventName(functionFolder: string, base = 'event'): Promise<string> {
  const taken = new Set((await listEvents(functionFolder)).map((e) => e.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * The function an event file belongs to, when `file` is `<root>/<function>/.events/<event>.json`
 * under one of `functionRoots`.
 */
export function eventFileOwner(file: string, functionRoots: readonly string[]): EventFileOwner | undefined {
  const path = resolve(file);
  if (!path.endsWith('.json') || basename(dirname(path)) !== EVENTS_FOLDER) return undefined;
  const functionFolder = dirname(dirname(path));
  for (const root of functionRoots) {
    const functionRoot = resolve(root);
    const rel = relative(functionRoot, functionFolder);
    if (rel === '' || rel.startsWith('..') || rel.includes(sep) || rel.includes('/')) continue;
    return { functionRoot, functionName: rel, functionFolder, eventName: basename(path, '.json') };
  }
  return undefined;
}

export type PayloadParse = { ok: true; value: unknown } | { ok: false; message: string; offset: number };

/**
 * Reads an event's text as JSON. A failure says where (the character offset, for a diagnostic),
 * taken from the parser's message: V8 reports "at position N" and newer versions also
 * "(line L column C)"; text that ends too early points at its end.
 */
export function parsePayload(text: string): PayloadParse {
  if (text.trim() === '') return { ok: false, message: 'The event is empty; write a JSON value such as {}.', offset: 0 };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, message: message.replace(/^JSON\.parse: /, ''), offset: errorOffset(message, text) };
  }
}

function errorOffset(message: string, text: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position) return Math.min(Number(position[1]), text.length);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) {
    const lines = text.split('\n');
    const line = Math.min(Number(lineColumn[1]), lines.length) - 1;
    const before = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
    return Math.min(before + Number(lineColumn[2]) - 1, text.length);
  }
  return text.trimEnd().length;
}

/** Line and column (both from 0) of an offset, for editors. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}
