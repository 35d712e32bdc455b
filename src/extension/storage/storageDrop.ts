/**
 * Drops onto the Storage area or a storage folder: files and folders from VS Code's Explorer or
 * the operating system arrive as `text/uri-list` and are uploaded there (dropped on a file, into
 * its folder). The tree offers nothing to drag out.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { StorageAreaNode, StorageFileNode, StorageFolderNode } from '../explorer/nodes/storageNodes';
import type { ErrorReporter } from '../platform/errorReporter';
import type { Services } from '../services';
import { uploadInto } from './storageCommands';

const URI_LIST = 'text/uri-list';

export class StorageDropController implements vscode.TreeDragAndDropController<ExplorerNode> {
  readonly dropMimeTypes = [URI_LIST];
  readonly dragMimeTypes: string[] = [];

  constructor(
    /** The services exist once the view does; drops only happen after that. */
    private readonly services: () => Services,
    private readonly errors: ErrorReporter,
  ) {}

  async handleDrop(target: ExplorerNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const folder = target instanceof StorageFileNode ? target.parent : target;
    if (!(folder instanceof StorageAreaNode || folder instanceof StorageFolderNode)) return;
    const text = await data.get(URI_LIST)?.asString();
    if (!text || token.isCancellationRequested) return;
    const uris = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => vscode.Uri.parse(line));
    if (uris.length === 0) return;
    try {
      await uploadInto(this.services(), { envKey: folder.envKey, prefix: folder.prefix }, uris);
    } catch (e) {
      this.errors.report(e, { what: 'storage drop' });
    }
  }
}
