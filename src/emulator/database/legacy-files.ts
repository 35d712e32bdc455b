/**
 * The database format before the store (read once, to migrate it; see migration.ts). A collection
 * on disk was a snapshot (`<stem>.snapshot`) plus journals (`<stem>.<generation>.journal`)
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
import { decode } from './codec';
import { readLines } from './files';

const SNAPSHOT_FORMAT = 1;

export interface JournalRecord {
  p?: StoredDocument[];
  d?: string[];
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

/** Replays one journal; a last line without its newline was never acknowledged and is ignored. */
async function loadJournal(file: string, into: Map<string, StoredDocument>): Promise<void> {
  await readLines(file, (line, n) => {
    let record: JournalRecord;
    try {
      record = decode(line) as JournalRecord;
    } catch (e) {
      throw damaged(file, n, e);
    }
    if (!applyRecord(record, into)) throw damaged(file, n);
  });
}

/** A collection's documents as its snapshot and journals hold them, sorted by `_id`; reads only. */
export async function readLegacyCollection(folder: string, stem: string): Promise<StoredDocument[]> {
  const found = await listFiles(folder, stem);
  const docs = new Map<string, StoredDocument>();
  let snapshotGeneration = 0;
  if (found.snapshot) snapshotGeneration = (await loadSnapshot(join(folder, snapshotName(stem)), docs)).generation;
  for (const generation of found.journals) {
    // Journals up to the snapshot's generation are inside it: a compaction stopped before deleting them.
    if (generation > snapshotGeneration) await loadJournal(join(folder, journalName(stem, generation)), docs);
  }
  return [...docs.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}
