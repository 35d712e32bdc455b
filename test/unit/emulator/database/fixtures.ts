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
