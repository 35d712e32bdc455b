/**
 * Index keys as bytes whose order is the order of `keyComparator`: the store keeps index entries
 * sorted by these bytes, so a range of values is a range of keys. No vscode import.
 *
 * A component is a type byte (MongoDB's type order) and the value, self-delimiting so no
 * component is a prefix of another; a descending component has every byte inverted. Strings are
 * written code unit by code unit (as UTF-8 writes code points), so byte order is JavaScript's
 * string order. Numbers of every flavour are one 8-byte order-preserving double (-0 as 0, NaN
 * first). Objects, arrays, binaries, timestamps and regular expressions are written as their
 * canonical Extended JSON: found by equality, but not in MongoDB's order, so an index holding one
 * does not serve sorts (`isOrdered`).
 */
import { ObjectId } from 'bson';
import { decode, encode } from './codec';
import { Edge, type IndexKeyTuple } from './keys';
import { Rank, bsonType, typeRank } from './values';

/** Type bytes stay within 0x10..0x70, so inverted ones stay below 0xFF, the byte "above every value". */
function typeByte(rank: number): number {
  return rank < 0 ? 0x10 : rank > Rank.MaxKey ? 0x70 : 0x20 + rank;
}

const RANK_OF_BYTE = new Map<number, number>();
for (let r = Rank.MinKey; r <= Rank.MaxKey; r++) RANK_OF_BYTE.set(typeByte(r), r);

/** Whether a value is encoded in MongoDB's order within its type. */
export function isOrdered(v: unknown): boolean {
  const r = typeRank(v);
  return r === Rank.Null || r === Rank.MinKey || r === Rank.MaxKey || r === Rank.Number || r === Rank.String || r === Rank.Boolean || r === Rank.Date || r === Rank.ObjectId;
}

class Writer {
  private buf = Buffer.allocUnsafe(64);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  invertFrom(start: number): void {
    for (let i = start; i < this.length; i++) this.buf[i] ^= 0xff;
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/** Code units as UTF-8 writes code points (surrogates one by one); 0x00 escaped as 00 FF; ends 00 01. */
function writeString(w: Writer, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u === 0) {
      w.byte(0);
      w.byte(0xff);
    } else if (u < 0x80) w.byte(u);
    else if (u < 0x800) {
      w.byte(0xc0 | (u >> 6));
      w.byte(0x80 | (u & 0x3f));
    } else {
      w.byte(0xe0 | (u >> 12));
      w.byte(0x80 | ((u >> 6) & 0x3f));
      w.byte(0x80 | (u & 0x3f));
    }
  }
  w.byte(0);
  w.byte(1);
}

const scratch = Buffer.allocUnsafe(8);

function writeNumber(w: Writer, n: number): void {
  if (Number.isNaN(n)) {
    scratch.fill(0);
  } else {
    scratch.writeDoubleBE(n === 0 ? 0 : n);
    if (scratch[0] & 0x80) for (let i = 0; i < 8; i++) scratch[i] ^= 0xff;
    else scratch[0] |= 0x80;
  }
  w.bytes(scratch);
}

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bsonType(v);
  if (t === 'Int32' || t === 'Double') return (v as { value: number }).value;
  return Number(String(v));
}

function writeValue(w: Writer, v: unknown): void {
  const rank = typeRank(v);
  w.byte(typeByte(rank));
  switch (rank) {
    case Rank.Null:
    case Rank.MinKey:
    case Rank.MaxKey:
      return;
    case Rank.Number:
      return writeNumber(w, numberOf(v));
    case Rank.String:
      return writeString(w, String(v));
    case Rank.Boolean:
      return w.byte(v ? 1 : 0);
    case Rank.Date:
      return writeNumber(w, (v as Date).getTime());
    case Rank.ObjectId:
      return w.bytes((v as ObjectId).id);
    default:
      return writeString(w, encode(v));
  }
}

function writeComponent(w: Writer, v: unknown, direction: 1 | -1): void {
  const start = w.length;
  writeValue(w, v);
  if (direction === -1) w.invertFrom(start);
}

