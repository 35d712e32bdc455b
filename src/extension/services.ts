import type * as vscode from 'vscode';
import type { TencentAccounts } from './accounts/tencentAccounts';
import type { DocumentFileSystem } from './documents/documentFileSystem';
import type { EnvironmentRegistry } from './environments/registry';
import type { WorkspaceProjects } from './environments/workspaceProjects';
import type { ExplorerModel } from './explorer/explorerModel';
import type { ExplorerNode } from './explorer/nodes/explorerNode';
import type { ExplorerTreeProvider } from './explorer/treeProvider';
import type { DataChanges } from './platform/dataChanges';
import type { DialogFolders } from './platform/dialogFolders';
import type { ErrorReporter } from './platform/errorReporter';
import type { Prompts } from './platform/userInput';
import type { StorageFileSystem } from './storage/storageFileSystem';

/** What the composition root builds once and hands to every command. */
export interface Services {
  readonly registry: EnvironmentRegistry;
  readonly model: ExplorerModel;
  readonly tree: ExplorerTreeProvider;
  readonly view: vscode.TreeView<ExplorerNode>;
  readonly projects: WorkspaceProjects;
  readonly documents: DocumentFileSystem;
  /** Storage files opened in editors: a save writes back to storage. */
  readonly storageFiles: StorageFileSystem;
  readonly prompts: Prompts;
  /** Where file dialogs open (the last folder per purpose, else the workspace folder). */
  readonly dialogs: DialogFolders;
  readonly log: vscode.LogOutputChannel;
  /** The one reporter: commands report through the wrapper, other callbacks through `errors.guard`. */
  readonly errors: ErrorReporter;
  readonly accounts: TencentAccounts;
  /** Whoever writes data says so here; the tree, the collection panels and document editors follow. */
  readonly changes: DataChanges;
}
