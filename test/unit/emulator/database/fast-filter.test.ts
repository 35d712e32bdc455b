import * as assert from 'node:assert/strict';
import { compileFastFilter } from '../../../../src/emulator/database/fast-filter';
import { compileFilter, compileMingoFilter } from '../../../../src/emulator/database/query';

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATES = [new Date('2020-01-01T00:00:00Z'), new Date('2021-06-15T00:00:00Z'), new Date('2023-03-01T00:00:00Z')];
const SCALARS: unknown[] = [0, 1, 2, 3, 2.5, -1, 10, '', 'a', 'b', 'c', '1', '2', true, false, null, ...DATES];
const RANGE_OPERANDS = SCALARS.filter((v) => typeof v !== 'boolean' && v !== null);
const IN_OPERANDS = SCALARS.filter((v) => !(v instanceof Date));
const FIELDS = ['a', 'b', 'tags', 'n.x', 'n.y', 'list.x', 'list.y.z'];

function scalar(r: () => number): unknown {
  return SCALARS[Math.floor(r() * SCALARS.length)];
}

function value(r: () => number, depth: number): unknown {
  const p = r();
  if (depth < 3 && p < 0.15) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  if (depth < 3 && p < 0.25) return nested(r, depth + 1);
  return scalar(r);
}

function nested(r: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['x', 'y', 'z']) if (r() < 0.6) out[k] = value(r, depth);
  return out;
}

function doc(r: () => number, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: `d${i}` };
  for (const k of ['a', 'b', 'tags']) if (r() < 0.8) out[k] = value(r, 1);
  if (r() < 0.7) out.n = r() < 0.8 ? nested(r, 1) : value(r, 1);
  if (r() < 0.7) out.list = Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.8 ? nested(r, 2) : scalar(r)));
  return out;
}

function condition(r: () => number, field: string): unknown {
  const p = r();
  if (p < 0.25) return scalar(r);
  const ops = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'];
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    const op = ops[Math.floor(r() * ops.length)];
    if (op === '$exists' && field.includes('.')) continue;
    if (op === '$in' || op === '$nin') out[op] = Array.from({ length: 1 + Math.floor(r() * 3) }, () => IN_OPERANDS[Math.floor(r() * IN_OPERANDS.length)]);
    else if (op === '$exists') out[op] = r() < 0.5;
    else if (op === '$eq' || op === '$ne') out[op] = scalar(r);
    else out[op] = RANGE_OPERANDS[Math.floor(r() * RANGE_OPERANDS.length)];
  }
  return Object.keys(out).length ? out : scalar(r);
}

function filter(r: () => number, depth: number): Record<string, unknown> {
  const p = r();
  if (depth < 2 && p < 0.15) return { $or: Array.from({ length: 1 + Math.floor(r() * 3) }, () => filter(r, depth + 1)) };
  if (depth < 2 && p < 0.25) return { $and: Array.from({ length: 1 + Math.floor(r() * 3) }, () => filter(r, depth + 1)) };
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const f = FIELDS[Math.floor(r() * FIELDS.length)];
    out[f] = condition(r, f);
  }
  return out;
}

describe('database: compiled filters', () => {
  it('agree with mingo on every pair of random documents and supported filters', () => {
    const r = rng(13);
    const docs = Array.from({ length: 3000 }, (_, i) => doc(r, i));
    let compiled = 0;
    let matched = 0;
    for (let f = 0; f < 400; f++) {
      const spec = filter(r, 0);
      const mingo = compileMingoFilter(spec);
      const fast = compileFastFilter(mingo.source, () => {
        throw new Error(`not compiled: ${JSON.stringify(spec)}`);
      });
      assert.ok(fast?.complete, `every generated shape compiles: ${JSON.stringify(spec)}`);
      compiled++;
      const real = compileFilter(spec);
      for (const d of docs) {
        const want = mingo.test(d);
        if (want) matched++;
        assert.equal(fast.test(d), want, `filter ${JSON.stringify(spec)} on ${JSON.stringify(d)}`);
        assert.equal(real.test(d), want);
      }
    }
    assert.equal(compiled, 400);
    // The generator is only useful if filters both match and miss.
    assert.ok(matched > 400 * 3000 * 0.05 && matched < 400 * 3000 * 0.95, `matched ${matched}`);
  });

  it('hands conditions it does not compile to mingo, one condition at a time', () => {
    const fallbacks: unknown[] = [];
    const fast = compileFastFilter({ a: 1, b: { $regex: /x/ }, c: { $size: 2 } }, (part) => {
      fallbacks.push(part);
      return () => true;
    });
    assert.ok(fast && !fast.complete);
    assert.deepEqual(fallbacks.map((p) => Object.keys(p as object)[0]), ['b', 'c']);
    const mixed = compileFilter({ tags: 'a', name: { $regex: '^A' }, 'n.x': { $elemMatch: { $gt: 1 } } });
    assert.equal(mixed.test({ tags: ['a', 'b'], name: 'Ann', n: { x: [0, 2] } }), true);
    assert.equal(mixed.test({ tags: ['a', 'b'], name: 'Bob', n: { x: [0, 2] } }), false);
    assert.equal(mixed.test({ tags: ['b'], name: 'Ann', n: { x: [0, 2] } }), false);
  });

  it('keeps arrays-contain and null-matches-missing', () => {
    assert.equal(compileFilter({ tags: 'a' }).test({ tags: ['a', 'b'] }), true);
    assert.equal(compileFilter({ gone: null }).test({ a: 1 }), true);
    assert.equal(compileFilter({ 'n.x': { $gt: 1 } }).test({ n: [{ x: 0 }, { x: 5 }] }), true);
    assert.equal(compileFilter({ a: { $gt: 1 } }).test({ a: '5' }), false);
  });
});
