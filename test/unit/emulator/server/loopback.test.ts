/**
 * What the local environment accepts from this machine, tried the way a hostile web page and a
 * careless client would: a rebinding Host, another site's Origin, a text/plain form body, a
 * missing or wrong token, 1,100 half-open sockets. And what it must still accept: the real SDKs
 * carrying the token (from outside, and from inside a function), the printed SDK setup as pasted.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import * as tcb from '@cloudbase/node-sdk';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { newToken } from '../../../../src/emulator/process/discovery';
import { sdkSetupLines } from '../../../../src/emulator/process/sdk-setup';
import { makeProject, repoRoot, type TestProject } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, setHost: options.headers?.host === undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const addCollection = (name: string): string => JSON.stringify({ action: 'database.addCollection', collectionName: name });

describe('/admin on loopback: who is admitted', function () {
  this.timeout(90_000);
  let project: TestProject;
  let env: LocalEnvironment;
  const token = newToken();
  const envId = 'local-loopback';

  before(async function () {
    project = makeProject('cbs-loopback-');
    mkdirSync(join(project.root, 'cloudfunctions', 'writer'), { recursive: true });
    writeFileSync(
      join(project.root, 'cloudfunctions', 'writer', 'index.js'),
      "const cloud = require('wx-server-sdk');\ncloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });\nexports.main = async () => cloud.database().collection('fromFunction').add({ data: { ok: true } });\n",
    );
    writeFileSync(join(project.root, 'cloudfunctions', 'writer', 'config.json'), JSON.stringify({ timeout: 30 }));
    env = await startLocalEnvironment({ projectRoot: project.root, envId, token, functions: { nodePath: [join(repoRoot, 'node_modules')] } });
    await env.database.createCollection('fromFunction');
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  const json = { 'content-type': 'application/json', 'x-cloudbase-studio-token': token };

  it('serves the token through the studio header, Bearer and the SDKs\' session token', async function () {
    assert.equal(JSON.parse((await raw(env.adminUrl, { headers: json, body: addCollection('viaHeader') })).body).code, undefined);
    const bearer = await raw(env.adminUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: addCollection('viaBearer') });
    assert.equal(JSON.parse(bearer.body).code, undefined);
    const app = tcb.init({ env: envId, secretId: 'local', secretKey: token, sessionToken: token, serviceUrl: env.adminUrl });
    await app.database().collection('viaHeader').add({ a: 1 });
    assert.equal(env.database.collection('viaHeader').count(), 1);
  });

  it('refuses a call without the token or with a wrong one, and changes nothing', async function () {
    const none = await raw(env.adminUrl, { headers: { 'content-type': 'application/json' }, body: addCollection('noToken') });
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).code, 'PERMISSION_DENIED');
    const wrong = tcb.init({ env: envId, secretId: 'local', secretKey: 'x', sessionToken: newToken(), serviceUrl: env.adminUrl });
    await assert.rejects(wrong.database().createCollection('wrongToken'));
    assert.equal(env.database.hasCollection('noToken'), false);
    assert.equal(env.database.hasCollection('wrongToken'), false);
  });

  it('refuses a rebinding Host, even with the token', async function () {
    const res = await raw(env.adminUrl, { headers: { ...json, host: `rebind.attacker.example:${env.port}` }, body: addCollection('rebound') });
    assert.equal(res.status, 403);
    assert.match(JSON.parse(res.body).message, /not this local environment/);
    assert.equal(env.database.hasCollection('rebound'), false);
    const ok = await raw(env.adminUrl, { headers: { ...json, host: `localhost:${env.port}` }, body: addCollection('viaLocalhost') });
    assert.equal(ok.status, 200);
  });

  it('refuses another site\'s Origin and a text/plain body', async function () {
    const cross = await raw(env.adminUrl, { headers: { ...json, origin: 'https://attacker.example' }, body: addCollection('crossOrigin') });
    assert.equal(cross.status, 403);
    const form = await raw(env.adminUrl, { headers: { 'content-type': 'text/plain', 'x-cloudbase-studio-token': token }, body: addCollection('plain') });
    assert.equal(form.status, 415);
    assert.equal(env.database.hasCollection('crossOrigin'), false);
    assert.equal(env.database.hasCollection('plain'), false);
    const same = await raw(env.adminUrl, { headers: { ...json, origin: `http://127.0.0.1:${env.port}` }, body: addCollection('sameOrigin') });
    assert.equal(same.status, 200);
  });

  it('lets a function\'s wx-server-sdk in: the function host hands it the token', async function () {
    const outcome = await env.functions.invoke('writer', {});
    assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.equal(env.database.collection('fromFunction').count(), 1);
  });

  it('the printed SDK setup works as pasted, for node-sdk and wx-server-sdk, without keys in the code', async function () {
    const vars: Record<string, string> = {};
    for (const line of sdkSetupLines(envId, env.adminUrl, token)) {
      for (const m of line.replace(/^export /, '').matchAll(/(\w+)=('[^']*'|\S+)/g)) vars[m[1]] = m[2].replace(/^'|'$/g, '');
    }
    const script = `
      const tcb = require('@cloudbase/node-sdk');
      const cloud = require('wx-server-sdk');
      (async () => {
        const app = tcb.init({ env: process.env.TCB_ENV });
        await app.database().collection('pasted').add({ by: 'node-sdk' });
        cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
        await cloud.database().collection('pasted').add({ data: { by: 'wx-server-sdk' } });
        console.log('ok');
      })().catch((e) => { console.error(e && e.message); process.exit(1); });`;
    await env.database.createCollection('pasted');
    const { PATH, HOME } = process.env;
    const child = spawn(process.execPath, ['-e', script], { cwd: repoRoot, env: { PATH, HOME, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, out);
    assert.equal(env.database.collection('pasted').count(), 2);
  });

  it('keeps serving a normal client while 1,100 half-open sockets hold on', async function () {
    const sockets: Socket[] = [];
    let closed = 0;
    try {
      await Promise.all(
        Array.from({ length: 1100 }, () =>
          new Promise<void>((resolve) => {
            const s = connect(env.port, '127.0.0.1', () => {
              s.write(`POST /admin HTTP/1.1\r\nHost: 127.0.0.1:${env.port}\r\n`); // never finishes its headers
              resolve();
            });
            s.on('error', () => resolve());
            s.on('close', () => (closed += 1));
            s.resume();
            sockets.push(s);
          }),
        ),
      );
      const started = Date.now();
      const app = tcb.init({ env: envId, secretId: 'local', secretKey: token, sessionToken: token, serviceUrl: env.adminUrl });
      const res: Json = await app.database().collection('fromFunction').count();
      assert.equal(res.total, 1);
      assert.ok(Date.now() - started < 3000, `served after ${Date.now() - started} ms`);
      // And the half-open ones do not stay: headers have a few seconds to arrive.
      const deadline = Date.now() + 10_000;
      while (closed < sockets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(closed, sockets.length, 'the server closed every half-open socket');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
