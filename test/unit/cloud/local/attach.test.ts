/**
 * The local environment in its own process: real processes of dist/emulator-cli.js, started and
 * attached to the way a window does it, with the data folder's discovery files.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachLocalEnvironment, type AttachedEnvironment } from '../../../../src/cloud/local/attach';
import { StudioClient } from '../../../../src/cloud/local/studio-client';
import { processAlive, readRunning } from '../../../../src/emulator/process/discovery';
import { isStudioError } from '../../../../src/shared/errors';
import { makeProject, repoRoot, type TestProject } from '../../emulator/server/support';

const cliScript = join(repoRoot, 'dist', 'emulator-cli.js');
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await delay(50);
  }
  return check();
}

describe('local environment process', function () {
  this.timeout(60_000);
  let project: TestProject;
  let dataDir: string;
  const attached: AttachedEnvironment[] = [];
  const attach = async (grace = 800): Promise<AttachedEnvironment> => {
    const env = await attachLocalEnvironment({ projectRoot: project.root, dataDir, cliScript, extraArgs: ['--detach-grace-ms', String(grace)] });
    attached.push(env);
    return env;
  };

  before(function () {
    assert.ok(existsSync(cliScript), 'dist/emulator-cli.js is missing: run `node scripts/build.mjs` first');
  });
  beforeEach(function () {
    project = makeProject('cbs-process-');
    dataDir = join(project.root, '.cloudbase', 'local');
    mkdirSync(join(project.root, 'cloudfunctions', 'hello'), { recursive: true });
    writeFileSync(join(project.root, 'cloudfunctions', 'hello', 'index.js'), "exports.main = async (event) => { console.log('hi', event.n); return { n: event.n }; };\n");
  });
  afterEach(async function () {
    for (const env of attached.splice(0)) {
      if (processAlive(env.pid)) process.kill(env.pid, 'SIGKILL');
    }
    await delay(100);
    project.remove();
  });

  it('runs in a process that is not this one, and serves the backend contract', async function () {
    const env = await attach();
    assert.equal(env.started, true);
    assert.notEqual(env.pid, process.pid);
    assert.ok(processAlive(env.pid));
    await env.backend.database.createCollection('todos');
    const [id] = await env.backend.database.insertDocuments('todos', [{ title: 'a', n: 1 }]);
    assert.deepEqual((await env.backend.database.getDocument('todos', id))?.title, 'a');
    assert.equal(await env.backend.database.getDocument('todos', 'missing'), undefined);
    await assert.rejects(env.backend.database.createCollection('todos'), (e: unknown) => isStudioError(e, 'CollectionExists'));
    const result = await env.backend.functions.invoke('hello', { n: 7 });
    assert.deepEqual(result.result, { n: 7 });
    const logs = await env.backend.logs.query({ functionName: 'hello' });
    assert.ok(logs.some((l) => l.message.includes('hi 7')));
    await env.backend.storage.upload('a/b.txt', { data: Buffer.from('bytes') }, { overwrite: false });
    assert.equal(Buffer.from(await env.backend.storage.readFile('a/b.txt')).toString(), 'bytes');
    const running = await readRunning(dataDir);
    assert.equal(running?.pid, env.pid);
    assert.equal(statSync(join(dataDir, 'running.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'endpoint.json')).mode & 0o777, 0o600);
  });

  it('serves the simulated WeChat users: the current one is the next invocation\'s caller', async function () {
    mkdirSync(join(project.root, 'cloudfunctions', 'whoami'), { recursive: true });
    writeFileSync(join(project.root, 'cloudfunctions', 'whoami', 'index.js'), 'exports.main = async (event) => ({ openid: process.env.WX_OPENID, userInfo: event.userInfo });\n');
    const env = await attach();
    const { wechat } = env.backend;
    const heard: unknown[] = [];
    wechat.onChange((change) => heard.push(change));
    const dana = await wechat.createUser({ nickname: 'Dana' });
    assert.equal(dana.nickname, 'Dana');
    const before = (await env.backend.functions.invoke('whoami', {})).result as { openid: string };
    assert.notEqual(before.openid, dana.openId);
    const { defaultCaller } = await wechat.listUsers();
    assert.equal(defaultCaller?.openId, before.openid, 'the list names the default caller functions run as');
    assert.deepEqual(await wechat.listUsers(), { users: [dana], defaultCaller });
    await wechat.setCurrentUser(dana.openId);
    assert.equal((await wechat.listUsers()).current, dana.openId);
    const after = (await env.backend.functions.invoke('whoami', {})).result as { openid: string; userInfo: unknown };
    assert.equal(after.openid, dana.openId);
    assert.deepEqual(after.userInfo, { appId: dana.appId, openId: dana.openId });
    assert.deepEqual(await wechat.readInbox(dana.openId), []);
    await assert.rejects(wechat.setCurrentUser('oNobody'), (e: unknown) => isStudioError(e, 'InvalidArgument'));
    await wechat.setCurrentUser(undefined);
    assert.equal(((await env.backend.functions.invoke('whoami', {})).result as { openid: string }).openid, before.openid);
    await wechat.deleteUser(dana.openId);
    assert.deepEqual(await wechat.listUsers(), { users: [], defaultCaller });
    // created, made current, Dana's first invocation recorded, current cleared, deleted
    assert.ok(await until(() => heard.length === 5, 2000), `every change is announced on the event stream: ${JSON.stringify(heard)}`);
    assert.deepEqual(heard[0], {});
  });

  it('is shared by a second window, keeps its port across restarts, and stops after the last window detached', async function () {
    const first = await attach();
    const second = await attach();
    assert.equal(second.started, false);
    assert.equal(second.pid, first.pid);
    const seen: unknown[] = [];
    second.backend.onDatabaseWrite((e) => seen.push(e));
    await first.backend.database.createCollection('shared');
    await first.backend.database.insertDocuments('shared', [{ a: 1 }]);
    assert.ok(await until(() => seen.length >= 2, 3000), 'the other window hears the writes');
    assert.equal(await second.backend.database.countDocuments('shared'), 1);

    await first.detach();
    await delay(1500);
    assert.ok(processAlive(first.pid), 'one window still attached: it runs on');
    await second.detach();
    assert.ok(await until(() => !processAlive(first.pid), 8000), 'stops once the last window left');
    assert.equal(await readRunning(dataDir), undefined);

    const again = await attach();
    assert.equal(again.started, true);
    assert.equal(again.url, first.url, 'the remembered port is reused');
    assert.equal(await again.backend.database.countDocuments('shared'), 1);
  });

  it('tells the window when the process dies, and the next attach starts a new one', async function () {
    const env = await attach();
    const exits: string[] = [];
    env.onExit((e) => exits.push(e.code));
    process.kill(env.pid, 'SIGKILL');
    assert.ok(await until(() => exits.length === 1, 5000), 'the crash is reported');
    assert.deepEqual(exits, ['EnvironmentNotFound']);
    const next = await attach();
    assert.equal(next.started, true);
    assert.notEqual(next.pid, env.pid);
  });

  it('stops for every window on Stop', async function () {
    const first = await attach();
    const second = await attach();
    const exits: string[] = [];
    second.onExit((e) => exits.push(e.code));
    await first.stop();
    assert.ok(!processAlive(first.pid));
    assert.ok(await until(() => exits.length === 1, 5000));
  });

  it('refuses the endpoint without the token', async function () {
    const env = await attach();
    const wrong = new StudioClient(env.url, 'f'.repeat(48));
    await assert.rejects(wrong.call('database.listCollections', [{ limit: 10 }]), (e: unknown) => isStudioError(e, 'Unauthorized'));
    await assert.rejects(wrong.openEvents(() => undefined, () => undefined), (e: unknown) => isStudioError(e, 'Unauthorized'));
    wrong.dispose();
  });

  it('two windows starting at once share one process', async function () {
    const [a, b] = await Promise.all([attach(), attach()]);
    assert.equal(a.pid, b.pid);
    assert.equal([a.started, b.started].filter(Boolean).length, 1);
  });
});
