/**
 * Fixture functions with the real wx-server-sdk against the real local environment: the runtime
 * is the environment's own, so the SDK's requests go to its /admin, which writes to its database
 * and runs `cloud.callFunction` with the same runtime.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { copyFixtureProject, hostScript, repoNodeModules } from './support';

const CALLER = `const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

exports.main = async (event) => (await cloud.callFunction({ name: event.name, data: event.data })).result;
`;

describe('functions and the local database', function () {
  this.timeout(60_000);
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  let env: LocalEnvironment;

  before(async function () {
    fx = await copyFixtureProject();
    await fs.mkdir(join(fx.project.functionRoot, 'caller'));
    await fs.writeFile(join(fx.project.functionRoot, 'caller', 'index.js'), CALLER);
    // Waiting for the callee's cold start (wx-server-sdk) may take more than the default 3 s on a busy machine.
    await fs.writeFile(join(fx.project.functionRoot, 'caller', 'config.json'), JSON.stringify({ timeout: 30 }));
    env = await startLocalEnvironment({ projectRoot: fx.dir, envId: 'local-fixture', functions: { hostScript, nodePath: [repoNodeModules] } });
  });
  after(async () => {
    await env?.close();
    await fx?.remove();
  });

  it('adds a document from a function and reads it back, stamped with the caller', async () => {
    await env.database.createCollection('notes');
    const out = await env.functions.invoke('database', { collection: 'notes', text: 'from a function' }, { identity: { openId: 'oWriter' } });
    assert.equal(out.error, undefined, out.error?.message);
    const { id, read } = out.result as { id: string; read: { text: string; _openid: string } };
    assert.equal(read.text, 'from a function');
    assert.equal(read._openid, 'oWriter');
    const stored = env.database.collection('notes').find({ _id: id }).documents;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].text, 'from a function');
  });

  it('gives a missing collection the cloud error code, and the environment keeps serving', async () => {
    const out = await env.functions.invoke('database', { collection: 'missing', text: 'x' });
    assert.equal(out.error?.code, 'FunctionError');
    assert.match(out.error.message, /-502005|collection not exist/);
    const again = await env.functions.invoke('database', { collection: 'notes', text: 'still here' });
    assert.equal(again.error, undefined, again.error?.message);
  });

  it('calls another function with cloud.callFunction, which sees the caller and the environment', async () => {
    const out = await env.functions.invoke('caller', { name: 'wxcontext', data: {} }, { identity: { openId: 'oCaller', appId: 'wx00000000000000bb' } });
    assert.equal(out.error, undefined, out.error?.message);
    const { wxContext } = out.result as { wxContext: Record<string, unknown> };
    assert.equal(wxContext.OPENID, 'oCaller');
    assert.equal(wxContext.APPID, 'wx00000000000000bb');
    assert.equal(wxContext.ENV, 'local-fixture');
    assert.equal(wxContext.SOURCE, 'wx_client,scf');
  });

  it('a called function writes to the database in its caller\'s name', async () => {
    const out = await env.functions.invoke('caller', { name: 'database', data: { collection: 'notes', text: 'nested' } }, { identity: { openId: 'oNested' } });
    assert.equal(out.error, undefined, out.error?.message);
    const { id } = out.result as { id: string };
    assert.equal(env.database.collection('notes').find({ _id: id }).documents[0]._openid, 'oNested');
    const callee = env.functions.logs.query({ functionName: 'database' }).filter((e) => e.kind === 'end');
    assert.ok(callee.length >= 1, 'the called function has its own log entries');
  });
});
