// `npm run package [-- --target <platform>]`: the production build and the VSIX for one platform
// (linux-x64, darwin-arm64, darwin-x64, win32-x64; default this machine's), as
// dist/cloudbase-studio.vsix (or dist/cloudbase-studio-<platform>.vsix with --target).
// Everything is bundled except the database store's native binding, lmdb: its JavaScript and the
// platform's prebuilt binary (@lmdb/lmdb-<platform>, fetched from the npm registry when this machine
// has another one installed) go into dist/node_modules, and `vsce package --target` marks the VSIX
// for that platform so the Marketplace serves each user the one that runs.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { root, run } from './lib/setup.mjs';

const TARGETS = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];
/** What `require('lmdb')` loads at run time (lmdb's dependencies, not its C sources or build tools). */
const RUNTIME = ['lmdb', 'msgpackr', 'ordered-binary', 'weak-lru-cache', 'node-gyp-build-optional-packages', 'detect-libc', '@harperfast/extended-iterable'];
const SKIP = new Set(['dependencies', 'src', 'node_modules', 'binding.gyp', 'rollup.config.js', 'test', 'benchmark']);

const args = process.argv.slice(2);
const given = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const target = given ?? `${process.platform}-${process.arch}`;
if (!TARGETS.includes(target)) throw new Error(`Unknown target ${target}; one of ${TARGETS.join(', ')}.`);

const version = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

function copyPackage(from, to) {
  cpSync(from, to, { recursive: true, filter: (src) => src === from || !SKIP.has(src.slice(from.length + 1).split(/[\\/]/)[0]) });
}

/** The platform binary: installed here, or unpacked from the registry's tarball. */
function binaryPackage(into) {
  const name = `@lmdb/lmdb-${target}`;
  const installed = join(root, 'node_modules', name);
  if (existsSync(installed)) return copyPackage(installed, into);
  const tmp = mkdtempSync(join(tmpdir(), 'cbs-lmdb-'));
  try {
    run('npm', ['pack', `${name}@${version('lmdb')}`, '--silent', '--pack-destination', tmp], `npm pack ${name}`, { cwd: tmp });
    mkdirSync(into, { recursive: true });
    run('tar', ['-xzf', join(tmp, `lmdb-lmdb-${target}-${version('lmdb')}.tgz`), '-C', into, '--strip-components=1'], 'tar');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

run(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], 'the production build');
const modules = join(root, 'dist', 'node_modules');
rmSync(modules, { recursive: true, force: true });
for (const name of RUNTIME) {
  mkdirSync(dirname(join(modules, name)), { recursive: true });
  copyPackage(join(root, 'node_modules', name), join(modules, name));
}
binaryPackage(join(modules, '@lmdb', `lmdb-${target}`));
const out = join(root, 'dist', given ? `cloudbase-studio-${target}.vsix` : 'cloudbase-studio.vsix');
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--target', target, '-o', out], 'vsce package');
