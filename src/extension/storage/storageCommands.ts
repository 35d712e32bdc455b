/**
 * Storage commands: upload files or a folder (menus, palette, drag and drop), download, delete,
 * new folder, copy the file ID or a temporary URL, open a file. Load more and Retry in storage
 * folders are the explorer's own (explorerCommands.ts).
 * The work goes through the backend's StorageApi, so every environment kind gets the same UI.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StorageApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import { CommandId } from '../commandIds';
import { pickEnvironment } from '../commands/pickers';
import { isFromSelection } from '../commands/targets';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import { StorageAreaNode, StorageFileNode, StorageFolderNode, type StorageLocation } from '../explorer/nodes/storageNodes';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { DialogPurpose } from '../platform/dialogFolders';
import { abortSignalOf, withViewProgress } from '../platform/progress';
import { windowInput } from '../platform/userInput';
import type { Services } from '../services';
import { planUploads, runUploads, type ConflictAnswer, type UploadReport } from './uploads';

/** Files above this size are opened only after the user agrees. */
export const OPEN_CONFIRM_BYTES = 4 * 1024 * 1024;

type StorageItem = { envKey: string; path: string; folder: boolean };

async function storageOf(s: Services, envKey: string): Promise<StorageApi> {
  return withViewProgress(() => s.model.storageOf(envKey));
}

/**
 * The folder a command uploads into or creates in: the node's, a file's parent, or, from the
 * palette, a chosen environment's folder the user picks (the root or one of its folders).
 */
async function folderTarget(s: Services, node: unknown): Promise<StorageLocation> {
  if (node instanceof StorageAreaNode || node instanceof StorageFolderNode) return { envKey: node.envKey, prefix: node.prefix };
  if (node instanceof StorageFileNode) return { envKey: node.envKey, prefix: node.parent.prefix };
  if (node instanceof EnvironmentNode) return { envKey: node.envKey, prefix: '' };
  const env = await pickEnvironment(s);
  return { envKey: env.key, prefix: await pickStorageFolder(s, env.key) };
}

/** A storage folder of the environment: the root, one of its folders, or a path typed in. */
async function pickStorageFolder(s: Services, envKey: string): Promise<string> {
  type Choice = vscode.QuickPickItem & { prefix?: string };
  const storage = await storageOf(s, envKey);
  const folders = (await withViewProgress(() => storage.list('', { limit: 200 }))).items.filter((e) => e.kind === 'folder');
  const typed: Choice = { label: `$(edit) ${vscode.l10n.t('Another folder…')}`, alwaysShow: true };
  const chosen = await s.prompts.ui.pick<Choice>(
    [{ label: '/', description: vscode.l10n.t('The storage root'), prefix: '' }, ...folders.map((f) => ({ label: f.path, prefix: f.path })), typed],
    { title: vscode.l10n.t('Upload into which storage folder?'), placeHolder: vscode.l10n.t('Storage folder') },
  );
  if (chosen.prefix !== undefined) return chosen.prefix;
  const path = await s.prompts.ui.input({
    title: vscode.l10n.t('Upload into which storage folder?'),
    prompt: vscode.l10n.t('Path of the folder in storage (created if it does not exist)'),
    placeHolder: 'avatars/2026/',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().replace(/^\/+|\/+$/g, '') === '' ? vscode.l10n.t('Enter a path.') : undefined),
  });
  return `${path.trim().replace(/^\/+|\/+$/g, '')}/`;
}

/** Opens a file dialog where this kind of dialog was last used (else the workspace folder) and remembers the choice. */
async function pickLocal<T extends vscode.Uri | vscode.Uri[]>(s: Services, purpose: DialogPurpose, ask: (defaultUri: vscode.Uri | undefined) => Promise<T>): Promise<T> {
  const chosen = await ask(s.dialogs.defaultUri(purpose));
  const first: vscode.Uri | undefined = Array.isArray(chosen) ? chosen[0] : (chosen as vscode.Uri);
  if (first) await s.dialogs.remember(purpose, first);
  return chosen;
}

/** The files and folders a command acts on: the multi-selection, the clicked node, or a typed path. */
async function itemTargets(s: Services, node: unknown, selected: unknown, fileOnly: boolean): Promise<StorageItem[]> {
  // The Delete key passes { fromSelection: true }: the tree's selection is the target, or nothing is.
  const fromKey = isFromSelection(node);
  const candidates = fromKey ? [...s.view.selection] : Array.isArray(selected) && selected.length > 0 ? selected : [node];
  const nodes = candidates.filter(
    (n): n is StorageFileNode | StorageFolderNode => n instanceof StorageFileNode || (!fileOnly && n instanceof StorageFolderNode),
  );
  // A selection spanning environments acts on the first one's items only.
  if (nodes.length > 0) {
    return nodes
      .filter((n) => n.envKey === nodes[0].envKey)
      .map((n) => (n instanceof StorageFileNode ? { envKey: n.envKey, path: n.path, folder: false } : { envKey: n.envKey, path: n.prefix, folder: true }));
  }
  if (fromKey) return [];
  const env = await pickEnvironment(s);
  const path = await s.prompts.ui.input({
    title: vscode.l10n.t('Storage path'),
    prompt: fileOnly ? vscode.l10n.t('Path of the file in storage') : vscode.l10n.t('Path of the file or folder (ending with /) in storage'),
    placeHolder: 'avatars/user-01.svg',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a path.') : undefined),
  });
  return [{ envKey: env.key, path: path.trim(), folder: path.trim().endsWith('/') }];
}

