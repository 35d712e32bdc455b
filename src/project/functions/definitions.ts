/**
 * A project's cloud functions as they are on disk: one folder per function under the function root,
 * with settings merged from CloudBase defaults, the folder's config.json (WeChat DevTools) and the
 * project's cloudbaserc.json `functions[]` (CloudBase CLI), the latter winning because it is what
 * `tcb fn deploy` sends.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { FunctionInfo, JsonObject, JsonValue } from '../../shared/model';
import type { ProjectInfo } from '../project';
import { missingDependencies } from './dependencies';
import { resolveHandler } from './handler';

/** What CloudBase uses when a setting is absent (runtime: manager-node's createFunction default, used by the CLI). */
export const FUNCTION_DEFAULTS = {
  timeoutSeconds: 3,
  memoryMB: 256,
  handler: 'index.main',
  runtime: 'Nodejs20.19',
} as const;

/** CloudBase accepts 1–900 s for event functions and 64–3072 MB. */
const TIMEOUT_RANGE = [1, 900] as const;
const MEMORY_RANGE = [64, 3072] as const;

export type FunctionStatus = 'Active' | 'HandlerMissing' | 'DependenciesMissing';

export interface FunctionDefinition extends Omit<FunctionInfo, 'triggers'> {
  name: string;
  folder: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMB: number;
  handler: string;
  envVariables: Record<string, string>;
  /** As written in cloudbaserc.json or else config.json (both use `{ name, type, config }`). */
  triggers: JsonValue[];
  permissions?: JsonObject;
  status: FunctionStatus;
  /** Settings that were present but unusable (and so fell back to the default). */
  warnings: string[];
}

async function readJsonObject(file: string, warnings: string[]): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    warnings.push(`${file} is not a JSON object`);
  } catch (e) {
    warnings.push(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}

/** The cloudbaserc.json entries by function name. */
async function projectFunctionSettings(project: ProjectInfo, warnings: string[]): Promise<Map<string, Record<string, unknown>>> {
  const rc = await readJsonObject(join(project.root, 'cloudbaserc.json'), warnings);
  const map = new Map<string, Record<string, unknown>>();
  if (Array.isArray(rc?.functions)) {
    for (const f of rc.functions as unknown[]) {
      if (f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string') {
        map.set((f as { name: string }).name, f as Record<string, unknown>);
      }
    }
  }
  return map;
}

function numberIn(value: unknown, [min, max]: readonly [number, number], what: string, warnings: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max) return n;
  warnings.push(`${what} ${JSON.stringify(value)} is outside ${min}–${max}`);
  return undefined;
}

function text(value: unknown, what: string, warnings: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  warnings.push(`${what} ${JSON.stringify(value)} is not a non-empty string`);
  return undefined;
}

function variables(value: unknown, what: string, warnings: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(`${what} is not an object`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else warnings.push(`${what}.${k} is not a string`);
  }
  return out;
}

/** The folders under the function root that can be functions (not dot folders, not node_modules). */
export async function functionFolderNames(functionRoot: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(functionRoot, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

async function define(
  project: ProjectInfo,
  name: string,
  rcEntry: Record<string, unknown> | undefined,
  nodePath: readonly string[],
  rcWarnings: string[],
): Promise<FunctionDefinition> {
  const folder = join(project.functionRoot, name);
  const warnings = [...rcWarnings];
  const cfg = (await readJsonObject(join(folder, 'config.json'), warnings)) ?? {};
  const rc = rcEntry ?? {};
  const pick = <T>(read: (v: unknown, what: string) => T | undefined, key: string): T | undefined =>
    read(rc[key], `cloudbaserc.json functions[${name}].${key}`) ?? read(cfg[key], `config.json ${key}`);

  const handler = pick((v, w) => text(v, w, warnings), 'handler') ?? FUNCTION_DEFAULTS.handler;
  const envVariables = {
    ...variables(cfg.envVariables, 'config.json envVariables', warnings),
    ...variables(rc.envVariables, `cloudbaserc.json functions[${name}].envVariables`, warnings),
  };
  const resolved = await resolveHandler(folder, handler);
  const status: FunctionStatus = !resolved.file
    ? 'HandlerMissing'
    : (await missingDependencies(folder, nodePath)).length > 0
      ? 'DependenciesMissing'
      : 'Active';
  return {
    name,
    folder,
    runtime: pick((v, w) => text(v, w, warnings), 'runtime') ?? FUNCTION_DEFAULTS.runtime,
    timeoutSeconds: pick((v, w) => numberIn(v, TIMEOUT_RANGE, w, warnings), 'timeout') ?? FUNCTION_DEFAULTS.timeoutSeconds,
    memoryMB: pick((v, w) => numberIn(v, MEMORY_RANGE, w, warnings), 'memorySize') ?? FUNCTION_DEFAULTS.memoryMB,
    handler,
    envVariables,
    triggers: Array.isArray(rc.triggers) ? (rc.triggers as JsonValue[]) : Array.isArray(cfg.triggers) ? (cfg.triggers as JsonValue[]) : [],
    permissions: cfg.permissions && typeof cfg.permissions === 'object' ? (cfg.permissions as JsonObject) : undefined,
    status,
    warnings,
  };
}

/** Every function of the project, sorted by name. */
export async function discoverFunctions(project: ProjectInfo, nodePath: readonly string[] = []): Promise<FunctionDefinition[]> {
  const warnings: string[] = [];
  const [names, rc] = await Promise.all([functionFolderNames(project.functionRoot), projectFunctionSettings(project, warnings)]);
  return Promise.all(names.map((n) => define(project, n, rc.get(n), nodePath, warnings)));
}

/** One function, or undefined when its folder does not exist. */
export async function readFunction(project: ProjectInfo, name: string, nodePath: readonly string[] = []): Promise<FunctionDefinition | undefined> {
  if (name === '' || name.startsWith('.') || name === 'node_modules' || /[\\/]/.test(name)) return undefined;
  try {
    if (!(await fs.stat(join(project.functionRoot, name))).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const warnings: string[] = [];
  const rc = await projectFunctionSettings(project, warnings);
  return define(project, name, rc.get(name), nodePath, warnings);
}
