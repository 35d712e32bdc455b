import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeployRecord, DeployStage } from '../../../../src/cloud/backend';
import { deployFunction, readFunctionSource, readZip, type DeployReport } from '../../../../src/cloud/deploy';
import { functionTimings } from '../../../fakes/tencent-cloud/actions/functions';
import { createManager } from '../../../../src/cloud/tencent/manager';
import { ENV_ID, startHarness, type Harness } from '../../../fakes/tencent-cloud/harness';
import { HELLO, makeProject } from './functions-support';

describe('Deploying functions to Tencent through manager-node and the fake Cloud API', function () {
  // manager-node polls a function's state once a second while it is created or updated.
  this.timeout(30_000);
  let h: Harness;
  let project: string;
  let folder: string;
  const rc = { functions: [{ name: 'hello', timeout: 5, memorySize: 128, envVariables: { GREETING: 'hi' }, triggers: [{ name: 'nightly', type: 'timer', config: '0 0 2 * * * *' }] }] };

  beforeEach(async () => {
    functionTimings.transitionMs = 50;
    h = await startHarness({ functions: { pollIntervalMs: 50 } });
    project = await makeProject({ hello: HELLO }, rc);
    folder = join(project, 'cloudfunctions', 'hello');
  });
  afterEach(async () => {
    await h.close();
    await rm(project, { recursive: true, force: true });
  });

  const actionsSince = (n: number): string[] => h.fake.requests.slice(n).map((r) => r.action);
  async function deploy(previous?: DeployRecord, stages?: DeployStage[], signal?: AbortSignal): Promise<DeployReport> {
    return deployFunction(h.backend.functions, await readFunctionSource(folder), { previous, onStage: (s) => stages?.push(s), signal });
  }

  it('creates a new function with its cloudbaserc.json settings and triggers, inline, and it runs', async () => {
    const stages: DeployStage[] = [];
    const report = await deploy(undefined, stages);
    assert.equal(report.action, 'created');
    assert.equal(report.status, 'Active');
    assert.equal(report.uploaded, true);
    assert.deepEqual(stages, ['pack', 'upload', 'create', 'wait']);
    const create = h.fake.requests.find((r) => r.action === 'CreateFunction')!;
    assert.equal(typeof (create.params.Code as { ZipFile?: string }).ZipFile, 'string');
    assert.equal(create.params.Timeout, 5);
    assert.equal(create.params.MemorySize, 128);
    assert.equal(create.params.Handler, 'index.main');
    assert.equal(create.params.InstallDependency, 'TRUE');
    assert.deepEqual(create.params.Environment, { Variables: [{ Key: 'GREETING', Value: 'hi' }] });
    const trigger = h.fake.requests.find((r) => r.action === 'BatchCreateTrigger')!;
    assert.deepEqual(JSON.parse(String(trigger.params.Triggers)), [{ TriggerName: 'nightly', Type: 'timer', TriggerDesc: '0 0 2 * * * *' }]);
    // The recorded hash is the deployed zip's, as the cloud reports it.
    const zip = Buffer.from((create.params.Code as { ZipFile: string }).ZipFile, 'base64');
    assert.equal(report.record.codeSha256, createHash('sha256').update(zip).digest('hex'));
    assert.equal(report.record.contentHash, report.package.contentHash);
    assert.deepEqual((await h.backend.functions.invoke('hello', { name: 'bo' })).result, { greeting: 'hi bo', v: 1 });
  });

  it('updates the code of an existing function, and the next invocation runs the new code', async () => {
    const first = await deploy();
    await writeFile(join(folder, 'index.js'), "exports.main = async () => ({ v: 2, greeting: process.env.GREETING });\n");
    const mark = h.fake.requests.length;
    const stages: DeployStage[] = [];
    const second = await deploy(first.record, stages);
    assert.equal(second.action, 'updated');
    assert.deepEqual(stages, ['pack', 'upload', 'update', 'wait']);
    assert.ok(actionsSince(mark).includes('UpdateFunctionCode'));
    assert.ok(!actionsSince(mark).includes('UpdateFunctionConfiguration'), 'settings did not change');
    assert.notEqual(second.record.codeSha256, first.record.codeSha256);
    assert.deepEqual((await h.backend.functions.invoke('hello', {})).result, { v: 2, greeting: 'hi' });
  });

  it('uploads nothing when the package is what this project last deployed, in well under a second', async () => {
    const first = await deploy();
    const mark = h.fake.requests.length;
    const again = await deploy(first.record);
    assert.equal(again.action, 'unchanged');
    assert.equal(again.uploaded, false);
    assert.ok(again.elapsedMs < 1000, `took ${again.elapsedMs} ms`);
    assert.deepEqual(actionsSince(mark).sort(), ['GetFunction', 'GetFunctionAddress']);
    // Without a record of a previous deploy the code is sent again (nothing proves it is the same).
    const mark2 = h.fake.requests.length;
    await deploy(undefined);
    assert.ok(actionsSince(mark2).includes('UpdateFunctionCode'));
  });

  it('changes only the settings when only cloudbaserc.json changed', async () => {
    const first = await deploy();
    await writeFile(join(project, 'cloudbaserc.json'), JSON.stringify({ functions: [{ ...rc.functions[0], timeout: 9, envVariables: { GREETING: 'hello' } }] }));
    const mark = h.fake.requests.length;
    const stages: DeployStage[] = [];
    const report = await deploy(first.record, stages);
    assert.equal(report.action, 'configured');
    assert.equal(report.uploaded, false);
    assert.deepEqual(stages, ['pack', 'configure', 'wait']);
    assert.ok(!actionsSince(mark).includes('UpdateFunctionCode'));
    const update = h.fake.requests.slice(mark).find((r) => r.action === 'UpdateFunctionConfiguration')!;
    assert.equal(update.params.Timeout, 9);
    assert.deepEqual(update.params.Environment, { Variables: [{ Key: 'GREETING', Value: 'hello' }] });
    assert.equal((await h.backend.functions.getFunction!('hello'))?.timeoutSeconds, 9);
  });

  it('warns when the deployed code changed since this project deployed it, and deploys its own', async () => {
    const first = await deploy();
    const elsewhere = { ...first.record, codeSha256: 'f'.repeat(64) };
    // The folder differs from what is deployed: deployed code equal to the package would be this project's own.
    await writeFile(join(folder, 'index.js'), 'exports.main = async () => 7;\n');
    // Asked first: declining leaves the deployed code alone.
    const mark = h.fake.requests.length;
    const declined = deployFunction(h.backend.functions, await readFunctionSource(folder), {
      previous: elsewhere,
      confirmOverwrite: () => Promise.reject(Object.assign(new Error('no'), { code: 'Cancelled' })),
    });
    await assert.rejects(declined, { code: 'Cancelled' });
    assert.ok(!actionsSince(mark).includes('UpdateFunctionCode'));
    const report = await deploy(elsewhere);
    assert.deepEqual(report.warnings.filter((w) => w.code === 'DeployedCodeChanged'), [{ code: 'DeployedCodeChanged', functionName: 'hello' }]);
    assert.equal(report.action, 'updated');
  });

  it('can be cancelled while waiting for the function, and says so', async () => {
    functionTimings.transitionMs = 3000;
    const controller = new AbortController();
    const stages: DeployStage[] = [];
    const done = deploy(undefined, stages, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(done, { code: 'Cancelled' });
  });

  it('a deploy cancelled after its code was sent is not taken for another writer\'s deploy next time', async () => {
    const first = await deploy();
    await writeFile(join(folder, 'index.js'), 'exports.main = async () => 5;\n');
    functionTimings.transitionMs = 500;
    const controller = new AbortController();
    const cancelled = deployFunction(h.backend.functions, await readFunctionSource(folder), {
      previous: first.record,
      signal: controller.signal,
      onStage: (stage) => stage === 'wait' && controller.abort(),
    });
    await assert.rejects(cancelled, { code: 'Cancelled' });
    while ((await h.backend.functions.getFunction!('hello'))?.status !== 'Active') await new Promise((r) => setTimeout(r, 50));
    functionTimings.transitionMs = 50;
    const next = await deployFunction(h.backend.functions, await readFunctionSource(folder), {
      previous: first.record,
      confirmOverwrite: () => Promise.reject(new Error('asked about another writer')),
    });
    assert.ok(!next.warnings.some((w) => w.code === 'DeployedCodeChanged'));
    assert.equal((await h.backend.functions.invoke('hello', {})).result, 5);
  });

  it('fetches the deployed code for comparison (GetFunctionAddress, then the download URL)', async () => {
    await deploy();
    const code = await h.backend.functions.getDeployedCode!('hello');
    const entries = await readZip(code.zip);
    assert.deepEqual(entries.map((e) => e.path), ['index.js']);
    assert.equal(entries[0]!.data.toString(), await readFile(join(folder, 'index.js'), 'utf8'));
    assert.equal(code.codeSha256, createHash('sha256').update(code.zip).digest('hex'));
  });

  it('sends a package over 1.5 MB through the upload path (GetTempCosInfo), not inline', async () => {
    // Random bytes do not compress. The fake does not answer GetTempCosInfo, so nothing reaches Tencent's bucket.
    await writeFile(join(folder, 'blob.bin'), randomBytes(2 * 1024 * 1024));
    await assert.rejects(deploy(), { code: 'ServiceError' });
    const actions = h.fake.requests.map((r) => r.action);
    assert.ok(actions.includes('GetTempCosInfo'));
    assert.ok(!actions.includes('CreateFunction'));
  });

  it('replaces a function whose creation failed, and says why a creation fails', async () => {
    // A package that is not a zip: the fake, like SCF, accepts the request and then fails the function.
    const app = createManager({ ...h.credentials, envId: ENV_ID, region: 'ap-shanghai' }, { transport: h.options.transport });
    await assert.rejects(app.functions.createFunction({ func: { name: 'hello' }, base64Code: Buffer.from('not a zip').toString('base64') }), /UnpackFailed/);
    assert.equal((await h.backend.functions.getFunction!('hello'))?.status, 'CreateFailed');
    const report = await deploy();
    assert.equal(report.action, 'created');
    assert.equal(report.status, 'Active');
    assert.ok(h.fake.requests.some((r) => r.action === 'DeleteFunction'));
    assert.deepEqual((await h.backend.functions.invoke('hello', { name: 'cy' })).result, { greeting: 'hi cy', v: 1 });
  });

  describe('failures carry the service message and request id', () => {
    it('throttled code update: retried, then given up with the last request id', async () => {
      const first = await deploy();
      await writeFile(join(folder, 'index.js'), 'exports.main = async () => 3;\n');
      h.fake.inject('UpdateFunctionCode', { kind: 'throttle' }, 1);
      const second = await deploy(first.record);
      assert.equal(second.action, 'updated', 'one throttled answer is retried');
      await writeFile(join(folder, 'index.js'), 'exports.main = async () => 4;\n');
      const before = h.fake.requests.filter((r) => r.action === 'UpdateFunctionCode').length;
      h.fake.inject('UpdateFunctionCode', { kind: 'throttle' });
      await assert.rejects(deploy(second.record), (e: { code?: string; message?: string; requestId?: string }) => {
        assert.equal(e.code, 'Throttled');
        assert.equal(e.requestId, h.fake.requests.filter((r) => r.action === 'UpdateFunctionCode').at(-1)!.requestId);
        return true;
      });
      assert.equal(h.fake.requests.filter((r) => r.action === 'UpdateFunctionCode').length - before, 4, 'one attempt and three retries');
    });

    it('a 5xx on create', async () => {
      h.fake.inject('CreateFunction', { kind: 'serverError', status: 503 }, 1);
      await assert.rejects(deploy(), (e: { code?: string; message?: string; requestId?: string }) => {
        assert.equal(e.code, 'ServiceError');
        assert.match(String(e.message), /internal error/);
        assert.equal(e.requestId, h.fake.requests.find((r) => r.action === 'CreateFunction')!.requestId);
        return true;
      });
    });

    it('an expired token', async () => {
      h.fake.inject('GetFunction', { kind: 'expiredToken' }, 1);
      await assert.rejects(deploy(), (e: { code?: string; requestId?: string }) => e.code === 'Unauthorized' && typeof e.requestId === 'string');
    });
  });
});
