/**
 * A collection on disk: a snapshot (`<stem>.snapshot`) plus journals (`<stem>.<generation>.journal`)
 * holding every change made after it, one record per line in canonical EJSON:
 *   {"p":[documents…]}   put: insert or replace whole documents
 *   {"d":[ids…]}         delete
 * A record is one operation, so a multi-document write is all or nothing even across a crash.
 *
 * The snapshot's first line names the last journal generation it contains; its last line counts
 * its documents, so a snapshot is known complete. Compaction starts a new journal generation,
 * writes the snapshot to a temporary file, fsyncs it, renames it into place, fsyncs the folder,
 * then deletes the journals the snapshot covers. A crash at any step leaves files that load to
 * the same documents.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';
import type { StoredDocument } from './api';
import { decode, encode } from './codec';
import { readLines, syncFolder } from './files';
import { Journal, writeAll } from './journal';

const SNAPSHOT_FORMAT = 1;

export interface JournalRecord {
  p?: StoredDocument[];
  d?: string[];
}

/** A put record from documents already encoded with `encodeDocument`. */
export function putRecord(encodedDocs: string[]): string {
  return `{"p":[${encodedDocs.join(',')}]}`;
}

export function deleteRecord(ids: string[]): string {
  return encode({ d: ids });
}

export interface LoadedFiles {
  /** Documents sorted by `_id`. */
  documents: StoredDocument[];
  journal: Journal;
  snapshotBytes: number;
  /** Bytes in journals before the current one (they go at the next compaction). */
  olderJournalBytes: number;
}

function snapshotName(stem: string): string {
  return `${stem}.snapshot`;
}

function journalName(stem: string, generation: number): string {
  return `${stem}.${generation}.journal`;
}

/** Files in `folder` that belong to `stem`, by kind. */
async function listFiles(folder: string, stem: string): Promise<{ snapshot: boolean; journals: number[]; temporary: string[] }> {
  const names = await fs.readdir(folder);
  const journals: number[] = [];
  const temporary: string[] = [];
  let snapshot = false;
  const prefix = `${stem}.`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest === 'snapshot') snapshot = true;
    else if (rest === 'snapshot.tmp') temporary.push(name);
    else {
      const m = /^(\d+)\.journal$/.exec(rest);
      if (m) journals.push(Number(m[1]));
    }
  }
  journals.sort((a, b) => a - b);
  return { snapshot, journals, temporary };
}

function damaged(file: string, line: number, cause?: unknown): StudioError {
  return new StudioError('Internal', `The database file ${file} is damaged at line ${line}.`, { cause });
}

async function loadSnapshot(file: string, into: Map<string, StoredDocument>): Promise<{ generation: number; bytes: number }> {
  let generation = -1;
  let expected = -1;
  let count = 0;
  let ended = false;
  const { completeBytes, tailBytes } = await readLines(file, (line, n) => {
    if (ended) throw damaged(file, n);
    let value: unknown;
    try {
      value = decode(line);
    } catch (e) {
      throw damaged(file, n, e);
    }
    if (n === 1) {
      const header = value as { snapshot?: unknown; generation?: unknown };
      if (header?.snapshot !== SNAPSHOT_FORMAT || typeof header.generation !== 'number') throw damaged(file, n);
      generation = header.generation;
      return;
    }
    const v = value as { end?: unknown; _id?: unknown };
    if (typeof v?.end === 'number' && v._id === undefined) {
      expected = v.end;
      ended = true;
      return;
    }
    if (typeof v?._id !== 'string') throw damaged(file, n);
    into.set(v._id, v as StoredDocument);
    count++;
  });
  if (tailBytes !== 0 || !ended || expected !== count) {
    throw new StudioError('Internal', `The database snapshot ${file} is incomplete.`);
  }
  return { generation, bytes: completeBytes };
}

function applyRecord(record: JournalRecord, into: Map<string, StoredDocument>): boolean {
  if (record === null || typeof record !== 'object') return false;
  if (record.d !== undefined) {
    if (!Array.isArray(record.d)) return false;
    for (const id of record.d) into.delete(id);
  }
  if (record.p !== undefined) {
    if (!Array.isArray(record.p)) return false;
    for (const doc of record.p) {
      if (doc === null || typeof doc !== 'object' || typeof doc._id !== 'string') return false;
      into.set(doc._id, doc);
    }
  }
  return record.d !== undefined || record.p !== undefined;
}

