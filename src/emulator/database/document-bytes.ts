/**
 * How a document is kept in the store's documents table. Every read decodes one, so this decides
 * how fast scans and counts are and how much garbage they leave.
 *
 * Documents made only of the common types (strings, numbers, booleans, null, dates, arrays, plain
 * objects) are MessagePack (msgpackr): about half the bytes of Extended JSON and several times
 * faster to write and read. Anything MessagePack would not give back exactly — every other bson
 * type, -0 (msgpack writes it as the integer 0), a lone surrogate, an invalid date — is kept as
 * canonical EJSON text, which is also what stores written before this encoding hold. EJSON text
 * always starts with `{` (0x7b), which is never the first byte of a MessagePack map, so each value
 * says which it is and no conversion of older stores is needed.
 */
import { Packr } from 'msgpackr';
import { calculateObjectSize } from 'bson';
import { StudioError } from '../../shared/errors';
import { decode, encode } from './codec';
import { MAX_DOCUMENT_BYTES } from './limits';

const EJSON_TEXT = 0x7b;

const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** Whether MessagePack gives `v` back exactly as the engine holds it. */
function packable(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return (v as string & { isWellFormed(): boolean }).isWellFormed();
    case 'number':
      return !Object.is(v, -0);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!packable(v[i])) return false;
    return true;
  }
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!packable((v as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * A BSON document is at most 16 times longer than either encoding (an element's type byte, key and
 * length words against a byte or a few characters), so only long values need BSON's exact measure.
 */
const SURELY_SMALL = MAX_DOCUMENT_BYTES / 16;

/** Encodes a document for the store, refusing one over MongoDB's BSON size limit. */
export function encodeStored(doc: Record<string, unknown>): Buffer {
  const bytes = packable(doc) ? packr.pack(doc) : Buffer.from(encode(doc));
  if (bytes.length >= SURELY_SMALL) {
    const size = calculateObjectSize(doc);
    if (size > MAX_DOCUMENT_BYTES) {
      throw new StudioError('DocumentTooLarge', `The document is ${size} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes.`);
    }
  }
  return bytes;
}

/** Reads a value written by `encodeStored`, or the EJSON text of an older store. */
export function decodeStored(bytes: Uint8Array): unknown {
  return bytes[0] === EJSON_TEXT ? decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) : packr.unpack(bytes);
}
