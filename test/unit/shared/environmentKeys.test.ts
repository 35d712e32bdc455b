import * as assert from 'node:assert/strict';
import {
  accountOfKey,
  environmentKindOf,
  isLocalEnvironmentKey,
  localEnvironmentKey,
  parseEnvironmentKey,
  tencentEnvironmentKey,
} from '../../../src/shared/environmentKeys';

describe('environment keys', () => {
  it('builds the three forms', () => {
    assert.equal(localEnvironmentKey('/work/demo'), 'local:/work/demo');
    assert.equal(tencentEnvironmentKey('AKID…cdef', 'shop-1a'), 'tencent:AKID…cdef:shop-1a');
    assert.equal(tencentEnvironmentKey(undefined, 'shop-1a'), 'tencent:shop-1a');
  });

  it('reads back what it builds, project roots with colons and spaces included', () => {
    for (const root of ['/work/demo', 'C:\\Users\\me\\my project', '/a:b/c']) {
      assert.deepEqual(parseEnvironmentKey(localEnvironmentKey(root)), { kind: 'local', projectRoot: root });
    }
    assert.deepEqual(parseEnvironmentKey(tencentEnvironmentKey('cli', 'shop-1a')), { kind: 'tencent', accountId: 'cli', envId: 'shop-1a' });
    assert.deepEqual(parseEnvironmentKey(tencentEnvironmentKey('acc:with:colons', 'shop-1a')), { kind: 'tencent', accountId: 'acc:with:colons', envId: 'shop-1a' });
    assert.deepEqual(parseEnvironmentKey(tencentEnvironmentKey(undefined, 'shop-1a')), { kind: 'tencent', envId: 'shop-1a' });
  });

  it('refuses keys it does not build', () => {
    for (const key of ['', 'local:', 'tencent:', 'tencent:acc:', 'aws:x', '/work/demo']) assert.equal(parseEnvironmentKey(key), undefined, key);
  });

  it('answers "is this local?" and "whose account?" from the key alone', () => {
    assert.equal(environmentKindOf('local:/p'), 'local');
    assert.equal(environmentKindOf('tencent:acc:env'), 'tencent');
    assert.equal(environmentKindOf('nonsense'), undefined);
    assert.equal(isLocalEnvironmentKey('local:/p'), true);
    assert.equal(isLocalEnvironmentKey('tencent:local:env'), false, 'an account id that reads "local" is still Tencent');
    assert.equal(accountOfKey('tencent:acc-1:env'), 'acc-1');
    assert.equal(accountOfKey('tencent:env'), undefined);
    assert.equal(accountOfKey('local:/tencent:x'), undefined);
  });
});
