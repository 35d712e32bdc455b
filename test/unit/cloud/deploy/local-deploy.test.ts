/** Deploying to the local environment is a hot reload of the folder the environment runs. */
import * as assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployFunction, readFunctionSource } from '../../../../src/cloud/deploy';
import { openLocalEnvironment, type OpenedLocalEnvironment } from '../../../../src/cloud/local/index';
import { makeProject, type TestProject } from '../../emulator/server/support';

const FIXED = new Date(Date.UTC(2020, 0, 1));

describe('Deploying to the local environment', function () {
  this.timeout(30_000);
  let project: TestProject;
  let opened: OpenedLocalEnvironment;
  const folder = () => join(project.root, 'cloudfunctions', 'hot');

  before(async () => {
    project = makeProject('cbs-local-deploy-');
    mkdirSync(folder(), { recursive: true });
    writeFileSync(join(folder(), 'index.js'), 'exports.main = async () => "v1";\n');
    utimesSync(join(folder(), 'index.js'), FIXED, FIXED);
    opened = await openLocalEnvironment({ projectRoot: project.root });
  });
  after(async () => {
    await opened?.close();
    project?.remove();
  });

  it('replaces the warm process so the next invocation runs the code on disk', async () => {
    const functions = opened.backend.functions!;
    assert.equal((await functions.invoke('hot', {})).result, 'v1');
    // Same size and modification time: only an explicit reload notices this edit.
    const file = join(folder(), 'index.js');
    writeFileSync(file, 'exports.main = async () => "v2";\n');
    utimesSync(file, FIXED, FIXED);
    assert.equal((await functions.invoke('hot', {})).result, 'v1');
    const stages: string[] = [];
    const report = await deployFunction(functions, await readFunctionSource(folder()), { onStage: (s) => stages.push(s) });
    assert.equal(report.action, 'reloaded');
    assert.equal(report.status, 'Active');
    assert.deepEqual(stages, ['pack', 'update']);
    assert.equal((await functions.invoke('hot', {})).result, 'v2');
  });

  it('refuses a folder the environment does not run', async () => {
    const other = makeProject('cbs-local-deploy-other-');
    try {
      mkdirSync(join(other.root, 'cloudfunctions', 'hot'), { recursive: true });
      writeFileSync(join(other.root, 'cloudfunctions', 'hot', 'index.js'), 'exports.main = async () => 0;\n');
      const source = await readFunctionSource(join(other.root, 'cloudfunctions', 'hot'));
      await assert.rejects(deployFunction(opened.backend.functions!, source), { code: 'InvalidArgument' });
    } finally {
      other.remove();
    }
  });
});
