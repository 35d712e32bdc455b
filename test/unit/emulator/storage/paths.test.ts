import { strict as assert } from 'node:assert';
import { isStudioError } from '../../../../src/shared/errors';
import { checkFileKey, checkFolderPrefix, fileIdOf, keyOfFileId, localBucket } from '../../../../src/emulator/storage/index';

const invalidPath = (e: unknown): boolean => isStudioError(e, 'InvalidPath');

describe('storage paths', function () {
  it('accepts ordinary keys, including non-ASCII names and spaces', function () {
    assert.equal(checkFileKey('a.txt'), 'a.txt');
    assert.equal(checkFileKey('avatars/用户 01.png'), 'avatars/用户 01.png');
    assert.equal(checkFolderPrefix(''), '');
    assert.equal(checkFolderPrefix('a/b'), 'a/b/');
    assert.equal(checkFolderPrefix('a/b/'), 'a/b/');
  });

  const bad: [string, string][] = [
    ['..', 'parent segment'],
    ['a/../b', 'parent segment inside'],
    ['./a', 'dot segment'],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'drive letter'],
    ['a//b', 'empty segment'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'newline'],
    ['a\u007fb', 'DEL'],
  ];
  for (const [path, why] of bad) {
    it(`refuses ${why}: ${JSON.stringify(path)}`, function () {
      assert.throws(() => checkFileKey(path), invalidPath);
      assert.throws(() => checkFolderPrefix(`${path}/`), invalidPath);
    });
  }

  it('refuses empty file keys and keys ending with a slash', function () {
    assert.throws(() => checkFileKey(''), invalidPath);
    assert.throws(() => checkFileKey('a/'), invalidPath);
    assert.throws(() => checkFileKey(42), invalidPath);
  });

  it('builds and reads cloud:// file IDs of this environment only', function () {
    assert.equal(localBucket('local-demo'), '7463-local-demo');
    const id = fileIdOf('local-demo', 'avatars/a.png');
    assert.equal(id, 'cloud://local-demo.7463-local-demo/avatars/a.png');
    assert.equal(keyOfFileId('local-demo', id), 'avatars/a.png');
    assert.throws(() => keyOfFileId('other-env', id), invalidPath);
    assert.throws(() => keyOfFileId('local-demo', 'https://x/y'), invalidPath);
    assert.throws(() => keyOfFileId('local-demo', 'cloud://local-demo.7463-local-demo/../x'), invalidPath);
  });
});
