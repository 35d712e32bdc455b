/**
 * A web page of another site, in the real Chromium, posts a text/plain form to a running local
 * environment's /admin (the classic CSRF against services on 127.0.0.1). It reaches the server,
 * is refused, and nothing is written.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { projectRoot } from '../support/projectRoot';
import { Workbench } from './support/workbench';

describe('A cross-origin form POST to the local environment (UI)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  let project: string;
  let child: ChildProcess;
  let site: Server;
  let page: Page | undefined;
  let url = '';
  let token = '';

  before(async function () {
    wb = await Workbench.shared();
    project = mkdtempSync(join(tmpdir(), 'cbs-csrf-'));
    writeFileSync(join(project, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
    child = spawn(process.execPath, [join(projectRoot, 'bin', 'cloudbase-emulator.js'), '--project', project, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        const address = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (address) url = address[1];
        const t = /TENCENTCLOUD_SESSIONTOKEN=(\S+)/.exec(line);
        if (t) {
          token = t[1];
          resolve();
        }
      });
    });
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${url}/admin">
        <input name='{"action":"database.addCollection","collectionName":"pwned","sessionToken":"${token}","x":"' value='"}'>
        </form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  });

  after(async function () {
    await page?.close().catch(() => undefined);
    site?.close();
    child?.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
    rmSync(project, { recursive: true, force: true });
  });

  it('is refused, even carrying the token, and writes nothing', async function () {
    const { port } = site.address() as { port: number };
    page = await wb.page.context().newPage();
    const answer = page.waitForResponse((r) => r.url().startsWith(`${url}/admin`), { timeout: 30_000 });
    await page.goto(`http://127.0.0.1:${port}/`);
    const response = await answer;
    assert.equal(response.status(), 403, await response.text());
    // Same call from a client the environment admits: the collection is not there.
    const res = await fetch(`${url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cloudbase-studio-token': token },
      body: JSON.stringify({ action: 'database.addCollection', collectionName: 'pwned' }),
    });
    const reply = (await res.json()) as { code?: string };
    assert.equal(reply.code, undefined, 'pwned did not exist before this trusted call created it');
  });
});
