import * as assert from 'node:assert/strict';
import { EJSON, Int32, Long, MaxKey, MinKey, ObjectId } from 'bson';
import { decode, encode } from '../../../../src/emulator/database/codec';
import { IdGenerator } from '../../../../src/emulator/database/ids';
import { compareValues } from '../../../../src/emulator/database/values';
import { EVERY_TYPE } from './fixtures';

const canonical = (v: unknown) => EJSON.stringify(v as never, { relaxed: false });

describe('database file encoding', () => {
  for (const [what, value] of EVERY_TYPE) {
    it(`round-trips ${what}, in a form bson's EJSON reads identically`, () => {
      const line = encode({ v: value });
      assert.ok(!line.includes('\n'), 'one line');
      const ours = decode(line) as { v: unknown };
      const theirs = EJSON.parse(line, { relaxed: false }) as { v: unknown };
      assert.equal(canonical(ours), canonical({ v: value }));
      // bson reads JS numbers back as Int32/Double wrappers; by value they agree.
      assert.equal(compareValues(ours.v, theirs.v), 0);
    });
  }

  it('reads what bson writes', () => {
    const doc = { i: new Int32(3), d: new Date(9), l: Long.fromNumber(5), s: 'x', o: { n: 1.5 } };
    const back = decode(canonical(doc)) as Record<string, unknown>;
    assert.deepEqual(back.i, 3);
    assert.deepEqual(back.d, new Date(9));
    assert.ok(Long.isLong(back.l));
    assert.deepEqual(back.o, { n: 1.5 });
  });

  it('fails loudly on a damaged line', () => {
    assert.throws(() => decode('{"p":[{"_id":"x"'), SyntaxError);
  });
});

describe('database value order', () => {
  it('follows MongoDB: null < numbers < strings < objects < arrays < ObjectId < booleans < dates', () => {
    const ordered = [new MinKey(), null, Number.NaN, -1, Long.fromNumber(2), 2.5, '', 'B', 'a', { a: 1 }, [1], new ObjectId('000000000000000000000000'), false, true, new Date(0), new MaxKey()];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        assert.equal(Math.sign(compareValues(ordered[i], ordered[j])), Math.sign(i - j), `${i} vs ${j}`);
      }
    }
  });

  it('treats missing like null and equal numbers of any type as equal', () => {
    assert.equal(compareValues(undefined, null), 0);
    assert.equal(compareValues(new Int32(4), 4), 0);
    assert.equal(compareValues(Long.fromNumber(4), 4.0), 0);
  });
});

describe('database ids', () => {
  it('are 32 lowercase hex characters, unique and increasing', () => {
    const g = new IdGenerator();
    const made = Array.from({ length: 20_000 }, () => g.next());
    for (const id of made.slice(0, 100)) assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(new Set(made).size, made.length);
    for (let i = 1; i < made.length; i++) assert.ok(made[i - 1] < made[i], `${made[i - 1]} < ${made[i]}`);
  });

  it('stay after an id seen from a future clock', () => {
    const g = new IdGenerator();
    const future = `${(Date.now() + 3_600_000).toString(16).padStart(12, '0')}000005${'0'.repeat(14)}`;
    g.observe(future);
    assert.ok(g.next() > future);
  });
});
