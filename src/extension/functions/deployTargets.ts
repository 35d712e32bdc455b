/**
 * What a deploy command acts on: the function folders it was given (Explorer folders, tree nodes,
 * or a choice from the palette) and the environment they go to: the one named by cloudbaserc.json's
 * envId when it is known, else the user's choice, remembered per project.
 */
import { basename, dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import { detectProject, type ProjectInfo } from '../../project/project';
import { can } from '../environments/capabilities';
import type { EnvironmentEntry } from '../environments/registry';
import { FunctionNode } from '../explorer/nodes/functionNode';
import type { Services } from '../services';
import type { DeployState } from './deployState';
import { projectsHoldingFunction, workspaceProjects } from './functionSources';
import { pickFunction } from './functionTargets';

export interface DeploySourceRef {
  name: string;
  folder: string;
  /** The project the folder belongs to. */
  project: ProjectInfo;
  /** The environment whose tree node was used, when the command came from the tree. */
  fromEnvKey?: string;
}

function localProjects(s: Services): ProjectInfo[] {
  return workspaceProjects(s.registry.list());
}

function projectOfFolder(s: Services, folder: string): ProjectInfo | undefined {
  const root = dirname(resolve(folder));
  return localProjects(s).find((p) => resolve(p.functionRoot) === root);
}

function refOfFolder(s: Services, folder: string): DeploySourceRef {
  const project = projectOfFolder(s, folder);
  if (!project) throw new StudioError('InvalidArgument', `${folder} is not a function folder of a CloudBase project in this workspace.`);
  return { name: basename(resolve(folder)), folder: resolve(folder), project };
}

/** A function of an environment, by its code in this workspace: the project that deploys to a cloud environment first, else any with that folder. */
function refOfFunction(s: Services, envKey: string, name: string, folder: string | undefined): DeploySourceRef {
  const entry = s.registry.get(envKey);
  if (entry?.info.kind === 'local' && entry.project) return { ...refOfFolder(s, folder ?? join(entry.project.functionRoot, name)), fromEnvKey: envKey };
  const holders = projectsHoldingFunction(s.registry.list(), name);
  const project = holders.find((p) => entry && p.cloudEnvId === entry.info.envId) ?? holders[0];
  if (!project) throw new StudioError('FunctionNotFound', `No function folder of this workspace is named ${name}.`);
  return { ...refOfFolder(s, join(project.functionRoot, name)), fromEnvKey: envKey };
}

/** The folders a command was given: the clicked one plus the rest of a multi-selection. */
export async function deploySources(s: Services, arg: unknown, selection: unknown): Promise<DeploySourceRef[]> {
  const all = Array.isArray(selection) && selection.length > 0 ? (selection as unknown[]) : arg === undefined ? [] : [arg];
  const refs: DeploySourceRef[] = [];
  for (const item of all) {
    if (item instanceof vscode.Uri) refs.push(refOfFolder(s, item.fsPath));
    else if (item instanceof FunctionNode) refs.push(refOfFunction(s, item.envKey, item.name, item.info.folder));
  }
  if (refs.length === 0) {
    // A cloud environment's function folder holds saved events only: its code is the workspace's folder of that name.
    const picked = await pickFunction(s);
    refs.push(refOfFunction(s, picked.envKey, picked.name, picked.folder));
  }
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.folder) && seen.add(r.folder));
}

interface TargetChoice extends vscode.QuickPickItem {
  entry: EnvironmentEntry;
}

/**
 * The environment a project deploys to. `deployedCopy`: only environments that keep deployed code
 * apart from the folder (cloud ones), for Compare with Deployed.
 */
export async function deployTarget(s: Services, state: DeployState, ref: DeploySourceRef, options: { deployedCopy?: boolean } = {}): Promise<EnvironmentEntry> {
  const all = s.registry.list().filter((e) => !options.deployedCopy || can(e.info.kind, 'deployedCopy'));
  if (ref.fromEnvKey) {
    const from = s.registry.get(ref.fromEnvKey);
    if (from && from.info.kind !== 'local') return from;
  }
  // Read now, not at activation: envId is often added or changed while the project is open.
  const cloudEnvId = (await detectProject(ref.project.root, true))?.cloudEnvId;
  const named = cloudEnvId ? all.find((e) => e.info.kind !== 'local' && e.info.envId === cloudEnvId) : undefined;
  if (named) return named;
  // A project's own local environment, and every cloud environment; other projects' local ones run other folders.
  const candidates = all.filter((e) => e.info.kind !== 'local' || (e.project !== undefined && resolve(e.project.root) === resolve(ref.project.root)));
  if (candidates.length === 0) {
    if (options.deployedCopy) throw new StudioError('NotSupported', 'The local environment runs the function folders themselves, so there is no deployed copy to compare with: sign in to Tencent CloudBase to compare with a cloud environment.');
    throw new StudioError('EnvironmentNotFound', 'No environment to deploy to.');
  }
  // A named environment that is not reachable (not signed in) is never silently swapped for another.
  const unreachable = cloudEnvId !== undefined;
  if (candidates.length === 1 && !unreachable) return candidates[0]!;
  const last = state.lastTarget(ref.project.root);
  const ordered = [...candidates].sort((a, b) => Number(b.key === last) - Number(a.key === last));
  const chosen = await s.prompts.ui.pick<TargetChoice>(
    ordered.map((e) => ({
      label: e.info.label,
      description: e.info.kind === 'local' ? vscode.l10n.t('Local') : e.info.envId,
      detail: e.key === last ? vscode.l10n.t('Last used for this project') : undefined,
      entry: e,
    })),
    {
      title: vscode.l10n.t('Deploy to which environment?'),
      placeHolder: unreachable
        ? vscode.l10n.t('cloudbaserc.json names {0}, which is not signed in: choose another environment', cloudEnvId)
        : vscode.l10n.t('Environment'),
    },
  );
  await state.setLastTarget(ref.project.root, chosen.entry.key);
  return chosen.entry;
}