/** The folder's entries changed: the tree redraws that folder (explorerChanges.ts). */
function folderChanged(s: Services, envKey: string, prefix: string): void {
  s.changes.changed({ envKey, area: 'storage', prefix });
}

async function askConflict(s: Services, key: string, remaining: number): Promise<ConflictAnswer> {
  type Choice = vscode.QuickPickItem & { answer: ConflictAnswer };
  const items: Choice[] = [
    { label: vscode.l10n.t('Replace'), answer: { choice: 'replace', forAll: false } },
    { label: vscode.l10n.t('Skip'), answer: { choice: 'skip', forAll: false } },
    { label: vscode.l10n.t('Keep both'), answer: { choice: 'keepBoth', forAll: false } },
  ];
  if (remaining > 1) {
    items.push(
      { label: vscode.l10n.t('Replace all'), answer: { choice: 'replace', forAll: true } },
      { label: vscode.l10n.t('Skip all'), answer: { choice: 'skip', forAll: true } },
      { label: vscode.l10n.t('Keep both for all'), answer: { choice: 'keepBoth', forAll: true } },
    );
  }
  const chosen = await s.prompts.ui.pick(items, {
    title: vscode.l10n.t('"{0}" already exists', key),
    placeHolder: vscode.l10n.t('Replace it, skip it, or keep both?'),
    ignoreFocusOut: true,
  });
  return chosen.answer;
}

/** Uploads local files and folders into a storage folder, with a cancellable notification. */
export async function uploadInto(s: Services, target: StorageLocation, uris: readonly vscode.Uri[]): Promise<UploadReport> {
  const localPaths = uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  if (localPaths.length === 0) throw new StudioError('InvalidArgument', 'Only files on this machine can be uploaded.');
  const storage = await storageOf(s, target.envKey);
  const items = await planUploads(localPaths, target.prefix);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Uploading to storage'), cancellable: true },
    (progress, token) => {
      const step = items.length === 0 ? 0 : 100 / items.length;
      return runUploads(storage, items, {
        ask: (key, remaining) => askConflict(s, key, remaining),
        onProgress: (done, total, item) => progress.report({ increment: step, message: vscode.l10n.t('{0} of {1}: {2}', done, total, item.key) }),
        signal: abortSignalOf(token),
      });
    },
  ).then(
    (r) => r,
    (e: unknown) => {
      // Files sent before a cancel are there: the tree shows them.
      folderChanged(s, target.envKey, target.prefix);
      throw e;
    },
  );
  s.log.info(`Uploaded ${report.uploaded.length + report.replaced.length} files to ${target.envKey} storage ${target.prefix || '/'} (${report.replaced.length} replaced, ${report.skipped.length} skipped)`);
  folderChanged(s, target.envKey, target.prefix);
  const sent = report.uploaded.length + report.replaced.length;
  vscode.window.setStatusBarMessage(sent === 1 ? vscode.l10n.t('Uploaded 1 file') : vscode.l10n.t('Uploaded {0} files', sent), 4000);
  return report;
}

const isUriList = (value: unknown): value is vscode.Uri[] => Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof vscode.Uri);

