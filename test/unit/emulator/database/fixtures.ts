import { BSONRegExp, Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';

/** A small, varied collection the query tests share: mixed types, nesting, arrays, missing fields. */
export function people(): Record<string, unknown>[] {
  return [
    {
      _id: 'p01',
      name: 'Ann',
      age: 31,
      city: 'Shanghai',
      tags: ['a', 'b'],
      scores: [80, 95],
      address: { zip: '200000', geo: { lat: 31.2 } },
      born: new Date('1993-04-01T00:00:00Z'),
      active: true,
      pets: [
        { kind: 'cat', age: 3 },
        { kind: 'dog', age: 7 },
      ],
    },
    {
      _id: 'p02',
      name: 'Bob',
      age: 25,
      city: 'Beijing',
      tags: ['b'],
      scores: [60],
      address: { zip: '100000' },
      born: new Date('1999-01-15T00:00:00Z'),
      active: false,
      pets: [],
    },
    {
      _id: 'p03',
      name: 'carl',
      age: 40,
      city: 'Shanghai',
      tags: [],
      scores: [70, 75, 99],
      born: new Date('1984-12-30T00:00:00Z'),
      active: true,
      pets: [{ kind: 'dog', age: 2 }],
      nick: null,
    },
    {
      _id: 'p04',
      name: 'Dora',
      age: 25,
      city: 'Shenzhen',
      tags: ['c', 'a'],
      address: { zip: '518000', geo: { lat: 22.5 } },
      active: true,
      pets: [{ kind: 'fish', age: 1 }],
    },
    { _id: 'p05', name: 'Eve', age: '25', city: 'Hangzhou', tags: 'a', scores: [100], active: null },
    { _id: 'p06', name: 'Finn', city: 'Beijing', matrix: [[1, 2], [3, 4]], active: true },
  ];
}

/** Indexes that let the planner answer most rows of the query table from an index. */
export const PEOPLE_INDEXES = [
  { keys: [{ field: 'age', direction: 1 as const }] },
  { keys: [{ field: 'city', direction: 1 as const }, { field: 'age', direction: -1 as const }] },
  { keys: [{ field: 'tags', direction: 1 as const }] },
  { keys: [{ field: 'pets.kind', direction: 1 as const }] },
  { keys: [{ field: 'name', direction: 1 as const }], unique: true },
  { keys: [{ field: 'born', direction: -1 as const }] },
  { keys: [{ field: 'address.zip', direction: 1 as const }] },
  { keys: [{ field: 'nick', direction: 1 as const }] },
  { keys: [{ field: 'scores', direction: 1 as const }] },
  { keys: [{ field: 'active', direction: 1 as const }] },
];

/** [what, value] pairs every stored form must carry exactly. */
export const EVERY_TYPE: [string, unknown][] = [
  ['int32', 7],
  ['negative int32', -2147483648],
  ['integer beyond int32', 2 ** 40],
  ['integer beyond 2^53', 2 ** 60],
  ['fraction', 0.1],
  ['tiny', 5e-324],
  ['huge', 1.7976931348623157e308],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
  ['string with quotes, escapes and a fake wrapper', 'a"b\\c\n{"$numberInt":"5"}\u0000\u2028'],
  ['non-BMP text', '😀 中文'],
  ['a lone surrogate', 'a\ud800b'],
  ['Date', new Date('2001-02-03T04:05:06.007Z')],
  ['Date before 1970', new Date(-1234567890123)],
  ['Long', Long.fromString('-9223372036854775808')],
  ['Decimal128', Decimal128.fromString('-0.000001E+10')],
  ['ObjectId', new ObjectId('0123456789abcdef01234567')],
  ['Binary', new Binary(Buffer.from('hello'), 0)],
  ['UUID', new UUID('0f8fad5b-d9cb-469f-a165-70867728950e')],
  ['Timestamp', new Timestamp({ t: 5, i: 6 })],
  ['BSONRegExp', new BSONRegExp('^a.*b$', 'im')],
  ['MinKey', new MinKey()],
  ['MaxKey', new MaxKey()],
  ['nested mixture', { a: [1, { b: new Date(0), c: [[], {}] }], d: null, e: false }],
];
