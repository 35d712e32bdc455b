/**
 * A wx-server-sdk function writing to the local database through the local environment's /admin.
 * Runs once the environment (src/emulator/environment.ts and its database engine) can start;
 * until then it is reported as pending with the reason.
 */
import assert from 'node:assert/strict';
import type { FunctionRuntime } from '../../../src/emulator/functions';
import type { LocalEnvironment, LocalEnvironmentOptions } from '../../../src/emulator/environment';
import { copyFixtureProject, createRuntime } from './support';

type Start = (options: LocalEnvironmentOptions) => Promise<LocalEnvironment>;

function loadEnvironment(): Start | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../src/emulator/environment') as { startLocalEnvironment: Start }).startLocalEnvironment;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

describe('functions and the local database', function () {
  this.timeout(60_000);
  let fx: Awaited<ReturnType<typeof copyFixtureProject>>;
  let env: LocalEnvironment | undefined;
  let runtime: FunctionRuntime | undefined;

  before(async function () {
    const start = loadEnvironment();
    if (typeof start === 'string') {
      console.log(`      (local environment not available: ${start})`);
      this.skip();
    }
    fx = await copyFixtureProject();
    env = await start({ projectRoot: fx.dir, envId: 'local-fixture' });
    runtime = createRuntime(fx.project, { envId: env.envId, adminUrl: env.adminUrl });
  });
  after(async () => {
    await runtime?.dispose();
    await env?.close();
    await fx?.remove();
  });

  it('adds a document from a function and reads it back, stamped with the caller', async () => {
    await env!.database.createCollection('notes');
    const out = await runtime!.invoke('database', { collection: 'notes', text: 'from a function' }, { identity: { openId: 'oWriter' } });
    assert.equal(out.error, undefined, out.error?.message);
    const { id, read } = out.result as { id: string; read: { text: string; _openid: string } };
    assert.equal(read.text, 'from a function');
    assert.equal(read._openid, 'oWriter');
    const stored = env!.database.collection('notes').find({ _id: id }).documents;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].text, 'from a function');
  });
});
