import * as assert from 'node:assert/strict';
import type { ErrorCode } from '../../../../src/shared/errors';
import type { Collection } from '../../../../src/emulator/database/api';
import { jsonDepth } from '../../../../src/emulator/database/guards';
import { assertCode, assertRejectsCode, collectionWith, scratchDatabase } from './support';

/** JSON.parse keeps `__proto__` as an own key, exactly as a request body arrives. */
const wire = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

function nested(depth: number, leaf: unknown = 1): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf };
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}

/** Nothing may have landed on the prototypes every value shares. */
function assertPrototypesClean(): void {
  for (const proto of [Object.prototype, Array.prototype, String.prototype, Number.prototype, Function.prototype]) {
    const own = Object.getOwnPropertyNames(proto).filter((k) => /^\d+$/.test(k) || k === 'polluted' || k === 'x');
    assert.deepEqual(own, [], `${proto.constructor.name}.prototype was changed`);
  }
  assert.equal(([] as unknown[])[0], undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

const BAD_UPDATES: [string, Record<string, unknown>][] = [
  ['$rename onto the array prototype', { $rename: { a: 'arr.constructor.prototype.0' } }],
  ['$rename from a prototype', { $rename: { 'arr.constructor.prototype.0': 'b' } }],
  ['$rename onto __proto__', { $rename: { a: '__proto__.polluted' } }],
  ['$set through $[]', { $set: { 'arr.$[].constructor.prototype.1': 'x' } }],
  ['$set through $[elem]', { $set: { 'arr.$[constructor].x': 1 } }],
  ['$set through $', { $set: { 'arr.$.constructor.prototype.x': 1 } }],
  ['$set __proto__', wire('{"$set":{"__proto__.polluted":1}}')],
  ['$set a value holding __proto__', wire('{"$set":{"doc":{"__proto__":{"polluted":1}}}}')],
  ['$set prototype', { $set: { 'a.prototype': 1 } }],
  ['$unset constructor', { $unset: { 'arr.constructor': '' } }],
  ['$inc', { $inc: { 'n.constructor.prototype.x': 1 } }],
  ['$mul', { $mul: { 'n.constructor.prototype.x': 2 } }],
  ['$min', { $min: { 'n.constructor.prototype.x': 2 } }],
  ['$max', { $max: { 'n.constructor.prototype.x': 2 } }],
  ['$push', { $push: { 'arr.constructor.prototype.x': 1 } }],
  ['$push $each of objects with __proto__', wire('{"$push":{"arr":{"$each":[{"__proto__":{"polluted":1}}]}}}')],
  ['$addToSet', { $addToSet: { 'arr.constructor.prototype.x': 1 } }],
  ['$pull', { $pull: { 'arr.constructor.prototype.x': 1 } }],
  ['$pullAll', { $pullAll: { 'arr.constructor.prototype.x': [1] } }],
  ['$pop', { $pop: { 'arr.constructor.prototype.x': 1 } }],
  ['$currentDate', { $currentDate: { 'a.constructor.prototype.x': true } }],
  ['$setOnInsert', { $setOnInsert: { 'a.__proto__.polluted': 1 } }],
  ['$bit', { $bit: { 'n.constructor.prototype.x': { and: 1 } } }],
  ['a replacement with __proto__', wire('{"a":1,"__proto__":{"polluted":1}}')],
  ['a replacement with constructor deep inside', { a: { b: [{ constructor: { prototype: { x: 1 } } }] } }],
];

const BAD_FILTERS: [string, Record<string, unknown>][] = [
  ['a path through constructor', { 'arr.constructor.prototype.0': 1 }],
  ['__proto__ as a field', wire('{"__proto__":{"polluted":1}}')],
  ['inside $and', { $and: [{ 'a.prototype': 1 }] }],
  ['inside $elemMatch', { arr: { $elemMatch: { constructor: 1 } } }],
  ['an $expr field path', { $expr: { $eq: ['$arr.constructor.name', 'Array'] } }],
  ['an $expr variable path', { $expr: { $eq: ['$$ROOT.constructor.name', 'Object'] } }],
];

const BAD_PIPELINES: [string, Record<string, unknown>[]][] = [
  ['$addFields onto a prototype', [{ $addFields: { 'arr.constructor.prototype.x': 1 } }]],
  ['$set stage', [{ $set: { 'a.__proto__.polluted': 1 } }]],
  ['$project of a prototype', [{ $project: { p: '$arr.constructor.prototype' } }]],
  ['$group by a prototype', [{ $group: { _id: '$a.constructor' } }]],
  ['$lookup as constructor.prototype', [{ $lookup: { from: 'other', localField: 'a', foreignField: 'a', as: 'constructor.prototype.x' } }]],
  ['$unwind of a prototype', [{ $unwind: '$arr.constructor.prototype' }]],
  ['$match on a prototype path', [{ $match: { 'a.constructor': 1 } }]],
  ['$sort by a prototype path', [{ $sort: { 'a.__proto__': 1 } }]],
  ['$getField of constructor', [{ $project: { c: { $getField: { field: 'constructor', input: '$arr' } } } }]],
  ['$setField of __proto__', [{ $replaceWith: { $setField: { field: '__proto__', input: '$$ROOT', value: { polluted: 1 } } } }]],
];

describe('database: prototype paths and nesting are refused at parse time', () => {
  let dispose: () => Promise<void>;
  let c: Collection;

  beforeEach(async () => {
    const scratch = await scratchDatabase();
    dispose = scratch.dispose;
    c = await collectionWith(scratch.db, 'items', [
      { _id: 'a1', a: 1, n: 5, arr: [1, 2], tags: ['x'] },
      { _id: 'a2', a: 2, n: 6, arr: [3], tags: ['y'] },
    ]);
  });
  afterEach(async () => {
    assertPrototypesClean();
    await dispose();
  });

  /** After each refusal the collection is unchanged and an indexed, filtered query still answers. */
  async function assertStillWorks(): Promise<void> {
    assert.deepEqual(c.find({ a: 1 }).documents, [{ _id: 'a1', a: 1, n: 5, arr: [1, 2], tags: ['x'] }]);
    assert.equal(c.find({ a: { $gte: 1 }, arr: { $in: [3] } }).documents.length, 1);
    assert.equal(c.count({ tags: 'y' }), 1);
  }

  for (const [what, update] of BAD_UPDATES) {
    it(`refuses an update: ${what}`, async () => {
      await c.createIndex({ keys: [{ field: 'a', direction: 1 }] }).catch(() => undefined);
      const code: ErrorCode = Object.keys(update).some((k) => k.startsWith('$')) ? 'InvalidQuery' : 'InvalidDocument';
      await assertRejectsCode(code, () => c.update({ a: 1 }, update, { multi: true, upsert: true }), what);
      await assertRejectsCode(code, () => c.findOneAndUpdate({ a: 1 }, update), what);
      assertPrototypesClean();
      await assertStillWorks();
    });
  }

  for (const [what, filter] of BAD_FILTERS) {
    it(`refuses a filter: ${what}`, async () => {
      assertCode('InvalidQuery', () => c.find(filter), what);
      assertCode('InvalidQuery', () => c.count(filter), what);
      await assertRejectsCode('InvalidQuery', () => c.remove(filter, { multi: true }), what);
      await assertStillWorks();
    });
  }

  for (const [what, pipeline] of BAD_PIPELINES) {
    it(`refuses a pipeline: ${what}`, async () => {
      assertCode('InvalidQuery', () => c.aggregate(pipeline), what);
      await assertStillWorks();
    });
  }

  it('refuses projection and sort keys that reach a prototype', async () => {
    assertCode('InvalidQuery', () => c.find({}, { projection: { 'arr.constructor': 1 } }));
    assertCode('InvalidQuery', () => c.find({}, { projection: wire('{"__proto__":1}') as Record<string, 1> }));
    assertCode('InvalidQuery', () => c.find({}, { sort: [{ field: 'a.constructor', direction: 1 }] }));
    await assertRejectsCode('InvalidQuery', () => c.createIndex({ keys: [{ field: 'arr.prototype', direction: 1 }] }));
    await assertStillWorks();
  });

  it('refuses inserted documents with those keys at any depth, and inserts nothing', async () => {
    const bad = [wire('{"__proto__":{"polluted":1}}'), { constructor: 1 }, { a: { prototype: 1 } }, { list: [{ b: [{ constructor: { x: 1 } }] }] }, wire('{"a":[[{"__proto__":{"x":1}}]]}')];
    for (const doc of bad) await assertRejectsCode('InvalidDocument', () => c.insertMany([{ ok: 1 }, doc]), JSON.stringify(doc));
    assert.equal(c.count({}), 2);
    await assertStillWorks();
  });

  it('still takes names that merely contain those words', async () => {
    await c.insertMany([{ _id: 'w', constructorName: 'x', proto: 1, prototypes: [{ my_constructor: 1 }] }]);
    await c.update({ _id: 'w' }, { $set: { 'prototypes.0.x': 1 }, $rename: { proto: 'protoType' } }, { multi: false });
    assert.deepEqual(c.find({ 'prototypes.x': 1 }, { projection: { protoType: 1 } }).documents, [{ _id: 'w', protoType: 1 }]);
    assert.equal(c.aggregate([{ $match: { _id: 'w' } }, { $project: { n: '$constructorName' } }])[0].n, 'x');
  });

  it('bounds the nesting of filters, updates and pipelines at 100 levels', async () => {
    assertCode('InvalidQuery', () => c.find(nested(150)));
    assertCode('InvalidQuery', () => c.find({ $and: [nested(99)] }));
    await assertRejectsCode('InvalidQuery', () => c.update({ a: 1 }, { $set: { deep: nested(150) } }, { multi: false }));
    assertCode('InvalidQuery', () => c.aggregate([{ $addFields: { deep: { $literal: nested(150) } } }]));
    // What MongoDB takes still works: a document 90 levels deep, set and queried.
    await c.update({ a: 2 }, { $set: { deep: nested(90) } }, { multi: false });
    assert.equal(c.count({ deep: nested(90) }), 1);
    await assertStillWorks();
  });
});

describe('database: jsonDepth', () => {
  it('measures nesting without parsing and ignores brackets inside strings', () => {
    assert.equal(jsonDepth('1'), 0);
    assert.equal(jsonDepth('{"a":[1,{"b":2}]}'), 3);
    assert.equal(jsonDepth('{"a":"[[[[\\"{{{"}'), 1);
    assert.equal(jsonDepth('['.repeat(100000) + ']'.repeat(100000)), 100000);
  });
});
