import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { comparePackage, extractZip, LARGE_PACKAGE_BYTES, listPackageFiles, packFunction, readFunctionSource, readZip } from '../../../../src/cloud/deploy';

async function write(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

describe('function packaging', () => {
  let project: string;
  let folder: string;
  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'deploy-pack-'));
    folder = join(project, 'cloudfunctions', 'hello');
    await write(folder, {
      'index.js': 'exports.main = async () => 1;\n',
      'package.json': '{"name":"hello","dependencies":{"left-pad":"1.3.0"}}',
      'lib/util.js': 'module.exports = 2;\n',
      'node_modules/left-pad/index.js': 'module.exports = 3;\n',
      'docs/notes.md': '# notes\n',
      'debug.log': 'noise\n',
      '.events/default.json': '{}',
      '.git/HEAD': 'ref\n',
    });
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('leaves out node_modules, VCS folders and test events by default, and keeps them all on "upload everything"', async () => {
    const paths = (await listPackageFiles(folder)).map((f) => f.path);
    assert.deepEqual(paths, ['debug.log', 'docs/notes.md', 'index.js', 'lib/util.js', 'package.json']);
    const all = (await listPackageFiles(folder, { includeNodeModules: true })).map((f) => f.path);
    assert.ok(all.includes('node_modules/left-pad/index.js'));
    assert.ok(!all.includes('.git/HEAD'));
  });

  it('honours the folder ignore file and cloudbaserc.json patterns (gitignore syntax, negation included)', async () => {
    await write(folder, { '.cloudbaseignore': '*.log\ndocs/\n# comment\n' });
    assert.deepEqual((await listPackageFiles(folder)).map((f) => f.path), ['index.js', 'lib/util.js', 'package.json']);
    const paths = (await listPackageFiles(folder, { patterns: ['lib/*', '!lib/util.js', 'package.json'] })).map((f) => f.path);
    assert.deepEqual(paths, ['index.js', 'lib/util.js']);
  });

  it('reads ignore, settings and warnings from cloudbaserc.json', async () => {
    await write(project, {
      'cloudbaserc.json': JSON.stringify({
        envId: 'env-1',
        functionRoot: 'cloudfunctions',
        functions: [{ name: 'hello', timeout: 30, memorySize: 512, envVariables: { A: '1' }, ignore: ['docs/**', '*.log'], triggers: [{ name: 't', type: 'timer', config: '0 0 * * * * *' }] }],
      }),
    });
    const source = await readFunctionSource(folder);
    assert.equal(source.name, 'hello');
    assert.equal(source.settings.timeoutSeconds, 30);
    assert.equal(source.settings.memoryMB, 512);
    assert.deepEqual(source.settings.envVariables, { A: '1' });
    assert.deepEqual(source.settings.ignore, ['docs/**', '*.log']);
    assert.deepEqual(source.settings.triggers, [{ name: 't', type: 'timer', config: '0 0 * * * * *' }]);
    assert.equal(source.settings.installDependency, true);
    assert.deepEqual(source.warnings, [{ code: 'TimeoutOverClientLimit', timeoutSeconds: 30, limitSeconds: 20 }]);
    const pkg = await packFunction(folder, { patterns: source.settings.ignore });
    assert.deepEqual(pkg.files.map((f) => f.path), ['index.js', 'lib/util.js', 'package.json']);
  });

  it('zips exactly the listed files with their bytes', async () => {
    const pkg = await packFunction(folder);
    const entries = await readZip(pkg.zip);
    assert.deepEqual(entries.map((e) => e.path), pkg.files.map((f) => f.path));
    assert.equal(entries.find((e) => e.path === 'lib/util.js')?.data.toString(), 'module.exports = 2;\n');
    assert.equal(pkg.totalBytes, pkg.files.reduce((n, f) => n + f.size, 0));
    assert.deepEqual(pkg.warnings, []);
  });

  it('hashes content, not timestamps: touching files keeps the hash and the zip, editing one changes it', async () => {
    const first = await packFunction(folder);
    await utimes(join(folder, 'index.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await new Promise((r) => setTimeout(r, 20));
    const touched = await packFunction(folder);
    assert.equal(touched.contentHash, first.contentHash);
    assert.ok(touched.zip.equals(first.zip));
    await writeFile(join(folder, 'index.js'), 'exports.main = async () => 2;\n');
    assert.notEqual((await packFunction(folder)).contentHash, first.contentHash);
    // A rename with the same bytes is a different package.
    await writeFile(join(folder, 'index.js'), 'exports.main = async () => 1;\n');
    await rm(join(folder, 'lib/util.js'));
    await write(folder, { 'lib/util2.js': 'module.exports = 2;\n' });
    assert.notEqual((await packFunction(folder)).contentHash, first.contentHash);
  });

  it('warns past 20 MB', async () => {
    // Random bytes do not compress, so the zip is past the limit too.
    await write(folder, { 'data.bin': randomBytes(LARGE_PACKAGE_BYTES + 1024) });
    const pkg = await packFunction(folder);
    assert.equal(pkg.warnings.length, 1);
    assert.equal(pkg.warnings[0]!.code, 'LargePackage');
    assert.ok((pkg.warnings[0] as { bytes: number }).bytes > LARGE_PACKAGE_BYTES);
  });

  it('refuses a folder that is missing or has nothing left to pack, and can be cancelled', async () => {
    await assert.rejects(packFunction(join(project, 'nope')), { code: 'FunctionNotFound' });
    await assert.rejects(packFunction(folder, { patterns: ['*'] }), { code: 'InvalidArgument' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(packFunction(folder, { signal: controller.signal }), { code: 'Cancelled' });
  });
});

describe('comparing a folder with a deployed package', () => {
  it('names the files added, removed and modified, by content', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'deploy-compare-'));
    try {
      await write(folder, { 'index.js': 'a', 'same.js': 'same', 'gone.js': 'old' });
      const deployed = await readZip((await packFunction(folder)).zip);
      await writeFile(join(folder, 'index.js'), 'b');
      await rm(join(folder, 'gone.js'));
      await write(folder, { 'lib/new.js': 'new' });
      await utimes(join(folder, 'same.js'), new Date(2003, 1, 1), new Date(2003, 1, 1));
      assert.deepEqual(await comparePackage(folder, await listPackageFiles(folder), deployed), [
        { path: 'gone.js', kind: 'removed' },
        { path: 'index.js', kind: 'modified' },
        { path: 'lib/new.js', kind: 'added' },
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses a package entry that points outside the folder when unpacking', async () => {
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from('x'), 'ok.txt');
    // yazl refuses "../" names itself, so the bad name is patched into the finished archive.
    zip.addBuffer(Buffer.from('y'), 'xx/evil.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const patched = Buffer.from(bytes.toString('latin1').split('xx/evil.txt').join('../evil.txt'), 'latin1');
    const target = await mkdtemp(join(tmpdir(), 'deploy-unzip-'));
    try {
      await assert.rejects(extractZip(patched, join(target, 'in')), (e: { code?: string }) => e.code === 'InvalidPath' || e.code === 'InvalidArgument');
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});
