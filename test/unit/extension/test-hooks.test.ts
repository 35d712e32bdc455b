/**
 * The exported API's test hooks: present only where the harness set its variable. The harness
 * itself (scripts/e2e/session.mjs) sets it for the test tiers and `npm start` does not.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_HOOKS_VARIABLE, testHooks, testHooksEnabled } from '../../../src/extension/testHooks';
import { projectRoot } from '../../support/projectRoot';

describe('test hooks of the extension API', () => {
  const build = () => ({ storedState: () => ({}) });

  it('are absent in a user\'s VS Code (no variable, or any other value)', () => {
    assert.deepEqual(testHooks(build, {}), {});
    assert.deepEqual(testHooks(build, { [TEST_HOOKS_VARIABLE]: 'true' }), {});
    assert.deepEqual(testHooks(build, { [TEST_HOOKS_VARIABLE]: '0' }), {});
    assert.equal(testHooksEnabled({}), false);
  });

  it('exist when the harness asked for them', () => {
    const hooks = testHooks(build, { [TEST_HOOKS_VARIABLE]: '1' });
    assert.equal(typeof (hooks as { storedState?: unknown }).storedState, 'function');
  });

  it('are asked for by the test sessions only, never by npm start', () => {
    assert.match(readFileSync(join(projectRoot, 'scripts/e2e/session.mjs'), 'utf8'), new RegExp(`${TEST_HOOKS_VARIABLE}: '1'`));
    for (const file of ['scripts/start.mjs', 'scripts/e2e/code-server.mjs']) {
      assert.doesNotMatch(readFileSync(join(projectRoot, file), 'utf8'), new RegExp(TEST_HOOKS_VARIABLE), file);
    }
    const extension = readFileSync(join(projectRoot, 'src/extension/extension.ts'), 'utf8');
    assert.match(extension, /\.\.\.testHooks\(\(\) => \(\{\s*useTencentTransport/);
  });
});
