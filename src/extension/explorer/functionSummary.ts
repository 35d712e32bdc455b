/**
 * What a function node says about a function: the tooltip's lines and the file a click opens.
 * Labels come from the node (localized there). No vscode import, so it is unit-tested in plain Node.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionInfo } from '../../shared/model';

export interface FunctionTooltipLabels {
  runtime: string;
  timeout: string;
  memory: string;
  handler: string;
  folder: string;
  handlerMissing: string;
  dependenciesMissing: string;
  warnings: string;
}

export function functionTooltip(info: FunctionInfo, labels: FunctionTooltipLabels): string {
  const lines = [info.name];
  if (info.runtime) lines.push(`${labels.runtime}: ${info.runtime}`);
  if (info.timeoutSeconds !== undefined) lines.push(`${labels.timeout}: ${info.timeoutSeconds} s`);
  if (info.memoryMB !== undefined) lines.push(`${labels.memory}: ${info.memoryMB} MB`);
  if (info.handler) lines.push(`${labels.handler}: ${info.handler}`);
  if (info.folder) lines.push(`${labels.folder}: ${info.folder}`);
  if (info.status === 'HandlerMissing') lines.push(`⚠ ${labels.handlerMissing}`);
  if (info.status === 'DependenciesMissing') lines.push(`⚠ ${labels.dependenciesMissing}`);
  if (info.warnings && info.warnings.length > 0) lines.push(`${labels.warnings}:`, ...info.warnings.map((w) => `  ${w}`));
  return lines.join('\n');
}

/**
 * The handler's module (`index.main` → index.js, else .mjs, .cjs as the runtime looks for them), or
 * undefined when the folder is unknown or no such file exists; a TypeScript function opens its .ts module.
 */
export function handlerFile(info: FunctionInfo): string | undefined {
  if (!info.folder || info.status === 'HandlerMissing') return undefined;
  const handler = info.handler ?? 'index.main';
  const dot = handler.lastIndexOf('.');
  const module = join(info.folder, dot > 0 ? handler.slice(0, dot) : 'index');
  return ['.js', '.mjs', '.cjs', '.ts'].map((ext) => module + ext).find((file) => existsSync(file));
}
