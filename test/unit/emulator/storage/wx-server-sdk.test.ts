/** A cloud function written with wx-server-sdk uploads a file and hands out its temporary URL, unchanged. */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { repoRoot, startTestEnvironment, type TestEnvironment } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const script = join(repoRoot, 'test', 'unit', 'emulator', 'storage', 'fixtures', 'upload-function.js');

function runFunction(envId: string, adminUrl: string): Promise<Json> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TENCENTCLOUD_RUNENV: 'SCF',
    SCF_NAMESPACE: envId,
    SCF_FUNCTIONNAME: 'report',
    TENCENTCLOUD_SECRETID: 'AKIDlocal',
    TENCENTCLOUD_SECRETKEY: 'local-secret',
    TENCENTCLOUD_SESSIONTOKEN: 'local-token',
    TCB_ENV: envId,
    TCB_CONTEXT_KEYS: 'TCB_ENV',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: adminUrl }),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: 'oUser123',
    WX_APPID: 'wx0123456789',
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`no result (${error?.message ?? 'exit 0'})\n${stdout}\n${stderr}`));
      const result = JSON.parse(line.slice(7)) as Json;
      if (result.thrown) reject(new Error(`the function threw: ${JSON.stringify(result.thrown)}`));
      else resolve(result);
    });
  });
}

describe('storage through wx-server-sdk (as a cloud function)', function () {
  let t: TestEnvironment;
  before(async function () {
    t = await startTestEnvironment();
  });
  after(async function () {
    await t?.stop();
  });

  it('uploads, returns a temporary URL that downloads, and downloads through the SDK', async function () {
    const r = await runFunction(t.env.envId, t.env.adminUrl);
    assert.equal(r.fileID, 'cloud://local-test.7463-local-test/reports/from-function.txt');
    assert.equal(r.status, 0);
    assert.equal(r.downloaded, 'made in a function');
    const body = await new Promise<string>((resolve, reject) => {
      get(encodeURI(r.url as string), (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      }).on('error', reject);
    });
    assert.equal(body, '200 made in a function');
  });
});
