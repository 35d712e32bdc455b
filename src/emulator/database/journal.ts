/**
 * An append-only journal file with group commit: records appended while a write and fsync are in
 * flight wait and go out together in the next one, so many concurrent writers share each fsync.
 * A record's promise resolves only once its bytes are on disk.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { StudioError } from '../../shared/errors';
import { syncFolder } from './files';

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/** FileHandle.write may write less than asked; a record must never be left half-written by that. */
export async function writeAll(handle: fs.FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

export class Journal {
  private handle: fs.FileHandle | undefined;
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;
  /** Bytes in the file plus bytes queued for it. */
  private bytes: number;

  constructor(
    readonly file: string,
    readonly generation: number,
    existingBytes: number,
    /** The file already exists in its folder durably (found at open), so no folder fsync is due. */
    private folderSynced: boolean,
  ) {
    this.bytes = existingBytes;
  }

  get size(): number {
    return this.bytes;
  }

  /** Queues one record (a single line, no newline) and resolves once it is durable. */
  append(record: string): Promise<void> {
    if (this.closed) return Promise.reject(new StudioError('Internal', `The journal ${this.file} is closed.`));
    if (this.failure !== undefined) return Promise.reject(this.broken());
    this.pending.push(record);
    this.bytes += Buffer.byteLength(record) + 1;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // Let every write started in this turn of the event loop join the same fsync.
    if (!this.flushing) this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flushLoop());
    return done;
  }

  private broken(): StudioError {
    return new StudioError('Internal', `Writing ${this.file} failed earlier; reopen the database.`, { cause: this.failure });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const lines = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (this.failure !== undefined) throw this.broken();
          if (!this.handle) this.handle = await fs.open(this.file, 'a');
          await writeAll(this.handle, Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
          await this.handle.datasync();
          if (!this.folderSynced) {
            await syncFolder(dirname(this.file));
            this.folderSynced = true;
          }
          for (const w of waiters) w.resolve();
        } catch (e) {
          // The file may now end in a partial record; nothing more is appended after it.
          this.failure ??= e;
          const error = e instanceof StudioError ? e : this.broken();
          for (const w of waiters) w.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Resolves when everything appended so far is durable (or has failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}
