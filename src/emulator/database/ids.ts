/**
 * Document ids shaped like CloudBase's: 32 lowercase hex characters. The first 12 are the time in
 * milliseconds and the next 6 a sequence within that millisecond, so ids sort in insertion order;
 * the last 14 are random so two processes never collide.
 */
import { randomBytes } from 'node:crypto';

const ID_SHAPE = /^[0-9a-f]{32}$/;
const MAX_SEQUENCE = 0xffffff;

export class IdGenerator {
  private lastMs = 0;
  private sequence = 0;
  private pool = Buffer.alloc(0);
  private poolOffset = 0;

  next(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.sequence = 0;
    } else if (++this.sequence > MAX_SEQUENCE) {
      // More ids than the sequence holds in one millisecond: borrow from the next one.
      this.lastMs++;
      this.sequence = 0;
    }
    return this.lastMs.toString(16).padStart(12, '0') + this.sequence.toString(16).padStart(6, '0') + this.random7();
  }

  /** Keeps new ids after an existing one, even if the clock went back since it was made. */
  observe(id: string): void {
    if (!ID_SHAPE.test(id)) return;
    const ms = parseInt(id.slice(0, 12), 16);
    const seq = parseInt(id.slice(12, 18), 16);
    if (ms > this.lastMs || (ms === this.lastMs && seq > this.sequence)) {
      this.lastMs = ms;
      this.sequence = seq;
    }
  }

  private random7(): string {
    if (this.poolOffset + 7 > this.pool.length) {
      this.pool = randomBytes(7 * 1024);
      this.poolOffset = 0;
    }
    const s = this.pool.toString('hex', this.poolOffset, this.poolOffset + 7);
    this.poolOffset += 7;
    return s;
  }
}
