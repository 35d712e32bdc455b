/**
 * Compare with Deployed: the deployed package is fetched, unpacked read-only into a temporary
 * folder, shown read-only (deployedFiles.ts), and set against the function folder's packable files
 * in VS Code's diff (one file) or multi-file changes editor.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import * as vscode from 'vscode';
import { comparePackage, listPackageFiles, readFunctionSource, readZip, type PackageDifference } from '../../cloud/deploy';
import { StudioError } from '../../shared/errors';
import type { EnvironmentEntry } from '../environments/registry';
import { deployedUri } from './deployedFiles';
import type { Services } from '../services';
import type { DeploySourceRef } from './deployTargets';

export interface DeployedComparison {
  /** Files (relative to the function folder) that differ, including those on one side only. */
  changed: PackageDifference[];
  deployedFolder: string;
}

async function writeReadOnly(file: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(dirname(file), { recursive: true });
  await fs.writeFile(file, data, { mode: 0o444 });
}

export async function compareWithDeployed(s: Services, ref: DeploySourceRef, target: EnvironmentEntry): Promise<DeployedComparison> {
  const backend = await s.registry.backend(target.key);
  if (!backend.functions?.getDeployedCode) {
    throw new StudioError('NotSupported', `${target.info.label} runs the function folder itself; there is no separate deployed copy to compare with.`);
  }
  const code = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching the deployed code of {0}', ref.name), cancellable: true },
    (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return backend.functions!.getDeployedCode!(ref.name, controller.signal);
    },
  );
  const deployed = await readZip(code.zip);
  const source = await readFunctionSource(ref.folder, ref.project.root);
  const local = await listPackageFiles(ref.folder, { patterns: source.settings.ignore, includeNodeModules: !source.settings.installDependency });
  const folder = await fs.mkdtemp(join(tmpdir(), `cloudbase-deployed-${ref.name}-`));
  const deployedFolder = join(folder, ref.name);
  const empty = join(folder, '.none');
  await writeReadOnly(empty, new Uint8Array());
  for (const e of deployed) {
    const file = resolve(deployedFolder, e.path);
    if (!file.startsWith(deployedFolder + sep)) throw new StudioError('InvalidPath', `The deployed package has an entry outside its folder: ${e.path}`);
    await writeReadOnly(file, e.data);
  }
  const changed = await comparePackage(ref.folder, local, deployed);
  s.log.info(`Compared ${ref.name} with ${target.info.label}: ${changed.length} file(s) differ`);
  if (changed.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} on {1} is the same as the folder.', ref.name, target.info.label));
    return { changed, deployedFolder };
  }
  const sides = changed.map(({ path, kind }) => {
    const left = deployedUri(kind === 'added' ? empty : join(deployedFolder, path));
    const right = kind === 'removed' ? deployedUri(empty) : vscode.Uri.file(join(ref.folder, path));
    return [vscode.Uri.file(join(ref.folder, path)), left, right] as const;
  });
  const title = vscode.l10n.t('{0}: deployed on {1} ↔ folder', ref.name, target.info.label);
  if (sides.length === 1) {
    await vscode.commands.executeCommand('vscode.diff', sides[0]![1], sides[0]![2], title);
  } else {
    await vscode.commands.executeCommand('vscode.changes', title, sides);
  }
  return { changed, deployedFolder };
}
