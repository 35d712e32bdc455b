/**
 * Recognises mini-program and CloudBase projects and reads the settings the local environment
 * needs from them. No vscode here: the CLI and the extension share it.
 */
import { promises as fs } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

export interface ProjectInfo {
  root: string;
  /** The folder that holds one folder per cloud function. */
  functionRoot: string;
  /** The Tencent environment the project deploys to, from cloudbaserc.json, if any. */
  cloudEnvId?: string;
  /** Which file made this folder a project; undefined for a folder opened explicitly. */
  marker?: 'project.config.json' | 'cloudbaserc.json';
}

export const DEFAULT_DATA_DIRECTORY = '.cloudbase/local';

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Reads a folder's project files. Returns undefined when it is not a mini-program or CloudBase
 * project, unless `explicit` (the user asked for a local environment here anyway).
 */
export async function detectProject(folder: string, explicit = false): Promise<ProjectInfo | undefined> {
  const root = resolve(folder);
  const mp = await readJson(join(root, 'project.config.json'));
  const rc = await readJson(join(root, 'cloudbaserc.json'));
  const mpRoot = str(mp?.cloudfunctionRoot);
  const rcRoot = str(rc?.functionRoot);
  const marker = mpRoot ? 'project.config.json' : rc ? 'cloudbaserc.json' : undefined;
  if (!marker && !explicit) return undefined;
  const functionRoot = mpRoot ?? rcRoot ?? 'cloudfunctions';
  return {
    root,
    functionRoot: isAbsolute(functionRoot) ? functionRoot : join(root, functionRoot),
    cloudEnvId: str(rc?.envId),
    marker,
  };
}

/** Where a project's local data lives; `setting` (relative to the project, or absolute) moves it. */
export function dataDirectory(project: ProjectInfo, setting?: string): string {
  const dir = str(setting) ?? DEFAULT_DATA_DIRECTORY;
  return isAbsolute(dir) ? dir : join(project.root, dir);
}

/** The local environment's id: stable per project folder and shaped like a CloudBase env id. */
export function localEnvId(project: ProjectInfo): string {
  const slug = basename(project.root).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32);
  return `local-${slug || 'project'}`;
}
