/**
 * A function's deploy settings as the CloudBase CLI would send them: the merged settings the local
 * runtime reads (defaults, the folder's config.json, cloudbaserc.json `functions[]`), plus the
 * deploy-only keys `ignore` and `installDependency` from cloudbaserc.json.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { readFunction } from '../../project/functions/definitions';
import { detectProject, type ProjectInfo } from '../../project/project';
import { CLIENT_TIMEOUT_SECONDS, type DeployWarning } from './packager';

export interface DeployTrigger {
  name: string;
  type: string;
  config: string;
}

export interface DeploySettings {
  runtime: string;
  handler: string;
  timeoutSeconds: number;
  memoryMB: number;
  envVariables: Record<string, string>;
  triggers: DeployTrigger[];
  /** The cloud installs dependencies from package.json (and node_modules stays out of the package). */
  installDependency: boolean;
  /** cloudbaserc.json `functions[].ignore`. */
  ignore: string[];
}

export interface FunctionSource {
  name: string;
  folder: string;
  project: ProjectInfo;
  settings: DeploySettings;
  warnings: DeployWarning[];
}

async function rcEntry(project: ProjectInfo, name: string): Promise<Record<string, unknown>> {
  try {
    const rc = JSON.parse(await fs.readFile(join(project.root, 'cloudbaserc.json'), 'utf8')) as { functions?: unknown };
    const found = Array.isArray(rc.functions) ? (rc.functions as { name?: unknown }[]).find((f) => f && f.name === name) : undefined;
    return (found as Record<string, unknown> | undefined) ?? {};
  } catch {
    // An unreadable cloudbaserc.json is reported by readFunction's warnings.
    return {};
  }
}

function triggersOf(raw: readonly unknown[], warnings: DeployWarning[]): DeployTrigger[] {
  const out: DeployTrigger[] = [];
  for (const t of raw) {
    const v = (t ?? {}) as { name?: unknown; type?: unknown; config?: unknown };
    if (typeof v.name === 'string' && typeof v.type === 'string' && typeof v.config === 'string') out.push({ name: v.name, type: v.type, config: v.config });
    else warnings.push({ code: 'SettingsWarning', message: `A trigger needs a name, a type and a config: ${JSON.stringify(t)}` });
  }
  return out;
}

/**
 * The function whose folder is `folder` (`<functionRoot>/<name>`), in the project found at
 * `projectRoot` or, without it, the folder's grandparent.
 */
export async function readFunctionSource(folder: string, projectRoot?: string): Promise<FunctionSource> {
  const name = basename(folder);
  const root = projectRoot ?? dirname(dirname(folder));
  const project = await detectProject(root, true);
  const def = project ? await readFunction({ ...project, functionRoot: dirname(folder) }, name) : undefined;
  if (!project || !def) throw new StudioError('FunctionNotFound', `There is no function folder at ${folder}.`);
  const rc = await rcEntry(project, name);
  const warnings: DeployWarning[] = def.warnings.map((message) => ({ code: 'SettingsWarning' as const, message }));
  const ignore = typeof rc.ignore === 'string' ? [rc.ignore] : Array.isArray(rc.ignore) ? rc.ignore.filter((p): p is string => typeof p === 'string') : [];
  const settings: DeploySettings = {
    runtime: def.runtime,
    handler: def.handler,
    timeoutSeconds: def.timeoutSeconds,
    memoryMB: def.memoryMB,
    envVariables: def.envVariables,
    triggers: triggersOf(def.triggers, warnings),
    installDependency: rc.installDependency === undefined ? def.runtime.toLowerCase().startsWith('nodejs') : rc.installDependency === true || rc.installDependency === 'TRUE',
    ignore,
  };
  if (settings.timeoutSeconds > CLIENT_TIMEOUT_SECONDS) {
    warnings.push({ code: 'TimeoutOverClientLimit', timeoutSeconds: settings.timeoutSeconds, limitSeconds: CLIENT_TIMEOUT_SECONDS });
  }
  return { name, folder, project: { ...project, functionRoot: dirname(folder) }, settings, warnings };
}
