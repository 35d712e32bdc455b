import * as assert from 'node:assert/strict';
import type { Collection } from '../../../../src/emulator/database/api';
import { people } from './fixtures';
import { assertCode, scratchDatabase } from './support';

const ORDERS = [
  { _id: 'o1', person: 'p01', total: 30, items: ['tea', 'cake'] },
  { _id: 'o2', person: 'p01', total: 12, items: ['tea'] },
  { _id: 'o3', person: 'p02', total: 50, items: [] },
  { _id: 'o4', person: 'p09', total: 8, items: ['water'] },
];

/** [what, pipeline over people, expected output] */
const PIPELINES: [string, Record<string, unknown>[], unknown[]][] = [
  ['$match', [{ $match: { city: 'Beijing' } }, { $project: { _id: 1 } }], [{ _id: 'p02' }, { _id: 'p06' }]],
  ['$match then $count', [{ $match: { active: true } }, { $count: 'n' }], [{ n: 4 }]],
  ['$project with an expression', [{ $match: { _id: 'p01' } }, { $project: { _id: 0, name: 1, next: { $add: ['$age', 1] } } }], [{ name: 'Ann', next: 32 }]],
  ['$addFields', [{ $match: { _id: 'p02' } }, { $addFields: { label: { $concat: ['$name', '@', '$city'] } } }, { $project: { label: 1 } }], [{ _id: 'p02', label: 'Bob@Beijing' }]],
  [
    '$group with the usual accumulators',
    [
      { $match: { age: { $type: 'number' } } },
      { $group: { _id: '$city', n: { $sum: 1 }, total: { $sum: '$age' }, avg: { $avg: '$age' }, min: { $min: '$age' }, max: { $max: '$age' }, names: { $push: '$name' }, first: { $first: '$name' }, last: { $last: '$name' }, cities: { $addToSet: '$city' } } },
      { $sort: { _id: 1 } },
    ],
    [
      { _id: 'Beijing', n: 1, total: 25, avg: 25, min: 25, max: 25, names: ['Bob'], first: 'Bob', last: 'Bob', cities: ['Beijing'] },
      { _id: 'Shanghai', n: 2, total: 71, avg: 35.5, min: 31, max: 40, names: ['Ann', 'carl'], first: 'Ann', last: 'carl', cities: ['Shanghai'] },
      { _id: 'Shenzhen', n: 1, total: 25, avg: 25, min: 25, max: 25, names: ['Dora'], first: 'Dora', last: 'Dora', cities: ['Shenzhen'] },
    ],
  ],
  ['$sort, $skip, $limit', [{ $sort: { name: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { name: 1 } }], [{ _id: 'p06', name: 'Finn' }, { _id: 'p05', name: 'Eve' }]],
  ['$unwind', [{ $match: { _id: 'p01' } }, { $unwind: '$tags' }, { $project: { tags: 1 } }], [{ _id: 'p01', tags: 'a' }, { _id: 'p01', tags: 'b' }]],
  ['$unwind keeping empty arrays', [{ $match: { _id: 'p03' } }, { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true } }, { $project: { tags: 1 } }], [{ _id: 'p03' }]],
  [
    '$lookup from another collection',
    [
      { $match: { _id: { $in: ['p01', 'p03'] } } },
      { $lookup: { from: 'orders', localField: '_id', foreignField: 'person', as: 'orders' } },
      { $project: { orders: '$orders._id' } },
    ],
    [{ _id: 'p01', orders: ['o1', 'o2'] }, { _id: 'p03', orders: [] }],
  ],
  [
    '$lookup with a pipeline',
    [
      { $match: { _id: 'p01' } },
      { $lookup: { from: 'orders', let: { who: '$_id' }, pipeline: [{ $match: { $expr: { $eq: ['$person', '$$who'] } } }, { $group: { _id: null, spent: { $sum: '$total' } } }], as: 'spent' } },
      { $project: { spent: { $arrayElemAt: ['$spent.spent', 0] } } },
    ],
    [{ _id: 'p01', spent: 42 }],
  ],
  ['$lookup from a missing collection gives empty arrays', [{ $match: { _id: 'p01' } }, { $lookup: { from: 'nothing', localField: '_id', foreignField: 'x', as: 'j' } }, { $project: { j: 1 } }], [{ _id: 'p01', j: [] }]],
  ['$count on everything', [{ $count: 'all' }], [{ all: 6 }]],
];

describe('database aggregation', () => {
  let dispose: () => Promise<void>;
  let c: Collection;

  before(async () => {
    const s = await scratchDatabase();
    dispose = s.dispose;
    c = await s.db.createCollection('people');
    await c.createIndex({ keys: [{ field: 'city', direction: 1 }] });
    await c.insertMany(people());
    await (await s.db.createCollection('orders')).insertMany(ORDERS);
  });
  after(() => dispose());

  for (const [what, pipeline, expected] of PIPELINES) {
    it(what, () => {
      assert.deepEqual(c.aggregate(pipeline), expected);
    });
  }

  it('$sample returns the requested number of the collection\'s documents', () => {
    // As in MongoDB, a sample may hold a document twice.
    const out = c.aggregate([{ $sample: { size: 3 } }]);
    assert.equal(out.length, 3);
    for (const d of out) assert.match(d._id, /^p0[1-6]$/);
  });

  it('leaves stored documents untouched', () => {
    c.aggregate([{ $addFields: { 'address.zip': 'x', tags: 'changed' } }, { $unwind: '$pets' }, { $set: { 'pets.kind': 'changed' } }]);
    c.aggregate([{ $lookup: { from: 'orders', localField: '_id', foreignField: 'person', as: 'o' } }, { $addFields: { 'o.total': 0 } }]);
    const [doc] = c.find({ _id: 'p01' }).documents;
    assert.deepEqual(doc.address, { zip: '200000', geo: { lat: 31.2 } });
    assert.deepEqual(doc.tags, ['a', 'b']);
    assert.deepEqual(doc.pets, [
      { kind: 'cat', age: 3 },
      { kind: 'dog', age: 7 },
    ]);
  });

  it('refuses unknown stages and writing stages', () => {
    assertCode('UnknownOperator', () => c.aggregate([{ $frobnicate: {} }]));
    assertCode('UnknownOperator', () => c.aggregate([{ $project: { x: { $frobnicate: 1 } } }]));
    assertCode('NotSupported', () => c.aggregate([{ $out: 'copy' }]));
    assertCode('NotSupported', () => c.aggregate([{ $merge: { into: 'copy' } }]));
    assertCode('InvalidQuery', () => c.aggregate([{ $match: {}, $limit: 1 }]));
    assertCode('InvalidQuery', () => c.aggregate({} as unknown as Record<string, unknown>[]));
  });
});
