/**
 * The demo project `npm start` and the end-to-end tiers open (scripts/e2e/demo.mjs, demo/): the
 * copy carries no seed files, its local database holds the seed (counted by the engine itself),
 * an existing copy is kept, and --reset starts over.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Demo {
  ensureDemoProject(target: string, options?: { reset?: boolean }): Promise<{ path: string; created: boolean; counts?: Record<string, number> }>;
}

const root = join(__dirname, '..', '..', '..', '..');

describe('e2e harness: demo project', function () {
  let demo: Demo;
  let dir: string;

  before(async function () {
    if (!existsSync(join(root, 'dist', 'local-environment.js'))) throw new Error('dist/local-environment.js is missing: run node scripts/build.mjs');
    demo = (await import(pathToFileURL(join(root, 'scripts/e2e/demo.mjs')).href)) as Demo;
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cbs-demo-test-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds a copy with todos (120, enough for two pages), users and products', async () => {
    const r = await demo.ensureDemoProject(join(dir, 'cloudbase-demo'));
    assert.equal(r.created, true);
    assert.deepEqual(r.counts, { products: 12, todos: 120, users: 8 });
    const config = JSON.parse(readFileSync(join(r.path, 'project.config.json'), 'utf8')) as { cloudfunctionRoot: string };
    assert.equal(config.cloudfunctionRoot, 'cloudfunctions/');
    for (const fn of ['login', 'todos', 'products']) assert.ok(existsSync(join(r.path, 'cloudfunctions', fn, 'index.js')), fn);
    assert.ok(!existsSync(join(r.path, 'seed')), 'seed files belong in the data folder, not the project');
    assert.ok(existsSync(join(r.path, '.cloudbase', 'local', 'database')));
    assert.ok(existsSync(join(r.path, '.cloudbase', 'local', 'storage', 'welcome.txt')));
  });

  it('keeps an existing copy, and --reset recreates it', async () => {
    const target = join(dir, 'cloudbase-demo');
    await demo.ensureDemoProject(target);
    writeFileSync(join(target, 'mine.txt'), 'user change');
    assert.equal((await demo.ensureDemoProject(target)).created, false);
    assert.ok(existsSync(join(target, 'mine.txt')));
    const again = await demo.ensureDemoProject(target, { reset: true });
    assert.equal(again.created, true);
    assert.ok(!existsSync(join(target, 'mine.txt')));
  });

  it('refuses a non-empty folder that is not a demo project, and changes nothing', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await assert.rejects(demo.ensureDemoProject(dir), /not a demo project/);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me');
  });
});
