/**
 * The deployed side of Compare with Deployed, read-only: the unpacked copy is shown through a file
 * system registered as read-only, so its editors refuse typing and saving (file modes alone only
 * lock a file that VS Code lets the user unlock, and mean nothing to root).
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';

export const DEPLOYED_SCHEME = 'cloudbase-deployed';

export function deployedUri(file: string): vscode.Uri {
  return vscode.Uri.file(file).with({ scheme: DEPLOYED_SCHEME });
}

function notFound(uri: vscode.Uri, e: unknown): never {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw vscode.FileSystemError.FileNotFound(uri);
  throw e;
}

class DeployedFiles implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  watch(): vscode.Disposable {
    // The unpacked copy never changes after it is written.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const s = await fs.stat(uri.fsPath).catch((e: unknown) => notFound(uri, e));
    return {
      type: s.isDirectory() ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: s.ctimeMs,
      mtime: s.mtimeMs,
      size: s.size,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const entries = await fs.readdir(uri.fsPath, { withFileTypes: true }).catch((e: unknown) => notFound(uri, e));
    return entries.map((e) => [e.name, e.isDirectory() ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return fs.readFile(uri.fsPath).catch((e: unknown) => notFound(uri, e));
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

export function registerDeployedFiles(): vscode.Disposable {
  return vscode.workspace.registerFileSystemProvider(DEPLOYED_SCHEME, new DeployedFiles(), { isReadonly: true, isCaseSensitive: true });
}
