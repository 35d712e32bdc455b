import * as assert from 'node:assert/strict';
import { EJSON } from 'bson';
import { encode } from '../../../../src/emulator/database/codec';
import { decodeStored, encodeStored } from '../../../../src/emulator/database/document-bytes';
import { MAX_DOCUMENT_BYTES } from '../../../../src/emulator/database/limits';
import { EVERY_TYPE } from './fixtures';

const canonical = (v: unknown) => EJSON.stringify(v as never, { relaxed: false });
const isText = (bytes: Buffer) => bytes[0] === 0x7b;

describe('stored document bytes', () => {
  for (const [what, value] of EVERY_TYPE) {
    it(`round-trips ${what}`, () => {
      const doc = { _id: 'a', v: value, list: [value], nested: { v: value } };
      assert.equal(canonical(decodeStored(encodeStored(doc))), canonical(doc));
    });
  }

  it('keeps the common types as MessagePack, about half the bytes of EJSON', () => {
    const doc = { _id: 'u1', name: 'user1', age: 31, score: 12.5, active: true, createdAt: new Date(1_700_000_000_000), tags: ['t1', 'g1'], none: null, 中文: '😀' };
    const bytes = encodeStored(doc);
    assert.ok(!isText(bytes));
    assert.ok(bytes.length < Buffer.byteLength(encode(doc)) / 1.5, `${bytes.length} bytes`);
    assert.deepEqual(decodeStored(bytes), doc);
  });

  for (const [what, value] of [
    ['-0', -0],
    ['a lone surrogate', 'a\ud800'],
    ['an invalid date', new Date(Number.NaN)],
    ['an ObjectId', EVERY_TYPE.find(([w]) => w === 'ObjectId')![1]],
  ] as [string, unknown][]) {
    it(`keeps a document holding ${what} as EJSON text, which MessagePack would not give back exactly`, () => {
      const bytes = encodeStored({ _id: 'a', deep: [{ v: value }] });
      assert.ok(isText(bytes));
      assert.equal(canonical(decodeStored(bytes)), canonical({ _id: 'a', deep: [{ v: value }] }));
    });
  }

  it('reads the EJSON text that stores held before this encoding', () => {
    const doc = { _id: 'old', n: 5, d: new Date(3), s: 'x' };
    assert.deepEqual(decodeStored(Buffer.from(encode(doc))), doc);
  });

  it('refuses a document over the BSON size limit, whichever form it takes', () => {
    const big = 'x'.repeat(MAX_DOCUMENT_BYTES);
    assert.throws(() => encodeStored({ _id: 'a', big }), { code: 'DocumentTooLarge' });
    assert.throws(() => encodeStored({ _id: 'a', big, z: -0 }), { code: 'DocumentTooLarge' });
  });
});
