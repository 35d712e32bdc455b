/**
 * Storage files opened in an editor, on `cloudbase-storage:/<environment>/<path>`:
 * a save goes back to storage. Storage keeps no version, so a save first reads what is stored and
 * writes only while it is still what the editor read; otherwise nothing is written and the user
 * picks Overwrite or Reload while the save waits (the same promise documents make).
 */
import * as vscode from 'vscode';
import type { StorageApi } from '../../cloud/backend';
import { StudioError, isStudioError } from '../../shared/errors';
import type { EnvironmentRegistry } from '../environments/registry';
import { environmentOfSegment, environmentSegment, escapeSegment, type NamedEnvironment } from '../documents/documentAddress';
import { namedEnvironments } from '../documents/documentFileSystem';
import { afterSave } from '../platform/afterSave';
import { readableSaveError } from '../platform/errorMessages';
import type { Prompts } from '../platform/userInput';

export const STORAGE_SCHEME = 'cloudbase-storage';

export interface StorageFileAddress {
  envKey: string;
  path: string;
}

/** `/<environment>/<path>`, the environment named as in document paths (its label). */
export function storagePath(address: StorageFileAddress, known: readonly NamedEnvironment[]): string {
  return `/${environmentSegment(address.envKey, known)}/${address.path.split('/').map(escapeSegment).join('/')}`;
}

export function parseStoragePath(path: string, known: readonly NamedEnvironment[]): StorageFileAddress {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  const envKey = match ? environmentOfSegment(match[1], known) : undefined;
  if (!match || envKey === undefined) throw new StudioError('InvalidPath', `Not a storage file: ${path}`);
  try {
    return { envKey, path: match[2].split('/').map(decodeURIComponent).join('/') };
  } catch (e) {
    throw new StudioError('InvalidPath', `Not a storage file: ${path}`, { cause: e });
  }
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

export class StorageFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** The bytes each editor read or last wrote: what a save expects storage still to hold. */
  private readonly baselines = new Map<string, Uint8Array>();
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly registry: EnvironmentRegistry,
    private readonly prompts: Prompts,
    private readonly onWritten: (address: StorageFileAddress) => void = () => undefined,
  ) {}

  static register(registry: EnvironmentRegistry, prompts: Prompts, onWritten?: (address: StorageFileAddress) => void): { files: StorageFileSystem; registration: vscode.Disposable } {
    const files = new StorageFileSystem(registry, prompts, onWritten);
    return { files, registration: vscode.Disposable.from(vscode.workspace.registerFileSystemProvider(STORAGE_SCHEME, files, { isCaseSensitive: true }), files) };
  }

  dispose(): void {
    this.changed.dispose();
  }

  uriFor(address: StorageFileAddress): vscode.Uri {
    return vscode.Uri.from({ scheme: STORAGE_SCHEME, path: storagePath(address, namedEnvironments(this.registry)) });
  }

  private async storage(address: StorageFileAddress): Promise<StorageApi> {
    const storage = (await this.registry.backend(address.envKey)).storage;
    if (!storage) throw new StudioError('NotSupported', vscode.l10n.t('This environment has no storage.'));
    return storage;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    this.address(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: this.versions.get(uri.toString()) ?? 1, size: this.baselines.get(uri.toString())?.byteLength ?? 0 };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const address = this.address(uri);
    const storage = await this.storage(address);
    if (!(await storage.stat(address.path))) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('"{0}" is not in storage.', address.path));
    const bytes = await storage.readFile(address.path);
    this.baselines.set(uri.toString(), bytes);
    return bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    try {
      await this.write(uri, content);
    } catch (e) {
      throw readableSaveError(e);
    }
  }

  private async write(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const address = this.address(uri);
    const key = uri.toString();
    const storage = await this.storage(address);
    const stored = (await storage.stat(address.path)) ? await storage.readFile(address.path) : undefined;
    if (!sameBytes(stored, this.baselines.get(key))) {
      const choice = await this.askConflict(address, stored !== undefined);
      if (choice === 'reload') {
        afterSave(uri, () => this.reload(uri));
        return;
      }
      if (choice !== 'overwrite') {
        throw new StudioError('Conflict', vscode.l10n.t('"{0}" changed in storage since it was opened; nothing was written.', address.path));
      }
    }
    await storage.upload(address.path, { data: content }, { overwrite: true });
    this.baselines.set(key, content);
    this.bump(uri);
    this.onWritten(address);
  }

  private async askConflict(address: StorageFileAddress, exists: boolean): Promise<'overwrite' | 'reload' | undefined> {
    const overwrite = { label: vscode.l10n.t('Overwrite'), detail: vscode.l10n.t('Replace the stored file with your edit') };
    const reload = { label: vscode.l10n.t('Reload'), detail: vscode.l10n.t('Discard your edit and show the stored file') };
    try {
      const choice = await this.prompts.ui.pick(exists ? [overwrite, reload] : [overwrite], {
        title: exists ? vscode.l10n.t('"{0}" changed in storage since it was opened', address.path) : vscode.l10n.t('"{0}" was deleted from storage since it was opened', address.path),
        placeHolder: vscode.l10n.t('Choose how to resolve the conflict'),
        ignoreFocusOut: true,
      });
      return choice === overwrite ? 'overwrite' : 'reload';
    } catch (e) {
      if (!isStudioError(e, 'Cancelled')) throw e;
      return undefined;
    }
  }

  private bump(uri: vscode.Uri): void {
    this.versions.set(uri.toString(), (this.versions.get(uri.toString()) ?? 1) + 1);
  }

  /** Makes VS Code reread a clean editor. */
  reload(uri: vscode.Uri): void {
    this.bump(uri);
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  private address(uri: vscode.Uri): StorageFileAddress {
    try {
      return parseStoragePath(uri.path, namedEnvironments(this.registry));
    } catch {
      throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('{0} is not a CloudBase storage file.', uri.path));
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Create storage folders from the CloudBase view.'));
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Delete storage files from the CloudBase view.'));
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Storage files cannot be renamed from an editor.'));
  }
}
