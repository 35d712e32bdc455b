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
  /** The regions whose Tencent CloudBase environments are listed (Cloud APIs are regional). */
  tencentRegions(): string[] {
    const value = vscode.workspace.getConfiguration('cloudbase').get<unknown>('tencent.regions');
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string' && r.trim() !== '') : [];
  },
  /** An HTTP proxy for Tencent Cloud requests (a CONNECT tunnel); empty for none. */
  tencentProxy(): string | undefined {
    return vscode.workspace.getConfiguration('cloudbase').get<string>('tencent.proxy')?.trim() || undefined;
  },
  /** Every timer trigger of the local environments waits while this is on. */
  timersPaused(): boolean {
    return vscode.workspace.getConfiguration('cloudbase').get<boolean>('local.timersPaused', false);
  },
  /** What auto-save does with a document opened as JSON: write it once it is valid JSON, or never. */
  documentAutoSave(): 'onValidJson' | 'explicitOnly' {
    return vscode.workspace.getConfiguration('cloudbase').get<string>('documents.autoSave') === 'explicitOnly' ? 'explicitOnly' : 'onValidJson';
  },
  autoStart(): boolean {
    return vscode.workspace.getConfiguration('cloudbase').get<boolean>('local.autoStart', true);
  },
};
