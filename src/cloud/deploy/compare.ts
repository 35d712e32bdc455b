/** Which files of a function folder differ from a deployed package (vscode-free, for Compare with Deployed). */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { PackedFile } from './packager';
import type { ZipEntryData } from './unzip';

export interface PackageDifference {
  path: string;
  /** `added`: only in the folder; `removed`: only deployed; `modified`: both, other bytes. */
  kind: 'added' | 'removed' | 'modified';
}

export async function comparePackage(folder: string, local: readonly PackedFile[], deployed: readonly ZipEntryData[]): Promise<PackageDifference[]> {
  const deployedByPath = new Map(deployed.map((e) => [e.path, e.data]));
  const localPaths = new Set(local.map((f) => f.path));
  const out: PackageDifference[] = [];
  for (const path of [...new Set([...localPaths, ...deployedByPath.keys()])].sort()) {
    const theirs = deployedByPath.get(path);
    if (!localPaths.has(path)) out.push({ path, kind: 'removed' });
    else if (!theirs) out.push({ path, kind: 'added' });
    else if (!(await fs.readFile(join(folder, path))).equals(theirs)) out.push({ path, kind: 'modified' });
  }
  return out;
}
