/**
 * A snapshot as one file: a zip (yazl writes, yauzl reads, both streaming, so a large database
 * never sits in memory) of the snapshot's folder. Import refuses entries that would land outside
 * the snapshot and names the snapshot after its manifest.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open as openZip, type Entry, type ZipFile as ZipReader } from 'yauzl';
import { ZipFile } from 'yazl';
import { StudioError, messageOf } from '../../shared/errors';
import { MANIFEST_FILE, checkSnapshotName, readManifest, type SnapshotManifest } from './snapshots';

/** Writes the snapshot `name` of `folder` to `zipFile`. */
export async function exportSnapshot(folder: string, name: string, zipFile: string): Promise<void> {
  const dir = join(folder, checkSnapshotName(name));
  if (!(await readManifest(dir))) throw new StudioError('FileNotFound', `There is no snapshot named "${name}".`);
  const files = (await fs.readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile());
  const zip = new ZipFile();
  for (const f of files) {
    const path = join(f.parentPath ?? f.path, f.name);
    zip.addFile(path, relative(dir, path).split(sep).join('/'));
  }
  zip.end();
  const partial = `${zipFile}.partial`;
  try {
    await pipeline(zip.outputStream, createWriteStream(partial));
    await fs.rename(partial, zipFile);
  } catch (e) {
    await fs.rm(partial, { force: true });
    throw e;
  }
}

function open(zipFile: string): Promise<ZipReader> {
  return new Promise((resolvePromise, reject) => {
    openZip(zipFile, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(new StudioError('InvalidArgument', `${zipFile} is not a readable zip: ${messageOf(err)}`, { cause: err }));
      else resolvePromise(zip);
    });
  });
}

async function extract(zipFile: string, into: string): Promise<void> {
  const root = resolve(into);
  const zip = await open(zipFile);
  await new Promise<void>((resolvePromise, reject) => {
    const fail = (e: unknown): void => {
      zip.close();
      reject(e);
    };
    zip.on('entry', (entry: Entry) => {
      const target = resolve(root, entry.fileName);
      if (!target.startsWith(root + sep)) return fail(new StudioError('InvalidPath', `The entry "${entry.fileName}" points outside the snapshot.`));
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('no stream'));
        fs.mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target)))
          .then(() => zip.readEntry(), fail);
      });
    });
    zip.on('end', () => resolvePromise());
    zip.on('error', fail);
    zip.readEntry();
  });
}

/** Unpacks an exported snapshot into `folder`; refuses one whose name is taken. */
export async function importSnapshot(folder: string, zipFile: string): Promise<SnapshotManifest> {
  await fs.mkdir(folder, { recursive: true });
  const staging = join(folder, `.importing-${process.pid}-${Date.now()}`);
  try {
    await extract(zipFile, staging);
    const manifest = await readManifest(staging);
    if (!manifest) throw new StudioError('InvalidArgument', `${zipFile} is not an exported snapshot: it has no ${MANIFEST_FILE}.`);
    const name = checkSnapshotName(manifest.name);
    const target = join(folder, name);
    if (await readManifest(target)) throw new StudioError('Conflict', `A snapshot named "${name}" exists already: delete or rename it first.`);
    await fs.rename(staging, target);
    return manifest;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
