/**
 * manager-node stays out of activation: the extension bundle neither contains it nor requires it;
 * dist/tencent.js holds it and is required by path on first use.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../support/projectRoot';

describe('accounts: manager-node loads lazily', () => {
  const root = projectRoot;

  it('dist/extension.js holds no manager-node, and dist/tencent.js does', function () {
    const extension = join(root, 'dist', 'extension.js');
    const tencent = join(root, 'dist', 'tencent.js');
    if (!existsSync(extension) || !existsSync(tencent)) this.skip();
    const ext = readFileSync(extension, 'utf8');
    assert.ok(!/cloudbase-manager-node|cos-nodejs-sdk-v5|require\(["']@cloudbase\/manager-node/.test(ext), 'manager-node is in the activation bundle');
    assert.match(ext, /["']tencent\.js["']/, 'the extension requires dist/tencent.js by path');
    assert.match(readFileSync(tencent, 'utf8'), /cloudbase-manager-node/);
  });

  it('dist/extension.js holds no fake-data library, and dist/transfer.js does', function () {
    const extension = join(root, 'dist', 'extension.js');
    const transfer = join(root, 'dist', 'transfer.js');
    if (!existsSync(extension) || !existsSync(transfer)) this.skip();
    assert.ok(!/faker/i.test(readFileSync(extension, 'utf8')), 'the fake-data library is in the activation bundle');
    assert.match(readFileSync(extension, 'utf8'), /["']transfer\.js["']/, 'the extension requires dist/transfer.js by path');
    assert.match(readFileSync(transfer, 'utf8'), /faker/i);
  });
});
