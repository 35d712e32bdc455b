/**
 * `functions.invokeFunction` through the real SDKs and the real local environment: node-sdk's
 * callFunction from outside, and wx-server-sdk's cloud.callFunction from inside a function (which
 * passes the caller on), with errors as the SDKs report them in the cloud.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, postJson, repoRoot, type TestProject } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WX = "const cloud = require('wx-server-sdk');\ncloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });\n";

/** The functions this suite calls, written into a throw-away project. */
const FUNCTIONS: Record<string, string> = {
  echo: 'exports.main = async (event, context) => ({ event, requestId: context.request_id });\n',
  nothing: 'exports.main = async () => undefined;\n',
  throws: 'function failDeeply() {\n  throw new TypeError("bad input");\n}\nexports.main = async () => failDeeply();\n',
  slow: 'exports.main = async () => new Promise((r) => setTimeout(r, 5000));\n',
  whoami: `${WX}exports.main = async () => cloud.getWXContext();\n`,
  caller: `${WX}exports.main = async (event) => {
  const me = cloud.getWXContext();
  try {
    const res = await cloud.callFunction({ name: event.target, data: event.data || {} });
    return { me, res };
  } catch (e) {
    return { me, error: { code: e.code, errCode: e.errCode, errMsg: e.errMsg } };
  }
};\n`,
  writer: `${WX}const db = cloud.database();
exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext();
  const { _id } = await db.collection('notes').add({ data: { text: event.text, _openid: OPENID, at: db.serverDate() } });
  return { _id };
};\n`,
};

function writeFunctions(project: TestProject): void {
  for (const [name, code] of Object.entries(FUNCTIONS)) {
    mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
    writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
  }
  // `slow` times out quickly so the timeout case stays short; `caller` waits for a callee's cold start
  // (loading wx-server-sdk takes seconds on a busy machine), so it gets more than the default 3 s.
  writeFileSync(join(project.root, 'cloudfunctions', 'slow', 'config.json'), JSON.stringify({ timeout: 1 }));
  writeFileSync(join(project.root, 'cloudfunctions', 'caller', 'config.json'), JSON.stringify({ timeout: 30 }));
}

