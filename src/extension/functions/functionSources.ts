/**
 * Where a function's code is in this workspace: the function folders of the projects that have
 * a local environment. A cloud environment's function root holds saved events only, so a cloud
 * function's code is a project's folder of the same name. No vscode import: the explorer model
 * reads it to decide what a function's menu offers, and the deploy commands to find the folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectInfo } from '../../project/project';
import type { EnvironmentEntry } from '../environments/registry';

export function workspaceProjects(entries: readonly EnvironmentEntry[]): ProjectInfo[] {
  return entries.flatMap((e) => (e.info.kind === 'local' && e.project ? [e.project] : []));
}

export function projectsHoldingFunction(entries: readonly EnvironmentEntry[], name: string): ProjectInfo[] {
  return workspaceProjects(entries).filter((p) => existsSync(join(p.functionRoot, name)));
}