/**
 * Replays one journal. A last line without its newline is a write the crash cut short; it was never
 * acknowledged, so it is dropped (and cut off the file so appends start on a clean line).
 */
async function loadJournal(file: string, into: Map<string, StoredDocument>): Promise<number> {
  const { completeBytes, tailBytes } = await readLines(file, (line, n) => {
    let record: JournalRecord;
    try {
      record = decode(line) as JournalRecord;
    } catch (e) {
      throw damaged(file, n, e);
    }
    if (!applyRecord(record, into)) throw damaged(file, n);
  });
  if (tailBytes > 0) {
    const handle = await fs.open(file, 'r+');
    try {
      await handle.truncate(completeBytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return completeBytes;
}

export async function loadCollectionFiles(folder: string, stem: string): Promise<LoadedFiles> {
  const found = await listFiles(folder, stem);
  for (const name of found.temporary) await fs.rm(join(folder, name), { force: true });
  const docs = new Map<string, StoredDocument>();
  let snapshotGeneration = 0;
  let snapshotBytes = 0;
  if (found.snapshot) {
    const s = await loadSnapshot(join(folder, snapshotName(stem)), docs);
    snapshotGeneration = s.generation;
    snapshotBytes = s.bytes;
  }
  let olderJournalBytes = 0;
  let current: { generation: number; bytes: number } | undefined;
  for (const generation of found.journals) {
    const file = join(folder, journalName(stem, generation));
    if (generation <= snapshotGeneration) {
      // Already inside the snapshot: a compaction stopped before deleting it.
      await fs.rm(file, { force: true });
      continue;
    }
    const bytes = await loadJournal(file, docs);
    if (current) olderJournalBytes += current.bytes;
    current = { generation, bytes };
  }
  const generation = current?.generation ?? snapshotGeneration + 1;
  const journal = new Journal(join(folder, journalName(stem, generation)), generation, current?.bytes ?? 0, current !== undefined);

  const documents = [...docs.values()];
  let sorted = true;
  for (let i = 1; i < documents.length && sorted; i++) sorted = documents[i - 1]._id < documents[i]._id;
  if (!sorted) documents.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  return { documents, journal, snapshotBytes, olderJournalBytes };
}

const WRITE_CHUNK = 1024 * 1024;

/**
 * Writes a snapshot of `docs` covering journals up to `generation`, then deletes those journals.
 * Yields to the event loop between chunks so reads and writes go on meanwhile. Returns its size.
 */
export async function writeSnapshot(folder: string, stem: string, generation: number, docs: readonly StoredDocument[]): Promise<number> {
  const file = join(folder, snapshotName(stem));
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, 'w');
  let bytes = 0;
  try {
    let chunk = `${encode({ snapshot: SNAPSHOT_FORMAT, generation })}\n`;
    for (const doc of docs) {
      chunk += `${encode(doc)}\n`;
      if (chunk.length >= WRITE_CHUNK) {
        const data = Buffer.from(chunk, 'utf8');
        await writeAll(handle, data);
        bytes += data.length;
        chunk = '';
      }
    }
    chunk += `${encode({ end: docs.length })}\n`;
    const data = Buffer.from(chunk, 'utf8');
    await writeAll(handle, data);
    bytes += data.length;
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  await fs.rename(tmp, file);
  await syncFolder(folder);
  const { journals } = await listFiles(folder, stem);
  for (const g of journals) if (g <= generation) await fs.rm(join(folder, journalName(stem, g)), { force: true });
  return bytes;
}

export function nextJournal(folder: string, stem: string, generation: number): Journal {
  return new Journal(join(folder, journalName(stem, generation)), generation, 0, false);
}

/** Deletes every file of a collection (after it was dropped from the catalogue). */
export async function removeCollectionFiles(folder: string, stem: string): Promise<void> {
  const found = await listFiles(folder, stem);
  const names = [...found.temporary, ...found.journals.map((g) => journalName(stem, g))];
  if (found.snapshot) names.push(snapshotName(stem));
  for (const name of names) await fs.rm(join(folder, name), { force: true });
}
