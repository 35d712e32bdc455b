/** Shared by the database engine's tests: a fresh data folder per test and a few shortcuts. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStudioError, type ErrorCode } from '../../../../src/shared/errors';
import { openDatabase, type DatabaseOptions } from '../../../../src/emulator/database';
import type { Collection, Database } from '../../../../src/emulator/database/api';

export function tempFolder(prefix = 'cbs-db-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database in a temporary folder, closed and deleted by `dispose`. */
export async function scratchDatabase(options?: DatabaseOptions): Promise<{ db: Database; dir: string; dispose(): Promise<void> }> {
  const folder = tempFolder();
  const db = await openDatabase(folder.dir, options);
  return {
    db,
    dir: folder.dir,
    async dispose() {
      await db.close().catch(() => undefined);
      folder.remove();
    },
  };
}

export async function collectionWith(db: Database, name: string, docs: Record<string, unknown>[]): Promise<Collection> {
  const c = await db.createCollection(name);
  if (docs.length > 0) await c.insertMany(docs);
  return c;
}

export function assertCode(code: ErrorCode, run: () => unknown, label?: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(isStudioError(e), `${label ?? ''}: expected StudioError(${code}), got ${String(e)}`);
    assert.equal(e.code, code, `${label ?? ''}: ${e.message}`);
    return true;
  });
}

export async function assertRejectsCode(code: ErrorCode, run: () => Promise<unknown>, label?: string): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(isStudioError(e), `${label ?? ''}: expected StudioError(${code}), got ${String(e)}`);
    assert.equal(e.code, code, `${label ?? ''}: ${e.message}`);
    return true;
  });
}

/** Ids of documents, for order-sensitive comparisons. */
export function ids(docs: { _id: string }[]): string[] {
  return docs.map((d) => d._id);
}
