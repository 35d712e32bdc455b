/**
 * Calls real CloudBase code makes, each answered as the cloud answers it, through the real
 * @cloudbase/node-sdk (and wx-server-sdk in real function processes where the call is a function's).
 * One row per behaviour; each row names what the cloud does.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { PLATFORM_ACTIONS } from '../../../../src/emulator/server/platform-actions';
import { makeProject, postJson, repoRoot, type TestProject } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const HEX = '65a1b2c3d4e5f60718293a4b';
const HEX2 = '65a1b2c3d4e5f60718293a4c';

const FUNCTIONS: Record<string, string> = {
  echo: 'exports.main = async (event) => ({ event });\n',
  openapi4: `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async () => {
  try { await cloud.openapi.security.msgSecCheck({ content: 'hello' }); return { ok: true }; }
  catch (e) { return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) }; }
};\n`,
  openapi1: `const cloud = require('wx-server-sdk-1');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async () => {
  try { await cloud.openapi.security.msgSecCheck({ content: 'hello' }); return { ok: true }; }
  catch (e) { return { errCode: e.errCode, errMsg: String(e.errMsg || e.message) }; }
};\n`,
  fileAuthority: `const tcb = require('@cloudbase/node-sdk');
const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV });
exports.main = async (event) => app.getFileAuthority({ fileList: [{ path: event.path, type: 'READ' }] });\n`,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Json> {
  let error: Json;
  await assert.rejects(promise, (e: Json) => {
    error = e;
    return true;
  });
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  return error;
}

describe('/admin answers as the cloud does (node-sdk 3.x, wx-server-sdk)', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  let app: ReturnType<typeof tcb.init>;
  let db: Json;

  before(async function () {
    project = makeProject('cbs-fidelity-');
    for (const [name, code] of Object.entries(FUNCTIONS)) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
      writeFileSync(join(project.root, 'cloudfunctions', name, 'config.json'), JSON.stringify({ timeout: 30 }));
    }
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-fidelity', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    app = tcb.init({ env: env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: env.adminUrl });
    db = app.database();
    for (const name of ['arrays', 'oids', 'oid_lookup', 'names', 'dates']) await env.database.createCollection(name);
    await db.collection('arrays').add([
      { _id: 'plain', tags: [1, 2, 3] },
      { _id: 'docs', tags: [{ value: 7 }] },
      { _id: 'none', other: true },
    ]);
    await db.collection('dates').add({ _id: 'd', d: new Date(Date.UTC(2019, 4, 14)), s: 'abcdef', u: 'héllo wörld' });
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  const ids = (res: Json): string[] => res.data.map((d: Json) => d._id).sort();

  describe('database', function () {
    const rows: { name: string; run: () => Promise<void> }[] = [
      {
        name: '$elemMatch with a field condition matches only arrays of documents (MongoDB), not [1, 2, 3]',
        run: async () => {
          const _ = db.command;
          assert.deepEqual(ids(await db.collection('arrays').where({ tags: _.elemMatch({ value: _.gt(0) }) }).get()), ['docs']);
          assert.deepEqual(ids(await db.collection('arrays').where({ tags: _.elemMatch(_.gt(2)) }).get()), ['plain']);
        },
      },
      {
        name: '$jsonSchema filters by schema',
        run: async () => {
          const _ = db.command;
          assert.deepEqual(ids(await db.collection('arrays').where(_.jsonSchema({ required: ['tags'] })).get()), ['docs', 'plain']);
          const typed = _.jsonSchema({ properties: { tags: { bsonType: 'array', items: { bsonType: 'object' } } }, required: ['tags'] });
          assert.deepEqual(ids(await db.collection('arrays').where(typed).get()), ['docs']);
        },
      },
      {
        name: 'an ObjectId _id is kept, and add() answers its hex string',
        run: async () => {
          const res = await db.collection('oids').add({ _id: db.ObjectId({ id: HEX }), inviter: db.ObjectId({ id: HEX2 }), name: 'a' });
          assert.equal(res.id, HEX);
        },
      },
      {
        name: 'an ObjectId field matches db.ObjectId() and comes back as its hex string; $lookup joins it to an ObjectId _id',
        run: async () => {
          const got = await db.collection('oids').where({ inviter: db.ObjectId({ id: HEX2 }) }).get();
          assert.equal(got.data[0].inviter, HEX2);
          await db.collection('oid_lookup').add({ _id: db.ObjectId({ id: HEX2 }), inviter: db.ObjectId({ id: HEX }) });
          const joined = await db.collection('oid_lookup').aggregate().lookup({ from: 'oids', localField: 'inviter', foreignField: '_id', as: 'who' }).end();
          assert.equal(joined.data[0].who[0].name, 'a');
        },
      },
      {
        name: 'a field named "key." is stored as written',
        run: async () => {
          await db.collection('names').add({ _id: 'dot', 'key.': 1 });
          assert.deepEqual((await db.collection('names').doc('dot').get()).data[0], { _id: 'dot', 'key.': 1 });
        },
      },
      {
        name: 'a "$"-prefixed field name answers DATABASE_REQUEST_FAILED and stores nothing',
        run: async () => {
          const raw = await postJson(env.adminUrl, { action: 'database.insertDocument', collectionName: 'names', data: ['{"_id":"bad","$x":1}'] });
          assert.equal(raw.code, 'DATABASE_REQUEST_FAILED');
          await rejectsWith(db.collection('names').add({ nested: { $y: 1 } }), 'DATABASE_REQUEST_FAILED');
          assert.equal(env.database.collection('names').count({ _id: 'bad' }), 0);
        },
      },
      {
        name: 'doc(id).set() with the same content answers updated: 1 (matched)',
        run: async () => {
          const res = await db.collection('names').doc('dot').set({ 'key.': 1 });
          assert.equal(res.updated, 1);
        },
      },
      {
        name: 'aggregation: $substr with a negative count, $week, $indexOfCP as MongoDB computes them',
        run: async () => {
          const $ = db.command.aggregate;
          const res = await db
            .collection('dates')
            .aggregate()
            .project({ _id: 0, rest: $.substr(['$s', 2, -1]), bytes: $.substrBytes(['$s', 1, -1]), week: $.week('$d'), at: $.indexOfCP(['$u', 'w']) })
            .end();
          assert.deepEqual(res.data, [{ rest: 'cdef', bytes: 'bcdef', week: 19, at: 6 }]);
        },
      },
    ];
    for (const row of rows) it(row.name, row.run);
  });

  describe('storage', function () {
    it('getFileAuthority reads the fileList the SDKs send', async function () {
      const out = await env.functions.invoke('fileAuthority', { path: 'a/b.txt' });
      assert.equal(out.error, undefined, JSON.stringify(out.error));
      assert.deepEqual((out.result as Json).data.file_list, [{ path: 'a/b.txt', read: true, write: true }]);
    });

    it('batchDeleteFile takes at most 50 file IDs (INVALID_PARAM beyond)', async function () {
      const fileList = Array.from({ length: 51 }, (_, i) => `cloud://${env.envId}.7463-${env.envId}/x/${i}.txt`);
      const res: Json = await app.deleteFile({ fileList }).catch((e: unknown) => e);
      assert.equal(res.code, 'INVALID_PARAM', JSON.stringify(res));
      const fifty: Json = await app.deleteFile({ fileList: fileList.slice(0, 50) });
      assert.equal(fifty.fileList.length, 50);
    });

    it('copyFile (storage.batchCopyFile) copies, and moves with removeOriginal', async function () {
      await app.uploadFile({ cloudPath: 'src/a.txt', fileContent: Buffer.from('copy me') });
      const res: Json = await app.copyFile({ fileList: [{ srcPath: 'src/a.txt', dstPath: 'dst/a.txt' }] });
      assert.equal(res.fileList[0].code, 'SUCCESS', JSON.stringify(res));
      assert.ok(await env.storage.files.stat('dst/a.txt'));
      await app.copyFile({ fileList: [{ srcPath: 'src/a.txt', dstPath: 'moved/a.txt', removeOriginal: true }] });
      assert.ok(await env.storage.files.stat('moved/a.txt'));
      assert.equal(await env.storage.files.stat('src/a.txt'), undefined);
    });
  });

  describe('functions', function () {
    it('a missing function answers FUNCTION_NOT_FOUND, naming no folder of this machine', async function () {
      const e = await rejectsWith(app.callFunction({ name: 'absent', data: {} }), 'FUNCTION_NOT_FOUND');
      assert.match(e.message, /absent/);
      assert.ok(!e.message.includes(project.root), e.message);
    });

    it('a mini program\'s call carries event.userInfo { appId, openId }; a server SDK\'s call does not', async function () {
      const local = await env.functions.invoke('echo', { a: 1 }, { identity: { openId: 'oUser', appId: 'wxapp' } });
      assert.deepEqual((local.result as Json).event, { a: 1, userInfo: { appId: 'wxapp', openId: 'oUser' } });
      const fromServer = await app.callFunction({ name: 'echo', data: { a: 2 } });
      assert.deepEqual((fromServer.result as Json).event, { a: 2 });
    });

    for (const [name, sdk] of [
      ['openapi4', 'wx-server-sdk 4.x'],
      ['openapi1', 'wx-server-sdk 1.x'],
    ]) {
      it(`${sdk}: cloud.openapi calls (multipart wx.openApi) are answered by the simulated WeChat platform`, async function () {
        const out = await env.functions.invoke(name, {});
        assert.equal(out.error, undefined, JSON.stringify(out.error));
        const r = out.result as Json;
        assert.equal(r.ok, true, JSON.stringify(r));
      });
    }

    for (const action of Object.values(PLATFORM_ACTIONS).flatMap((p) => p.actions)) {
      it(`${action} answers NOT_AVAILABLE_LOCALLY`, async function () {
        const reply = await postJson(env.adminUrl, { action, apiName: 'x' });
        assert.equal(reply.code, 'NOT_AVAILABLE_LOCALLY');
        assert.match(String(reply.message), new RegExp(`^${action.replace('.', '\\.')} is not available in the local environment`));
      });
    }

    const boundary = 'b0undary';
    const part = (n: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
    const postForm = async (action: string): Promise<Json> => {
      const body = `${part('action', action)}${part('apiName', 'security.msgSecCheck')}--${boundary}--\r\n`;
      const res = await fetch(env.adminUrl, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      return res.json();
    };

    it('a raw multipart wx.wxPayApi request without its requestData part gets INVALID_PARAM (WeChat Pay is simulated)', async function () {
      const json = await postForm('wx.wxPayApi');
      assert.equal(json.code, 'INVALID_PARAM');
      assert.match(json.message, /requestData/);
    });

    it('a raw multipart wx.openApi request without its requestData part gets INVALID_PARAM', async function () {
      const json = await postForm('wx.openApi');
      assert.equal(json.code, 'INVALID_PARAM');
      assert.match(json.message, /requestData/);
    });
  });
});
