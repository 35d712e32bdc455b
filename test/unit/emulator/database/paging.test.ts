import * as assert from 'node:assert/strict';
import type { SortKey } from '../../../../src/shared/model';
import type { Collection, Database, StoredDocument } from '../../../../src/emulator/database/api';
import { assertCode, scratchDatabase } from './support';

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const N = 600;

function dataset(): Record<string, unknown>[] {
  const r = random(42);
  return Array.from({ length: N }, (_, i) => {
    const doc: Record<string, unknown> = { _id: `id${String(Math.floor(r() * 1e9)).padStart(9, '0')}${i}`, k: Math.floor(r() * 1000) };
    // Few distinct values: long runs of ties. Some documents lack the field.
    if (r() > 0.1) doc.g = Math.floor(r() * 5);
    return doc;
  });
}

/** The expected order, computed independently: missing before numbers, ties by _id. */
function oracle(docs: Record<string, unknown>[], sort: SortKey[], filter: (d: Record<string, unknown>) => boolean): string[] {
  const value = (d: Record<string, unknown>, f: string) => (d[f] === undefined ? -1e9 : (d[f] as number));
  const idDirection = sort.find((k) => k.field === '_id')?.direction ?? 1;
  return docs
    .filter(filter)
    .sort((a, b) => {
      for (const k of sort) {
        if (k.field === '_id') break;
        const c = value(a, k.field) - value(b, k.field);
        if (c !== 0) return c * k.direction;
      }
      return (a._id! < b._id! ? -1 : 1) * idDirection;
    })
    .map((d) => d._id as string);
}

function walk(c: Collection, filter: Record<string, unknown>, sort: SortKey[] | undefined, limit: number): string[] {
  const seen: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = c.find(filter, { sort, limit, after });
    seen.push(...page.documents.map((d: StoredDocument) => d._id));
    if (!page.nextCursor) {
      return seen;
    }
    assert.equal(page.documents.length, limit, 'a page with a cursor is full');
    after = page.nextCursor;
  }
  throw new Error('paging did not end');
}

const asc = (field: string): SortKey => ({ field, direction: 1 });
const desc = (field: string): SortKey => ({ field, direction: -1 });

/** [what, filter, predicate for the oracle, sort] */
const WALKS: [string, Record<string, unknown>, (d: Record<string, unknown>) => boolean, SortKey[]][] = [
  ['default order (_id)', {}, () => true, []],
  ['_id descending', {}, () => true, [desc('_id')]],
  ['one key with many ties', {}, () => true, [asc('g')]],
  ['one key descending with many ties', {}, () => true, [desc('g')]],
  ['ties broken by an explicit _id descending', {}, () => true, [asc('g'), desc('_id')]],
  ['two keys', {}, () => true, [asc('g'), desc('k')]],
  ['two keys, both reversed', {}, () => true, [desc('g'), asc('k')]],
  ['unique-ish key', {}, () => true, [desc('k')]],
  ['filtered range, sorted on another field', { g: { $gte: 2 } }, (d) => (d.g as number) >= 2, [asc('k')]],
  ['equality on the sort field', { g: 3 }, (d) => d.g === 3, [desc('g')]],
  ['equality then the next index field', { g: 1 }, (d) => d.g === 1, [desc('k')]],
];

describe('database cursor paging', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let plain: Collection;
  let indexed: Collection;
  const docs = dataset();

  before(async () => {
    const s = await scratchDatabase();
    db = s.db;
    dispose = s.dispose;
    plain = await db.createCollection('plain');
    await plain.insertMany(docs);
    indexed = await db.createCollection('indexed');
    await indexed.insertMany(docs);
    await indexed.createIndex({ keys: [{ field: 'g', direction: 1 }] });
    await indexed.createIndex({ keys: [{ field: 'g', direction: 1 }, { field: 'k', direction: -1 }] });
    await indexed.createIndex({ keys: [{ field: 'k', direction: 1 }] });
  });
  after(() => dispose());

  for (const [what, filter, predicate, sort] of WALKS) {
    it(`${what}: every document once, in order`, () => {
      const expected = oracle(docs, sort, predicate);
      for (const [label, c] of [
        ['without indexes', plain],
        ['with indexes', indexed],
      ] as const) {
        for (const limit of [1, 7, 50]) {
          assert.deepEqual(walk(c, filter, sort.length > 0 ? sort : undefined, limit), expected, `${label}, pages of ${limit}`);
        }
        // The first page without a cursor agrees with the walk.
        assert.deepEqual(
          c.find(filter, { sort, limit: 20 }).documents.map((d) => d._id),
          expected.slice(0, 20),
          `${label}, first page`,
        );
      }
    });
  }

  it('a deep page seeks in the index instead of skipping', () => {
    let after: string | undefined;
    for (let i = 0; i < 10; i++) after = indexed.find({}, { sort: [desc('k')], limit: 50, after }).nextCursor;
    const plan = indexed.explain({}, { sort: [desc('k')], limit: 50, after });
    assert.equal(plan.sortedByIndex, true);
    // The page, plus the few documents sharing the cursor's sort value: nothing like the 500 before it.
    assert.ok(plan.examined <= 60, `examined ${plan.examined}`);
    const byId = indexed.explain({}, { limit: 50, after: indexed.find({}, { skip: 500, limit: 1 }).nextCursor });
    assert.ok(byId.examined <= 51, `examined ${byId.examined}`);
  });

  it('a cursor survives the deletion of the document it points at', async () => {
    const c = await db.createCollection('deleting');
    await c.insertMany(docs);
    const first = c.find({}, { sort: [asc('g')], limit: 10 });
    await c.remove({ _id: first.documents[9]._id }, { multi: false });
    const rest = walk(c, {}, [asc('g')], 10);
    const second = c.find({}, { sort: [asc('g')], limit: 1000, after: first.nextCursor }).documents.map((d) => d._id);
    const expected = oracle(docs, [asc('g')], (d) => d._id !== first.documents[9]._id);
    assert.deepEqual(rest, expected);
    assert.deepEqual([...first.documents.slice(0, 9).map((d) => d._id), ...second], expected);
  });

  it('a cursor created before an index keeps its order after the index appears', async () => {
    const c = await db.createCollection('indexing');
    await c.insertMany(docs);
    const sort = [desc('g')];
    const first = c.find({}, { sort, limit: 100 });
    await c.createIndex({ keys: [{ field: 'g', direction: 1 }] });
    const rest = c.find({}, { sort, after: first.nextCursor, limit: 10_000 }).documents.map((d) => d._id);
    assert.deepEqual([...first.documents.map((d) => d._id), ...rest], oracle(docs, sort, () => true));
  });

  it('refuses a cursor from another sort, and garbage', () => {
    const { nextCursor } = plain.find({}, { sort: [asc('g')], limit: 5 });
    assertCode('InvalidArgument', () => plain.find({}, { sort: [asc('k')], limit: 5, after: nextCursor }));
    assertCode('InvalidArgument', () => plain.find({}, { limit: 5, after: 'not a cursor!' }));
    assertCode('InvalidArgument', () => plain.find({}, { limit: 5, after: Buffer.from('{"x":1}').toString('base64url') }));
  });

  it('no cursor when the page reaches the end', () => {
    assert.equal(plain.find({}, { limit: N }).nextCursor, undefined);
    assert.equal(plain.find({}).nextCursor, undefined);
    assert.ok(plain.find({}, { limit: N - 1 }).nextCursor);
  });
});