describe('/admin functions.invokeFunction', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  let app: ReturnType<typeof tcb.init>;
  // node-sdk's types insist on `data`; callers (and this suite) may leave it out.
  const call = (options: { name: string; data?: object }) => app.callFunction(options as Parameters<typeof app.callFunction>[0]);

  before(async function () {
    project = makeProject('cbs-fn-server-');
    writeFunctions(project);
    // wx-server-sdk comes from the repository's node_modules, as a function's own would.
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-fn', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    await env.database.createCollection('notes');
    app = tcb.init({ env: env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: env.adminUrl });
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  describe('from node-sdk outside a function', function () {
    it('runs a function with the event and returns its result', async function () {
      const res = await call({ name: 'echo', data: { a: 1, list: ['x'] } });
      const result = res.result as Json;
      assert.deepEqual(result.event, { a: 1, list: ['x'] });
      assert.equal(res.requestId, result.requestId, 'the reply names the invocation');
      const logged = env.functions.logs.query({ requestId: result.requestId });
      assert.ok(logged.some((e) => e.kind === 'end'), 'the invocation is in the logs');
    });

    it('answers null for a function that returns nothing, and an empty event without data', async function () {
      assert.equal((await call({ name: 'nothing' })).result, null);
      assert.deepEqual(((await call({ name: 'echo' })).result as Json).event, {});
    });

    it('reports a throwing function as FUNCTIONS_EXECUTE_FAIL with its message and stack', async function () {
      await assert.rejects(call({ name: 'throws' }), (e: Json) => {
        assert.equal(e.code, 'FUNCTIONS_EXECUTE_FAIL');
        assert.match(e.message, /TypeError: bad input/);
        assert.match(e.message, /failDeeply .*throws[\\/]index\.js:2/);
        return true;
      });
    });

    it('reports a timeout as FUNCTIONS_EXECUTE_FAIL and keeps serving', async function () {
      await assert.rejects(call({ name: 'slow' }), (e: Json) => {
        assert.equal(e.code, 'FUNCTIONS_EXECUTE_FAIL');
        assert.match(e.message, /timed out/);
        return true;
      });
      assert.deepEqual(((await call({ name: 'echo', data: { after: true } })).result as Json).event, { after: true });
    });

    it('refuses an unknown function and a malformed request without running anything', async function () {
      await assert.rejects(call({ name: 'absent' }), (e: Json) => e.code === 'FUNCTION_NOT_FOUND' && /absent/.test(e.message) && !e.message.includes(project.root));
      await assert.rejects(call({ name: '../echo' }), (e: Json) => e.code === 'FUNCTION_NOT_FOUND');
      const raw = await postJson(env.adminUrl, { action: 'functions.invokeFunction', function_name: 'echo', request_data: '{not json' });
      assert.equal(raw.code, 'INVALID_PARAM');
      const noName = await postJson(env.adminUrl, { action: 'functions.invokeFunction', request_data: '{}' });
      assert.equal(noName.code, 'INVALID_PARAM');
      const unknown = await postJson(env.adminUrl, { action: 'functions.deleteFunction', function_name: 'echo' });
      assert.equal(unknown.code, 'INVALID_ACTION');
    });
  });

  describe('from wx-server-sdk inside a function', function () {
    it('calls another function, which sees the same caller with the source chain', async function () {
      const out = await env.functions.invoke('caller', { target: 'whoami' }, { identity: { openId: 'oCallerUser000000000000000001', unionId: 'uCaller' } });
      assert.equal(out.error, undefined, out.error?.message);
      const { me, res } = out.result as Json;
      assert.equal(me.OPENID, 'oCallerUser000000000000000001');
      assert.equal(res.errMsg, 'callFunction:ok');
      assert.equal(res.result.OPENID, 'oCallerUser000000000000000001');
      assert.equal(res.result.UNIONID, 'uCaller');
      assert.equal(res.result.APPID, me.APPID);
      assert.equal(res.result.ENV, 'local-fn');
      assert.equal(res.result.SOURCE, 'wx_client,scf');
      assert.equal(res.result.API_TOKEN, undefined, 'the token never shows in getWXContext()');
    });

    // wx-server-sdk 4.0.2 asks node-sdk not to throw on codes, but its node-sdk (3.17.2) ignores that, so the
    // code arrives as `code` and errCode is the SDK's generic -1: the same reply in the cloud gives the same.
    it('gets the callee\'s failure as wx-server-sdk reports it: callFunction:fail with the message and the cloud code', async function () {
      const out = await env.functions.invoke('caller', { target: 'throws' });
      const { error } = out.result as Json;
      assert.equal(error.code, 'FUNCTIONS_EXECUTE_FAIL');
      assert.equal(typeof error.errCode, 'number');
      assert.match(error.errMsg, /^callFunction:fail TypeError: bad input/);
      assert.match(error.errMsg, /throws[\\/]index\.js:2/, 'the stack points at the callee\'s file');
      const missing = (await env.functions.invoke('caller', { target: 'absent' })).result as Json;
      assert.equal(missing.error.code, 'FUNCTION_NOT_FOUND');
      assert.match(missing.error.errMsg, /callFunction:fail .*absent/);
    });

    it('writes to the local database, stamped with the caller, through a called function', async function () {
      const out = await env.functions.invoke('caller', { target: 'writer', data: { text: 'via callFunction' } }, { identity: { openId: 'oWriter' } });
      const { res } = out.result as Json;
      const [doc] = env.database.collection('notes').find({ _id: res.result._id }).documents;
      assert.equal(doc.text, 'via callFunction');
      assert.equal(doc._openid, 'oWriter');
      assert.ok(doc.at instanceof Date);
    });
  });
});
