import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { detectProject } from '../../project/project';
import type { ProjectInfo } from '../../project/project';
import { messageOf } from '../../shared/errors';
import type { EnvironmentEntry, EnvironmentRegistry } from './registry';

const EXPLICIT_FOLDERS_KEY = 'cloudbase.local.folders';
const MARKERS = '{project.config.json,cloudbaserc.json}';

/**
 * Keeps the registry's local environments in step with the workspace: every folder that is a
 * mini-program or CloudBase project, plus folders the user started explicitly (remembered per
 * workspace). Folders coming and going, and project files appearing, are followed.
 */
export class WorkspaceProjects implements vscode.Disposable {
  /** Settles once the folders open at activation have been looked at. */
  readonly ready: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchers = new Map<string, vscode.Disposable>();

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    /** Called for each environment this service adds (auto-start hooks in here). */
    private readonly onAdded: (entry: EnvironmentEntry) => void,
  ) {
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders((e) => void this.foldersChanged(e)));
    this.ready = this.scan();
  }

  dispose(): void {
    for (const d of [...this.disposables, ...this.watchers.values()]) d.dispose();
    this.watchers.clear();
  }

  /** Folders started explicitly, most recent first. */
  explicitFolders(): string[] {
    return this.workspaceState.get<string[]>(EXPLICIT_FOLDERS_KEY, []);
  }

  /** Adds a local environment for any folder and remembers the choice for this workspace. */
  async addExplicit(folder: string): Promise<EnvironmentEntry> {
    const root = resolve(folder);
    const project = await detectProject(root, true);
    // detectProject(…, true) always answers; the fallback keeps the types honest.
    const entry = this.registry.addLocal(project ?? { root, functionRoot: resolve(root, 'cloudfunctions') }, { explicit: true });
    await this.workspaceState.update(EXPLICIT_FOLDERS_KEY, [root, ...this.explicitFolders().filter((f) => f !== root)]);
    return entry;
  }

  private async scan(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    await Promise.all([
      ...folders.map((f) => this.addWorkspaceFolder(f)),
      ...this.explicitFolders().map((f) => this.addProject(() => detectProject(f, true), true)),
    ]);
  }

  private async foldersChanged(event: vscode.WorkspaceFoldersChangeEvent): Promise<void> {
    for (const folder of event.removed) {
      this.watchers.get(folder.uri.toString())?.dispose();
      this.watchers.delete(folder.uri.toString());
      const entry = this.registry.findByRoot(resolve(folder.uri.fsPath));
      if (entry && !entry.explicit) {
        await this.registry.remove(entry.key).catch((e: unknown) => this.log.error(`Removing ${entry.info.label} failed: ${messageOf(e)}`));
      }
    }
    await Promise.all(event.added.map((f) => this.addWorkspaceFolder(f)));
  }

  private async addWorkspaceFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    if (folder.uri.scheme !== 'file') return;
    this.watch(folder);
    await this.addProject(() => detectProject(folder.uri.fsPath), false);
  }

  /** A project file created later turns the folder into a project without a reload. */
  private watch(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    if (this.watchers.has(key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, MARKERS), false, false, true);
    const recheck = (): void => void this.addProject(() => detectProject(folder.uri.fsPath), false);
    this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck)));
  }

  private async addProject(detect: () => Promise<ProjectInfo | undefined>, explicit: boolean): Promise<void> {
    try {
      const project = await detect();
      if (!project) return;
      const known = this.registry.findByRoot(project.root);
      const entry = this.registry.addLocal(project, { explicit });
      if (!known) {
        this.log.info(`Found ${project.marker ?? 'a folder started explicitly'} in ${project.root}`);
        this.onAdded(entry);
      }
    } catch (e) {
      this.log.error(`Looking for a CloudBase project failed: ${messageOf(e)}`);
    }
  }
}
