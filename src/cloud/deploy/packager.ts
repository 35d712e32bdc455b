/**
 * Packs a function folder into the zip CloudBase deploys. The zip is deterministic (files in path
 * order, one fixed timestamp, fixed modes) and the content hash covers only paths and bytes, so an
 * unchanged folder hashes the same whatever its files' modification times. yazl writes the zip:
 * it streams, needs no native code and is what vsce itself uses.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { StudioError, throwIfAborted } from '../../shared/errors';
import { resolveHandler } from '../../project/functions/handler';
import { compileForDeploy, isTypeScriptFile, TS_CACHE_FOLDER } from '../../project/functions/typescript';
import { loadIgnoreRules, type IgnoreOptions } from './ignore-rules';

/** Past this, deploying gets a warning (packages this large upload slowly and start cold slowly). */
export const LARGE_PACKAGE_BYTES = 20 * 1024 * 1024;
/** Tencent's inline ZipFile limit; larger packages go through the upload path. */
export const INLINE_ZIP_BYTES = 1.5 * 1024 * 1024;
/** A mini program's wx.cloud.callFunction gives up after 20 s whatever the function's own timeout. */
export const CLIENT_TIMEOUT_SECONDS = 20;

/** What the UI shows before or after a deploy; data, so each front end words it itself. */
export type DeployWarning =
  | { code: 'LargePackage'; bytes: number; limitBytes: number }
  | { code: 'TimeoutOverClientLimit'; timeoutSeconds: number; limitSeconds: number }
  | { code: 'DeployedCodeChanged'; functionName: string }
  | { code: 'SettingsWarning'; message: string };

export interface PackedFile {
  /** Forward slashes, relative to the function folder. */
  path: string;
  size: number;
}

export interface PackedFunction {
  zip: Buffer;
  /** sha256 over the packed paths and bytes, hex. */
  contentHash: string;
  files: PackedFile[];
  /** The files' total size before compression. */
  totalBytes: number;
  warnings: DeployWarning[];
}

export interface PackOptions extends IgnoreOptions {
  signal?: AbortSignal;
  /** The function's handler (default `index.main`): a TypeScript handler module is packed compiled. */
  handler?: string;
}

/** Files in the folder that the rules keep, sorted by path; symlinks are followed, loops skipped. */
export async function listPackageFiles(folder: string, options: PackOptions = {}): Promise<PackedFile[]> {
  const rules = await loadIgnoreRules(folder, options);
  const out: PackedFile[] = [];
  const seen = new Set<string>();
  async function walk(dir: string, prefix: string): Promise<void> {
    throwIfAborted(options.signal);
    const real = await fs.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const rel = `${prefix}${entry.name}`;
      const full = join(dir, entry.name);
      const stat = entry.isSymbolicLink() ? await fs.stat(full).catch(() => undefined) : undefined;
      const isDir = entry.isDirectory() || stat?.isDirectory() === true;
      const isFile = entry.isFile() || stat?.isFile() === true;
      if (isDir) {
        if (!rules.ignores(`${rel}/`)) await walk(full, `${rel}/`);
      } else if (isFile && !rules.ignores(rel)) {
        out.push({ path: rel, size: stat?.size ?? (await fs.stat(full)).size });
      }
    }
  }
  try {
    if (!(await fs.stat(folder)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new StudioError('FunctionNotFound', `There is no function folder at ${folder}.`);
  }
  await walk(folder, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Zip timestamps are fixed so equal contents make equal zips (and equal CodeSha256 where the cloud keeps the zip). */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

/**
 * A TypeScript handler: the package holds its compiled JavaScript as `<handler module>.js` in
 * place of the .ts files (and never the local compile cache), since the cloud runs JavaScript.
 */
async function withCompiledTypeScript(folder: string, files: PackedFile[], handler: string): Promise<{ files: PackedFile[]; generated?: { path: string; data: Buffer } }> {
  const resolved = await resolveHandler(folder, handler);
  if (!resolved.file || !isTypeScriptFile(resolved.file)) return { files };
  const dot = handler.lastIndexOf('.');
  const path = `${dot > 0 ? handler.slice(0, dot) : 'index'}.js`;
  const data = Buffer.from(await compileForDeploy(folder, resolved.file));
  const cache = `${TS_CACHE_FOLDER}/`;
  const kept = files.filter((f) => !isTypeScriptFile(f.path) && f.path !== path && !f.path.startsWith(cache));
  kept.push({ path, size: data.length });
  return { files: kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), generated: { path, data } };
}

export async function packFunction(folder: string, options: PackOptions = {}): Promise<PackedFunction> {
  const { files, generated } = await withCompiledTypeScript(folder, await listPackageFiles(folder, options), options.handler ?? 'index.main');
  if (files.length === 0) throw new StudioError('InvalidArgument', `Nothing to deploy in ${folder}: every file is ignored.`);
  const hash = createHash('sha256');
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  let totalBytes = 0;
  for (const f of files) {
    throwIfAborted(options.signal);
    const data = generated && f.path === generated.path ? generated.data : await fs.readFile(join(folder, f.path));
    // Length-prefixed so that no two different file sets hash alike.
    hash.update(`${Buffer.byteLength(f.path)}:${f.path}\n${data.length}:`).update(data);
    totalBytes += data.length;
    zip.addBuffer(data, f.path, { mtime: FIXED_MTIME, mode: 0o100644 });
  }
  zip.end();
  const buffer = await done;
  const warnings: DeployWarning[] = [];
  if (buffer.length > LARGE_PACKAGE_BYTES || totalBytes > LARGE_PACKAGE_BYTES) {
    warnings.push({ code: 'LargePackage', bytes: Math.max(buffer.length, totalBytes), limitBytes: LARGE_PACKAGE_BYTES });
  }
  return { zip: buffer, contentHash: hash.digest('hex'), files, totalBytes, warnings };
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
