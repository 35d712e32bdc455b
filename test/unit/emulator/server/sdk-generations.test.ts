/**
 * Unchanged functions written for each generation of wx-server-sdk run their database, storage and
 * callFunction calls on the local environment, in real function processes: 1.x (tcb-admin-node,
 * which ignores TCB_CONTEXT_CNFG and posts to tcb-admin.tencentyun.com in SCF), 2.x (node-sdk 2) and 4.x.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { newToken } from '../../../../src/emulator/process/discovery';
import { makeProject, repoRoot, type TestProject } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The package each generation is installed under in this repository. */
const GENERATIONS: { name: string; module: string }[] = [
  { name: 'wx-server-sdk 1.x', module: 'wx-server-sdk-1' },
  { name: 'wx-server-sdk 2.x', module: 'wx-server-sdk-2' },
  { name: 'wx-server-sdk 4.x', module: 'wx-server-sdk' },
];

/** One function per generation, doing what mini-program back ends do, and reporting each step. */
function workerSource(module: string): string {
  return `const cloud = require('${module}');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const db = cloud.database();
const _ = db.command;
exports.main = async (event) => {
  const out = {};
  const added = await db.collection('orders').add({ data: { item: event.item, n: 2, at: db.serverDate() } });
  out.addedId = added._id;
  const got = await db.collection('orders').where({ item: event.item, n: _.gte(2) }).get();
  out.found = got.data.map((d) => ({ item: d.item, isDate: d.at instanceof Date }));
  out.updated = (await db.collection('orders').doc(added._id).update({ data: { n: _.inc(1) } })).stats.updated;
  out.count = (await db.collection('orders').where({ item: event.item }).count()).total;
  const up = await cloud.uploadFile({ cloudPath: 'gen/' + event.item + '.txt', fileContent: Buffer.from('bytes of ' + event.item) });
  out.fileID = up.fileID;
  const urls = await cloud.getTempFileURL({ fileList: [up.fileID] });
  out.urlStatus = urls.fileList[0].status;
  const down = await cloud.downloadFile({ fileID: up.fileID });
  out.downloaded = down.fileContent.toString();
  out.deleted = (await cloud.deleteFile({ fileList: [up.fileID] })).fileList[0].status;
  out.called = (await cloud.callFunction({ name: 'echo', data: { from: event.item } })).result;
  out.removed = (await db.collection('orders').doc(added._id).remove()).stats.removed;
  out.wx = cloud.getWXContext().OPENID;
  return out;
};
`;
}

describe('functions on wx-server-sdk 1.x, 2.x and 4.x reach the local environment', function () {
  this.timeout(120_000);
  let project: TestProject;
  let env: LocalEnvironment;

  before(async function () {
    project = makeProject('cbs-generations-');
    for (const g of GENERATIONS) {
      const dir = join(project.root, 'cloudfunctions', g.module);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.js'), workerSource(g.module));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ timeout: 60 }));
    }
    mkdirSync(join(project.root, 'cloudfunctions', 'echo'), { recursive: true });
    writeFileSync(join(project.root, 'cloudfunctions', 'echo', 'index.js'), 'exports.main = async (event) => ({ echoed: event.from });\n');
    // With a token, as every environment a window or the command line starts: each SDK must carry it.
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-gen', token: newToken(), functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    await env.database.createCollection('orders');
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  for (const g of GENERATIONS) {
    it(`${g.name}: database, storage and callFunction`, async function () {
      const outcome = await env.functions.invoke(g.module, { item: g.module });
      assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
      const r = outcome.result as Json;
      assert.equal(typeof r.addedId, 'string');
      assert.deepEqual(r.found, [{ item: g.module, isDate: true }]);
      assert.equal(r.updated, 1);
      assert.equal(r.count, 1);
      assert.match(r.fileID, /^cloud:\/\//);
      assert.equal(r.urlStatus, 0);
      assert.equal(r.downloaded, `bytes of ${g.module}`);
      assert.equal(r.deleted, 0);
      assert.deepEqual(r.called, { echoed: g.module });
      assert.equal(r.removed, 1);
      assert.equal(typeof r.wx, 'string');
      assert.equal(env.database.collection('orders').count({ item: g.module }), 0);
    });
  }
});