/** Where an edge sits among the bytes of the component's position; then the key stops. */
function writeEdge(w: Writer, edge: Edge, direction: 1 | -1): void {
  const side = edge.side * direction;
  if (edge.rank !== undefined) {
    const b = direction === 1 ? typeByte(edge.rank) : 0xff - typeByte(edge.rank);
    w.byte(side === -1 ? b : b + 1);
    return;
  }
  writeComponent(w, edge.value, direction);
  if (side === 1) w.byte(0xff);
}

/** A stored entry's key: the prefix, then each component in its direction (`_id` last, ascending). */
export function entryKey(prefix: Buffer, tuple: readonly unknown[], directions: readonly (1 | -1)[]): Buffer {
  const w = new Writer();
  w.bytes(prefix);
  for (let i = 0; i < tuple.length; i++) writeComponent(w, tuple[i], directions[i] ?? 1);
  return w.done();
}

/**
 * A bound of a scan as a key position: entries at or above it for a low bound, below it for a
 * high bound (`high`), which then includes an entry equal to a bound made only of real values.
 */
export function boundKey(prefix: Buffer, tuple: IndexKeyTuple, directions: readonly (1 | -1)[], high: boolean): Buffer {
  const w = new Writer();
  w.bytes(prefix);
  for (let i = 0; i < tuple.length; i++) {
    const c = tuple[i];
    if (c instanceof Edge) {
      writeEdge(w, c, directions[i] ?? 1);
      return w.done();
    }
    writeComponent(w, c, directions[i] ?? 1);
  }
  if (high) w.byte(0);
  return w.done();
}

/** The key just above every key that starts with `key`. */
export function afterPrefix(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0xff])]);
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly invert: boolean,
  ) {}

  byte(): number {
    const b = this.buf[this.pos++];
    return this.invert ? b ^ 0xff : b;
  }

  bytes(n: number): Buffer {
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    if (this.invert) for (let i = 0; i < n; i++) out[i] ^= 0xff;
    this.pos += n;
    return out;
  }
}

function readString(r: Reader): string {
  let s = '';
  for (;;) {
    const b = r.byte();
    if (b === 0) {
      if (r.byte() === 1) return s;
      s += '\u0000';
    } else if (b < 0x80) s += String.fromCharCode(b);
    else if (b < 0xe0) s += String.fromCharCode(((b & 0x1f) << 6) | (r.byte() & 0x3f));
    else s += String.fromCharCode(((b & 0x0f) << 12) | ((r.byte() & 0x3f) << 6) | (r.byte() & 0x3f));
  }
}

function readNumber(r: Reader): number {
  const b = r.bytes(8);
  if (b.every((x) => x === 0)) return NaN;
  if (b[0] & 0x80) b[0] &= 0x7f;
  else for (let i = 0; i < 8; i++) b[i] ^= 0xff;
  return b.readDoubleBE(0);
}

function readValue(r: Reader): unknown {
  const rank = RANK_OF_BYTE.get(r.byte());
  switch (rank) {
    case Rank.Null:
      return null;
    case Rank.MinKey:
    case Rank.MaxKey:
      return decode(rank === Rank.MinKey ? '{"$minKey":1}' : '{"$maxKey":1}');
    case Rank.Number:
      return readNumber(r);
    case Rank.String:
      return readString(r);
    case Rank.Boolean:
      return r.byte() === 1;
    case Rank.Date:
      return new Date(readNumber(r));
    case Rank.ObjectId:
      return new ObjectId(r.bytes(12));
    default:
      return decode(readString(r));
  }
}

/** The values of a stored entry's key after its prefix, and where its last component starts. */
export function decodeEntryKey(key: Buffer, prefixLength: number, directions: readonly (1 | -1)[]): { values: unknown[]; last: number } {
  const values: unknown[] = [];
  let pos = prefixLength;
  let last = pos;
  for (const direction of directions) {
    last = pos;
    const r = new Reader(key, pos, direction === -1);
    values.push(readValue(r));
    pos = r.pos;
  }
  return { values, last };
}