export function registerStorageCommands(commands: CommandRegistry, s: Services): void {
  // A second argument of URIs (tests, other extensions) skips the dialog.
  commands.register(CommandId.uploadFiles, async (node?: unknown, uris?: unknown) => {
    const target = await folderTarget(s, node);
    const ui = s.prompts.ui.pickFiles ? s.prompts.ui : windowInput;
    const chosen = isUriList(uris) ? uris : await pickLocal(s, 'upload', (defaultUri) => ui.pickFiles!({ defaultUri, openLabel: vscode.l10n.t('Upload') }));
    await uploadInto(s, target, chosen);
  });

  commands.register(CommandId.uploadFolder, async (node?: unknown, uris?: unknown) => {
    const target = await folderTarget(s, node);
    const chosen = isUriList(uris) ? uris : [await pickLocal(s, 'upload', (defaultUri) => s.prompts.ui.pickFolder({ defaultUri, openLabel: vscode.l10n.t('Upload') }))];
    await uploadInto(s, target, chosen);
  });

  commands.register(CommandId.createStorageFolder, async (node?: unknown) => {
    const target = await folderTarget(s, node);
    const name = (
      await s.prompts.ui.input({
        title: vscode.l10n.t('New Folder'),
        prompt: vscode.l10n.t('Name of the new folder in {0}', target.prefix || '/'),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a name.') : undefined),
      })
    ).trim();
    const storage = await storageOf(s, target.envKey);
    await withViewProgress(() => storage.createFolder(`${target.prefix}${name.replace(/\/+$/, '')}/`));
    folderChanged(s, target.envKey, target.prefix);
  });

  commands.register(CommandId.deleteStorage, async (node?: unknown, selected?: unknown) => {
    const items = await itemTargets(s, node, selected, false);
    if (items.length === 0) return;
    const envKey = items[0].envKey;
    const storage = await storageOf(s, envKey);
    const files = new Set<string>();
    for (const item of items) {
      if (item.folder) for (const f of await withViewProgress(() => storage.listFiles(item.path))) files.add(f);
      else files.add(item.path);
    }
    const what = items.length === 1 ? items[0].path : vscode.l10n.t('{0} items', items.length);
    await s.prompts.ui.confirm(
      vscode.l10n.t('Delete {0} from storage?', what),
      vscode.l10n.t('Delete'),
      files.size === 1 ? vscode.l10n.t('1 file will be deleted. This cannot be undone.') : vscode.l10n.t('{0} files will be deleted. This cannot be undone.', files.size),
    );
    const deleted = await withViewProgress(() => storage.delete(items.map((i) => i.path)));
    s.log.info(`Deleted ${deleted} files from ${envKey} storage`);
    const parents = new Set(items.map((i) => (i.folder ? i.path.replace(/[^/]*\/$/, '') : i.path.replace(/[^/]*$/, ''))));
    for (const prefix of parents) folderChanged(s, envKey, prefix);
  });

  commands.register(CommandId.downloadStorage, async (node?: unknown, selected?: unknown) => {
    const items = await itemTargets(s, node, selected, false);
    const destination = await pickLocal(s, 'download', (defaultUri) =>
      s.prompts.ui.pickFolder({ defaultUri, openLabel: vscode.l10n.t('Download Here'), title: vscode.l10n.t('Download to…') }),
    );
    const storage = await storageOf(s, items[0].envKey);
    const jobs: { path: string; local: string }[] = [];
    for (const item of items) {
      const base = item.path.replace(/[^/]*\/?$/, '');
      const keys = item.folder ? await withViewProgress(() => storage.listFiles(item.path)) : [item.path];
      for (const key of keys) jobs.push({ path: key, local: join(destination.fsPath, ...key.slice(base.length).split('/')) });
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading from storage'), cancellable: true },
      async (progress, token) => {
        const signal = abortSignalOf(token);
        for (const [index, job] of jobs.entries()) {
          await storage.download(job.path, job.local, signal);
          progress.report({ increment: 100 / jobs.length, message: vscode.l10n.t('{0} of {1}: {2}', index + 1, jobs.length, job.path) });
        }
      },
    );
    s.log.info(`Downloaded ${jobs.length} files to ${destination.fsPath}`);
    vscode.window.setStatusBarMessage(jobs.length === 1 ? vscode.l10n.t('Downloaded 1 file') : vscode.l10n.t('Downloaded {0} files', jobs.length), 4000);
  });

  commands.register(CommandId.copyFileId, async (node?: unknown) => {
    const [item] = await itemTargets(s, node, undefined, true);
    const id = (await storageOf(s, item.envKey)).fileId(item.path);
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied file ID: {0}', id), 3000);
  });

  commands.register(CommandId.copyTemporaryUrl, async (node?: unknown) => {
    const [item] = await itemTargets(s, node, undefined, true);
    const storage = await storageOf(s, item.envKey);
    const url = await withViewProgress(() => storage.getTemporaryUrl(item.path));
    await vscode.env.clipboard.writeText(url);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied a temporary URL (valid for 2 hours)'), 3000);
  });

  commands.register(CommandId.openStorageFile, async (node?: unknown) => {
    const [item] = await itemTargets(s, node, undefined, true);
    const storage = await storageOf(s, item.envKey);
    const info = await withViewProgress(() => storage.stat(item.path));
    if (!info) throw new StudioError('FileNotFound', `No file at "${item.path}".`);
    if ((info.size ?? 0) > OPEN_CONFIRM_BYTES) {
      await s.prompts.ui.confirm(vscode.l10n.t('"{0}" is {1} MB. Open it anyway?', info.name, ((info.size ?? 0) / 1024 / 1024).toFixed(1)), vscode.l10n.t('Open'));
    }
    // Opened on cloudbase-storage:, so a save goes back to storage (checked against what was read).
    const uri = s.storageFiles.uriFor({ envKey: item.envKey, path: item.path });
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open && !open.isDirty) s.storageFiles.reload(uri);
    await vscode.commands.executeCommand('vscode.open', uri, { preview: true, preserveFocus: node instanceof StorageFileNode });
  });
}
