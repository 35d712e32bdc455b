/** File-system steps: fsync of folders, line reading. */
import { promises as fs } from 'node:fs';

/**
 * Makes a folder's entries (new, renamed or removed files) durable. Windows cannot open folders;
 * there NTFS journals metadata itself, so the step is skipped.
 */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}



export interface LineReadResult {
  /** Bytes up to and including the last newline: the part that holds complete lines. */
  completeBytes: number;
  /** Bytes after the last newline (a write cut short by a crash). */
  tailBytes: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Calls `onLine` for each newline-terminated line, reading in chunks so files larger than a
 * JavaScript string still load. Text after the last newline is reported, not passed on.
 */
export async function readLines(file: string, onLine: (line: string, lineNumber: number) => void): Promise<LineReadResult> {
  const handle = await fs.open(file, 'r');
  try {
    let buffer = Buffer.alloc(CHUNK);
    let carry = 0; // bytes at the start of `buffer` left from the previous chunk
    let consumed = 0; // file offset of buffer[0]
    let lineNumber = 0;
    for (;;) {
      if (carry === buffer.length) {
        const bigger = Buffer.alloc(buffer.length * 2);
        buffer.copy(bigger, 0, 0, carry);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, carry, buffer.length - carry, consumed + carry);
      const end = carry + bytesRead;
      let start = 0;
      for (;;) {
        const nl = buffer.indexOf(10, start);
        if (nl === -1 || nl >= end) break;
        onLine(buffer.toString('utf8', start, nl), ++lineNumber);
        start = nl + 1;
      }
      if (bytesRead === 0) return { completeBytes: consumed + start, tailBytes: end - start };
      buffer.copy(buffer, 0, start, end);
      consumed += start;
      carry = end - start;
    }
  } finally {
    await handle.close();
  }
}
