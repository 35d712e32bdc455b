/**
 * .vscodeignore: the VSIX ships only what runs (bundles, manifest, translations, media, JSON schemas, readme),
 * never sources, tests, maps, node_modules, the e2e cache or the demo. Asks vsce itself.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COLLECTION_PANEL_BUNDLE } from '../../../src/shared/protocol/collectionPanel';
import { LOG_PANEL_BUNDLE } from '../../../src/shared/protocol/logPanel';

const root = join(__dirname, '..', '..', '..', '..');
const allowed = [/^dist\/[^/]+\.js$/, /^dist\/node_modules\/(lmdb|msgpackr|ordered-binary|weak-lru-cache|node-gyp-build-optional-packages|detect-libc|@harperfast\/extended-iterable|@lmdb\/lmdb-(linux|darwin|win32)-(x64|arm64))\//, /^dist\/webview\/.+\.(js|css|woff2|svg|png)$/, /^package\.json$/, /^package\.nls(\.[\w-]+)?\.json$/, /^l10n\//, /^media\//, /^schemas\/[\w.-]+\.schema(\.[\w-]+)?\.json$/, /^README\.md$/, /^LICENSE(\.md)?$/, /^CHANGELOG\.md$/];

describe('e2e harness: VSIX contents', function () {
  this.timeout(120_000);

  it('lists only files that run', () => {
    const res = spawnSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const files = res.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(files.includes('package.json'));
    // The lazily loaded bundles ship beside the extension (built by the unit tier's compile step).
    for (const bundle of ['dist/extension.js', 'dist/emulator-cli.js', 'dist/function-host.js', 'dist/local-environment.js', 'dist/tencent.js', 'dist/transfer.js']) assert.ok(files.includes(bundle), `${bundle} is not in the VSIX`);
    // The panels' pages, one bundle each, named as the panels name them.
    for (const bundle of [COLLECTION_PANEL_BUNDLE, LOG_PANEL_BUNDLE]) assert.ok(files.includes(`dist/webview/${bundle}.js`), `dist/webview/${bundle}.js is not in the VSIX`);
    // package.json's jsonValidation points at them.
    for (const schema of ['schemas/cloudbaserc.schema.json', 'schemas/function-config.schema.zh-cn.json']) assert.ok(files.includes(schema), `${schema} is not in the VSIX`);
    assert.deepEqual(files.filter((f) => !allowed.some((a) => a.test(f))), []);
  });
});
