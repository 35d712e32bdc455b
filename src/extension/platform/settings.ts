import * as vscode from 'vscode';
import { clampPageSize } from '../explorer/explorerModel';

/** Typed access to the settings declared in package.json `contributes.configuration`. */
export const settings = {
  pageSize(): number {
    return clampPageSize(vscode.workspace.getConfiguration('cloudbase').get<number>('explorer.pageSize'));
  },
  /** Per folder: a project may keep its data elsewhere. */
  dataDirectory(projectRoot: string): string | undefined {
    return vscode.workspace.getConfiguration('cloudbase', vscode.Uri.file(projectRoot)).get<string>('local.dataDirectory');
  },
  autoStart(): boolean {
    return vscode.workspace.getConfiguration('cloudbase').get<boolean>('local.autoStart', true);
  },
};
