/**
 * Reads a deployed package back: the entries of a zip in memory (yauzl, the reader paired with
 * yazl, validating entry names) and their extraction into a folder, refusing any entry that would
 * land outside it.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { StudioError } from '../../shared/errors';

export interface ZipEntryData {
  path: string;
  data: Buffer;
}

/** Past this total, a package is refused rather than inflated into memory. */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

function openZip(zip: Uint8Array): Promise<ZipFile> {
  return new Promise((resolvePromise, reject) => {
    fromBuffer(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), { lazyEntries: true, validateEntrySizes: true }, (err, file) => {
      if (err || !file) reject(new StudioError('InvalidArgument', `The package is not a readable zip: ${err?.message ?? 'no entries'}`, { cause: err }));
      else resolvePromise(file);
    });
  });
}

function readEntry(file: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    file.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolvePromise(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

/** The files of a zip (folders left out), in the zip's order. */
export async function readZip(zip: Uint8Array): Promise<ZipEntryData[]> {
  const file = await openZip(zip);
  const out: ZipEntryData[] = [];
  let total = 0;
  return new Promise((resolvePromise, reject) => {
    const fail = (e: unknown): void => {
      file.close();
      reject(e instanceof StudioError ? e : new StudioError('InvalidArgument', `The package could not be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    };
    file.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) return file.readEntry();
      total += entry.uncompressedSize;
      if (total > MAX_UNPACKED_BYTES) return fail(new StudioError('InvalidArgument', 'The package unpacks to more than 512 MB.'));
      readEntry(file, entry).then((data) => {
        out.push({ path: entry.fileName, data });
        file.readEntry();
      }, fail);
    });
    file.on('end', () => resolvePromise(out));
    file.on('error', fail);
    file.readEntry();
  });
}

/** Writes the zip's files under `folder` (created if needed); returns the paths written. */
export async function extractZip(zip: Uint8Array, folder: string): Promise<string[]> {
  const root = resolve(folder);
  const entries = await readZip(zip);
  for (const e of entries) {
    const target = resolve(root, e.path);
    if (!target.startsWith(root + sep)) throw new StudioError('InvalidPath', `The package entry "${e.path}" points outside its folder.`);
  }
  await fs.mkdir(root, { recursive: true });
  for (const e of entries) {
    const target = join(root, e.path);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.writeFile(target, e.data);
  }
  return entries.map((e) => e.path);
}
