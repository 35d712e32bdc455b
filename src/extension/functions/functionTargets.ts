/**
 * Which function a command acts on: the tree node a menu passed, the event file a CodeLens or
 * editor button passed (or the active editor shows), or, from the Command Palette, the user's
 * choice of environment and function.
 */
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { FunctionInfo } from '../../shared/model';
import { pickEnvironment } from '../commands/pickers';
import type { EnvironmentEntry } from '../environments/registry';
import { FunctionNode } from '../explorer/nodes/functionNode';
import { withViewProgress } from '../platform/progress';
import type { Services } from '../services';
import { eventFileOwner, type EventFileOwner } from './eventFiles';

export interface FunctionTarget {
  envKey: string;
  name: string;
  folder: string;
}

export interface EventTarget extends FunctionTarget {
  eventName: string;
  uri: vscode.Uri;
}

/** The function roots of the known environments, normalized (no trailing separator). */
export function functionRoots(s: Services): string[] {
  return s.registry.list().flatMap((e) => (e.functionRoot ? [resolve(e.functionRoot)] : []));
}

/** The environment and function an event file belongs to, or undefined for any other file. */
export function eventTarget(s: Services, uri: vscode.Uri): EventTarget | undefined {
  if (uri.scheme !== 'file') return undefined;
  const owner: EventFileOwner | undefined = eventFileOwner(uri.fsPath, functionRoots(s));
  if (!owner) return undefined;
  const entry = s.registry.list().find((e) => e.functionRoot && resolve(e.functionRoot) === owner.functionRoot);
  if (!entry) return undefined;
  return { envKey: entry.key, name: owner.functionName, folder: owner.functionFolder, eventName: owner.eventName, uri };
}

/** The event file in the active editor, if it shows one. */
export function activeEventTarget(s: Services): EventTarget | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri ? eventTarget(s, uri) : undefined;
}

/** Where a function's saved test events live: its project folder, or the extension's storage for a Tencent environment. */
function functionRootOf(entry: EnvironmentEntry | undefined): string {
  if (!entry?.functionRoot) throw new StudioError('EnvironmentNotFound', 'The function\'s environment is no longer known.');
  return entry.functionRoot;
}

export function isFunctionTarget(arg: unknown): arg is FunctionTarget {
  const t = arg as Partial<FunctionTarget> | undefined;
  return typeof t === 'object' && t !== null && typeof t.envKey === 'string' && typeof t.name === 'string' && typeof t.folder === 'string';
}

export function nodeTarget(s: Services, node: FunctionNode): FunctionTarget {
  const entry = s.registry.get(node.envKey);
  return { envKey: node.envKey, name: node.name, folder: node.info.folder ?? join(functionRootOf(entry), node.name) };
}

/** Every function of an environment, following the backend's pages. */
export async function listAllFunctions(s: Services, envKey: string): Promise<FunctionInfo[]> {
  const functions = (await withViewProgress(() => s.registry.backend(envKey))).functions;
  if (!functions) throw new StudioError('NotSupported', 'This environment does not offer cloud functions.');
  const all: FunctionInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await withViewProgress(() => functions.listFunctions(cursor === undefined ? { limit: 200 } : { limit: 200, cursor }));
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && all.length < 5000);
  return all;
}

interface FunctionChoice extends vscode.QuickPickItem {
  info: FunctionInfo;
}

/** Environment (when there are several), then function. */
export async function pickFunction(s: Services, filter: (f: FunctionInfo) => boolean = () => true): Promise<FunctionTarget> {
  const entry: EnvironmentEntry = await pickEnvironment(s);
  const functions = (await listAllFunctions(s, entry.key)).filter(filter);
  if (functions.length === 0) {
    throw new StudioError('FunctionNotFound', entry.project ? `${entry.info.label} has no cloud functions in ${entry.project.functionRoot}.` : `${entry.info.label} has no cloud functions.`);
  }
  const chosen = await s.prompts.ui.pick<FunctionChoice>(
    functions.map((f) => ({ label: f.name, description: f.runtime, detail: f.status === 'Active' ? undefined : f.status, info: f })),
    { title: vscode.l10n.t('Choose a cloud function'), placeHolder: vscode.l10n.t('Function') },
  );
  return { envKey: entry.key, name: chosen.info.name, folder: chosen.info.folder ?? join(functionRootOf(entry), chosen.info.name) };
}

/** The function a command was given (node, target object, event file), else undefined. */
export function givenTarget(s: Services, arg: unknown): FunctionTarget | undefined {
  if (arg instanceof FunctionNode) return nodeTarget(s, arg);
  if (arg instanceof vscode.Uri) return eventTarget(s, arg);
  if (isFunctionTarget(arg)) return { envKey: arg.envKey, name: arg.name, folder: arg.folder };
  return undefined;
}
