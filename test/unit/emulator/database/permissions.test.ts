import { strict as assert } from 'node:assert';
import { openDatabase } from '../../../../src/emulator/database/index';
import { assertRejectsCode, tempFolder } from './support';

describe('collection permissions', function () {
  it('start as CloudBase\'s default, change to presets and custom rules, and survive a reopen', async function () {
    const folder = tempFolder();
    try {
      let db = await openDatabase(folder.dir);
      const todos = await db.createCollection('todos');
      assert.deepEqual(todos.getPermission(), { acl: 'PRIVATE' });
      for (const acl of ['READONLY', 'ADMINWRITE', 'ADMINONLY', 'PRIVATE'] as const) {
        await todos.setPermission({ acl });
        assert.deepEqual(todos.getPermission(), { acl });
      }
      const rule = { read: true, write: 'doc._openid == auth.openid' };
      await todos.setPermission({ acl: 'CUSTOM', rule });
      await db.close();
      db = await openDatabase(folder.dir);
      assert.deepEqual(db.collection('todos').getPermission(), { acl: 'CUSTOM', rule });
      await db.close();
    } finally {
      folder.remove();
    }
  });

  it('refuses malformed rules and keeps the old one', async function () {
    const folder = tempFolder();
    const db = await openDatabase(folder.dir);
    try {
      const c = await db.createCollection('c');
      await c.setPermission({ acl: 'READONLY' });
      const bad: unknown[] = [
        { acl: 'EVERYONE' },
        { acl: 'CUSTOM' },
        { acl: 'CUSTOM', rule: {} },
        { acl: 'CUSTOM', rule: { read: 1 } },
        { acl: 'CUSTOM', rule: { list: true } },
        { acl: 'READONLY', rule: { read: true } },
        null,
      ];
      for (const p of bad) await assertRejectsCode('InvalidArgument', () => c.setPermission(p as never), JSON.stringify(p));
      assert.deepEqual(c.getPermission(), { acl: 'READONLY' });
    } finally {
      await db.close();
      folder.remove();
    }
  });
});
