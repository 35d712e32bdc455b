/**
 * HTTP functions behind HTTP access routes on the real local environment: scf_bootstrap starts the
 * function's own server on the PORT it is given (the cloud's /var/lang Node path replaced), requests
 * reach it unchanged with binary bodies, an edit restarts it, a server that never listens answers
 * 502 with the reason in the log, and closing the environment stops the server's processes.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, type TestProject } from './support';

const SERVER = (tag: string): string => `const http = require('http');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/web/echo')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-tag': '${tag}' });
      return res.end(Buffer.from(body).reverse());
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-tag': '${tag}' });
    res.end(JSON.stringify({ method: req.method, url: req.url, port: process.env.PORT, pid: process.pid }));
  });
}).listen(Number(process.env.PORT || 9000), '127.0.0.1', () => console.log('listening ${tag}'));
`;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('HTTP functions (scf_bootstrap) behind HTTP access routes', function () {
  this.timeout(60_000);
  let project: TestProject;
  let env: LocalEnvironment | undefined;
  const folder = (name: string): string => join(project.root, 'cloudfunctions', name);

  before(async () => {
    project = makeProject('cbs-web-');
    mkdirSync(folder('web'), { recursive: true });
    writeFileSync(join(folder('web'), 'server.js'), SERVER('v1'));
    writeFileSync(join(folder('web'), 'scf_bootstrap'), '#!/bin/bash\n/var/lang/node18/bin/node server.js\n');
    mkdirSync(folder('mute'), { recursive: true });
    writeFileSync(join(folder('mute'), 'scf_bootstrap'), '#!/bin/bash\necho "no server here"\nexit 3\n');
    writeFileSync(
      join(project.root, 'cloudbaserc.json'),
      JSON.stringify({ envId: 'x', framework: { plugins: { fn: { use: '@cloudbase/framework-plugin-function', inputs: { servicePaths: { web: '/web', mute: '/mute' } } } } } }),
    );
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-web' });
  });
  after(async () => {
    await env?.close();
    project?.remove();
  });

  let firstPort = 0;
  it('starts the server on its own PORT and passes requests through unchanged', async () => {
    const res = await fetch(`${env!.url}/web/items?x=1`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-tag'), 'v1');
    const body = (await res.json()) as { method: string; url: string; port: string };
    assert.equal(body.method, 'DELETE');
    assert.equal(body.url, '/web/items?x=1');
    assert.notEqual(body.port, '9000');
    firstPort = Number(body.port);
    assert.ok(env!.functions.logs.query({ functionName: 'web' }).some((e) => e.message === 'listening v1'));
  });

  it('refuses a body over 6 MB with 413, with a length or streamed without one, and keeps serving', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 1, 1);
    const sized = await fetch(`${env!.url}/web/echo`, { method: 'POST', body: big });
    assert.equal(sized.status, 413);
    const streamed = await fetch(`${env!.url}/web/echo`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 7; i++) controller.enqueue(new Uint8Array(1024 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    const after = await fetch(`${env!.url}/web/items`);
    assert.equal(after.status, 200);
  });

  it('passes binary bodies both ways', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 13, 10, 128]);
    const res = await fetch(`${env!.url}/web/echo`, { method: 'POST', body: bytes });
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(bytes).reverse());
  });

  it('restarts the server when its files change', async () => {
    writeFileSync(join(folder('web'), 'server.js'), SERVER('v2'));
    const res = await fetch(`${env!.url}/web/again`);
    assert.equal(res.headers.get('x-tag'), 'v2');
    assert.equal(await portOpen(firstPort), false, 'the old server is gone');
  });

  it('answers 502 with the reason when scf_bootstrap never listens', async () => {
    const res = await fetch(`${env!.url}/mute`);
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as { message: string }).message, /scf_bootstrap exited \(code 3\) before listening on PORT/);
    assert.ok(env!.functions.logs.query({ functionName: 'mute' }).some((e) => e.message === 'no server here'));
  });

  it('stops the servers with the environment', async () => {
    const { port } = (await (await fetch(`${env!.url}/web/port`)).json()) as { port: string };
    await env!.close();
    env = undefined;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await portOpen(Number(port)), false);
  });
});
