/**
 * callFunction from the published @cloudbase/js-sdk 3.x (GATEWAY mode, node adapter), unchanged:
 * the call reaches the local function runtime, the function sees the signed-in client user, and a
 * signed-out client or a refused token runs nothing.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, repoRoot, type TestProject } from '../server/support';
import { clientApp, forged, signInAnonymously, type SignedIn } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const FUNCTIONS: Record<string, string> = {
  whoami: `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
const tcb = require('@cloudbase/node-sdk');
exports.main = async (event) => ({ event, wx: cloud.getWXContext(), user: tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).auth().getUserInfo() });
`,
  throws: 'exports.main = async () => { throw new TypeError("bad input"); };\n',
  nothing: 'exports.main = async () => undefined;\n',
};

describe('client SDK callFunction against the local environment', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment;
  let alice: SignedIn;

  const invocations = (name: string): number => env.functions.logs.query({}).filter((e) => e.kind === 'end' && e.functionName === name).length;

  before(async function () {
    project = makeProject('cbs-client-fn-');
    for (const [name, code] of Object.entries(FUNCTIONS)) {
      mkdirSync(join(project.root, 'cloudfunctions', name), { recursive: true });
      writeFileSync(join(project.root, 'cloudfunctions', name, 'index.js'), code);
    }
    writeFileSync(join(project.root, 'cloudfunctions', 'whoami', 'config.json'), JSON.stringify({ timeout: 30 }));
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-client-fn', functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    alice = await signInAnonymously(env, 'local-fn-alice');
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  it('runs the function with the event; getWXContext() and getUserInfo() name the signed-in user', async function () {
    const res = await alice.app.callFunction({ name: 'whoami', data: { a: 1, list: ['x'] } });
    assert.equal(res.code, undefined, JSON.stringify(res));
    const { event, wx, user } = res.result as Json;
    assert.deepEqual(event, { a: 1, list: ['x'] });
    assert.equal(wx.OPENID, alice.uid, 'OPENID is the id database documents get in _openid');
    assert.equal(wx.APPID, '', 'a web user has no WeChat app');
    assert.equal(wx.SOURCE, 'web');
    assert.equal(wx.ENV, 'local-client-fn');
    assert.equal(user.uid, alice.uid);
    assert.equal(user.isAnonymous, true);
    const entry = env.clientRequests.list().at(-1)!;
    assert.equal(entry.operation, 'functions.call');
    assert.equal(entry.target, 'whoami');
    assert.equal(entry.decision, 'allowed');
    assert.equal(entry.uid, alice.uid);
    assert.match(entry.rule!, /auth != null/);
  });

  it('passes a password user on as signed in, not anonymous', async function () {
    const user = await env.clientUsers.create('fn-user', 'correct horse');
    const app = clientApp(env, 'local-fn-password');
    assert.equal((await app.auth().signInWithPassword({ username: 'fn-user', password: 'correct horse' })).error, null);
    const { wx, user: seen } = (await app.callFunction({ name: 'whoami' })).result as Json;
    assert.equal(wx.OPENID, user.uid);
    assert.equal(seen.uid, user.uid);
    assert.equal(seen.isAnonymous, false);
  });

  it('returns null for a function that returns nothing, and the cloud\'s codes for failures', async function () {
    assert.equal((await alice.app.callFunction({ name: 'nothing' })).result, null);
    const failed = await alice.app.callFunction({ name: 'throws', data: {} });
    assert.equal(failed.code, 'FUNCTIONS_EXECUTE_FAIL');
    assert.match(failed.message, /bad input/);
    const absent = await alice.app.callFunction({ name: 'absent' });
    assert.equal(absent.code, 'FUNCTION_NOT_FOUND');
    assert.equal(env.clientRequests.list().at(-1)!.decision, 'failed');
  });

  it('denies a signed-out client by the default function rule and runs nothing', async function () {
    const before = invocations('whoami');
    const res = await clientApp(env, 'local-fn-nobody').callFunction({ name: 'whoami', data: {} });
    assert.equal(res.code, 'PERMISSION_DENIED', JSON.stringify(res));
    assert.match(res.message, /auth != null/);
    const entry = env.clientRequests.list().at(-1)!;
    assert.equal(entry.decision, 'denied');
    assert.deepEqual(entry.failed, ['auth != null']);
    assert.equal(invocations('whoami'), before);
  });

  it('refuses malformed, forged and expired tokens with a coded error and runs nothing', async function () {
    const before = invocations('whoami');
    const expired = await expiredToken(alice.token);
    for (const token of ['not-a-token', forged(alice.token), expired]) {
      const res = await fetch(`${env.gatewayUrl}/functions/whoami`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { code: string; message: string };
      assert.ok(['INVALID_ACCESS_TOKEN', 'ACCESS_TOKEN_EXPIRED'].includes(body.code), body.code);
      assert.match(body.message, /Nothing was run/);
      assert.equal(env.clientRequests.list().at(-1)!.decision, 'refused');
    }
    const malformed = await fetch(`${env.gatewayUrl}/functions/whoami`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` }, body: '{not json' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { code: string }).code, 'INVALID_PARAM');
    const unnamed = await fetch(`${env.gatewayUrl}/functions/`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: '{}' });
    assert.equal(unnamed.status, 404);
    assert.equal(((await unnamed.json()) as { code: string }).code, 'FUNCTION_NOT_FOUND');
    assert.equal(invocations('whoami'), before);
  });

  /** An access token signed with this environment's key whose expiry has passed. */
  async function expiredToken(token: string): Promise<string> {
    const key = Buffer.from(readFileSync(join(env.dataDir, 'client', 'signing-key'), 'utf8').trim(), 'base64');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    const { SignJWT } = await import('jose');
    return new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new Uint8Array(key));
  }
});
