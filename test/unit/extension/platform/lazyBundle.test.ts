import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lazyBundle } from '../../../../src/extension/platform/lazyBundle';

describe('bundles loaded on first use', function () {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cbs-bundle-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'good.js'), 'globalThis.__loads = (globalThis.__loads ?? 0) + 1; exports.run = () => 42;');
    writeFileSync(join(root, 'dist', 'partial.js'), 'exports.other = () => 1;');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('requires the bundle once, on the first call, and hands back its exports', () => {
    const get = lazyBundle<{ run(): number }>(root, 'good.js', 'the good part', ['run']);
    const before = (globalThis as { __loads?: number }).__loads ?? 0;
    assert.equal(get().run(), 42);
    assert.equal(get().run(), 42);
    assert.equal((globalThis as { __loads?: number }).__loads, before + 1);
  });

  it('says what could not be loaded, or what the bundle lacks', () => {
    assert.throws(lazyBundle(root, 'missing.js', 'the missing part', []), /Could not load the missing part from .*missing\.js/);
    assert.throws(lazyBundle<{ run(): number }>(root, 'partial.js', 'the partial part', ['run']), /partial\.js does not export the partial part/);
  });
});
