import * as assert from 'node:assert/strict';
import { BSONRegExp } from 'bson';
import type { Collection } from '../../../../src/emulator/database/api';
import { SafeRegExp } from '../../../../src/emulator/database/regex';
import { assertCode, assertRejectsCode, collectionWith, ids, scratchDatabase } from './support';

/** Catastrophic for a backtracking engine: each extra character doubles the work. */
const EVIL = '^(a+)+$';
const EVIL_INPUT = `${'a'.repeat(30)}!`;

describe('database: regular expressions run in linear time', () => {
  let dispose: () => Promise<void>;
  let c: Collection;

  beforeEach(async () => {
    const scratch = await scratchDatabase();
    dispose = scratch.dispose;
    c = await collectionWith(scratch.db, 'texts', [
      { _id: 't1', s: 'Hello\nworld', tags: ['alpha', 'beta'] },
      { _id: 't2', s: 'hello there', tags: ['gamma'] },
      { _id: 't3', s: EVIL_INPUT, tags: [EVIL_INPUT] },
      { _id: 't4', s: '中文 text', tags: [] },
    ]);
  });
  afterEach(() => dispose());

  it('matches with RE2 in every place a pattern reaches', async () => {
    assert.deepEqual(ids(c.find({ s: new RegExp(EVIL) }).documents), []);
    assert.deepEqual(ids(c.find({ s: { $regex: EVIL } }).documents), []);
    assert.deepEqual(ids(c.find({ s: { $regex: EVIL, $options: 'i' } }).documents), []);
    assert.deepEqual(ids(c.find({ s: { $not: new RegExp(EVIL) } }).documents), ['t1', 't2', 't3', 't4']);
    assert.deepEqual(ids(c.find({ tags: { $in: [new RegExp(EVIL), /^gam/] } }).documents), ['t2']);
    assert.deepEqual(ids(c.find({ tags: { $all: [new RegExp(EVIL)] } }).documents), []);
    assert.deepEqual(ids(c.find({ tags: { $elemMatch: { $regex: EVIL } } }).documents), []);
    assert.deepEqual(ids(c.find({ $expr: { $regexMatch: { input: '$s', regex: EVIL } } }).documents), []);
    assert.deepEqual(ids(c.find({ s: new BSONRegExp(EVIL, '') } as Record<string, unknown>).documents), []);
    await c.update({ _id: 't3' }, { $pull: { tags: new RegExp(EVIL) } }, { multi: false });
    await c.update({ _id: 't3' }, { $pull: { tags: { $in: [new RegExp(EVIL)] } } }, { multi: false });
    assert.deepEqual(c.find({ _id: 't3' }).documents[0].tags, [EVIL_INPUT]);
  });

  it('translates the options i, m and s as CloudBase reads them', () => {
    assert.deepEqual(ids(c.find({ s: { $regex: '^hello', $options: 'i' } }).documents), ['t1', 't2']);
    assert.deepEqual(ids(c.find({ s: { $regex: '^world', $options: 'm' } }).documents), ['t1']);
    assert.deepEqual(ids(c.find({ s: { $regex: '^world' } }).documents), []);
    assert.deepEqual(ids(c.find({ s: { $regex: 'Hello.world', $options: 's' } }).documents), ['t1']);
    assert.deepEqual(ids(c.find({ s: { $regex: 'Hello.world' } }).documents), []);
    assert.deepEqual(ids(c.find({ s: new BSONRegExp('^HELLO$', 'im') } as Record<string, unknown>).documents), ['t1']);
    assert.deepEqual(ids(c.find({ s: /^\u4e2d\S\s\w+$/ }).documents), ['t4']);
    assert.deepEqual(ids(c.find({ s: /(?<word>there)$/ }).documents), ['t2']);
  });

  it('answers $regexFind and $regexFindAll, empty matches included', () => {
    const [doc] = c.aggregate([
      { $match: { _id: 't2' } },
      {
        $project: {
          find: { $regexFind: { input: '$s', regex: '(l+)(o)' } },
          all: { $regexFindAll: { input: '$s', regex: 'e' } },
          empty: { $regexFindAll: { input: 'ab', regex: 'x*' } },
          none: { $regexFind: { input: '$s', regex: 'zzz' } },
          caseless: { $regexMatch: { input: '$s', regex: 'HELLO', options: 'i' } },
        },
      },
    ]);
    assert.deepEqual(doc.find, { match: 'llo', idx: 2, captures: ['ll', 'o'] });
    assert.deepEqual((doc.all as { idx: number }[]).map((m) => m.idx), [1, 8, 10]);
    assert.deepEqual((doc.empty as { idx: number }[]).map((m) => m.idx), [0, 1, 2]);
    assert.equal(doc.none, null);
    assert.equal(doc.caseless, true);
  });

  it('refuses lookaround and backreferences with InvalidQuery instead of risking them', async () => {
    assertCode('InvalidQuery', () => c.find({ s: { $regex: '(?=h)hello' } }));
    assertCode('InvalidQuery', () => c.find({ s: /(l)\1/ }));
    assertCode('InvalidQuery', () => c.find({ s: { $regex: 'a', $options: 'x' } }));
    assertCode('InvalidQuery', () => c.aggregate([{ $project: { m: { $regexMatch: { input: '$s', regex: '(?!a)b' } } } }]));
    await assertRejectsCode('InvalidQuery', () => c.update({}, { $pull: { tags: { $regex: '(?<!a)b' } } }, { multi: true }));
    assert.equal(c.count({}), 4);
  });

  it('keeps the RegExp interface for code that inspects patterns', () => {
    const re = new SafeRegExp('^a.c$', 'i');
    assert.ok(re instanceof RegExp);
    assert.equal(re.source, '^a.c$');
    assert.equal(re.flags, 'i');
    assert.equal(re.test('ABC'), true);
    assert.equal(re.exec('xabc'), null);
    assert.equal('ABC'.replace(re, 'z'), 'z');
  });
});
