// The demo mini-program project: a copy of demo/ whose local environment is seeded from
// demo/seed (database collections through the engine's own openDatabase, storage files as is).
// Usage on its own: node scripts/e2e/demo.mjs <target folder> [--reset]
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EJSON } from 'bson';
import { demoTemplateDir, root } from './paths.mjs';

const DATA_DIR = join('.cloudbase', 'local');
const localEnvironmentBundle = join(root, 'dist', 'local-environment.js');

function loadOpenDatabase() {
  if (!existsSync(localEnvironmentBundle)) {
    throw new Error(`${localEnvironmentBundle} is missing: build first (node scripts/build.mjs)`);
  }
  const bundle = createRequire(import.meta.url)(localEnvironmentBundle);
  if (typeof bundle.openDatabase !== 'function') {
    throw new Error(`${localEnvironmentBundle} does not export openDatabase(directory)`);
  }
  return bundle.openDatabase;
}

/** Seed collections: demo/seed/database/<collection>.json, Extended JSON arrays ($date → Date). */
function seedCollections() {
  const dir = join(demoTemplateDir, 'seed', 'database');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const documents = EJSON.parse(readFileSync(join(dir, f), 'utf8'), { relaxed: true });
      if (!Array.isArray(documents)) throw new Error(`${join(dir, f)} must hold a JSON array of documents`);
      return { name: basename(f, '.json'), documents };
    });
}

/** Writes the seed into `project`'s local environment; returns the document count per collection. */
export async function seedProject(project) {
  const openDatabase = loadOpenDatabase();
  const db = await openDatabase(join(project, DATA_DIR, 'database'));
  const counts = {};
  try {
    for (const { name, documents } of seedCollections()) {
      const collection = db.hasCollection(name) ? db.collection(name) : await db.createCollection(name);
      if (collection.count({}) === 0 && documents.length > 0) await collection.insertMany(documents);
      counts[name] = collection.count({});
    }
  } finally {
    await db.close();
  }
  const storageSeed = join(demoTemplateDir, 'seed', 'storage');
  if (existsSync(storageSeed)) cpSync(storageSeed, join(project, DATA_DIR, 'storage'), { recursive: true, force: false });
  return counts;
}

/**
 * Makes `target` a seeded copy of demo/ unless it already is one (a user's changes survive);
 * `reset` starts over. The copy is built beside the target and renamed into place, so an
 * interrupted run never leaves a half-seeded project behind.
 */
export async function ensureDemoProject(target, { reset = false } = {}) {
  target = resolve(target);
  if (reset) rmSync(target, { recursive: true, force: true });
  if (existsSync(join(target, 'project.config.json'))) return { path: target, created: false };
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new Error(`${target} exists but is not a demo project; remove it or pass --reset-demo`);
  }
  const staging = `${target}.seeding-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    cpSync(demoTemplateDir, staging, {
      recursive: true,
      filter: (src) => {
        const parts = src.slice(demoTemplateDir.length).split(/[\\/]/).filter(Boolean);
        return parts[0] !== 'seed' && parts[0] !== '.cloudbase' && !parts.includes('node_modules');
      },
    });
    const counts = await seedProject(staging);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    return { path: target, created: true, counts };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target, flag] = process.argv.slice(2);
  if (!target) {
    console.error('usage: node scripts/e2e/demo.mjs <target folder> [--reset]');
    process.exit(2);
  }
  const r = await ensureDemoProject(target, { reset: flag === '--reset' });
  console.log(r.created ? `created ${r.path}: ${JSON.stringify(r.counts)}` : `${r.path} already exists (use --reset to recreate it)`);
}
