// One test run's workbench: a fresh seeded demo project, a fresh profile, code-server on a free
// port. Everything is released in reverse order by `release()` (and by the signal handlers).
import { join } from 'node:path';
import { createProfile, freePort, installVsix, startCodeServer } from './code-server.mjs';
import { ensureDemoProject } from './demo.mjs';
import { cacheDir } from './paths.mjs';
import { tempDir } from './processes.mjs';
import { ensureTools } from './tools.mjs';

/**
 * `env` (or a function of the session's temporary folder returning it) goes to code-server and so
 * to the extension host.
 * @param {{ name: string, vsix?: string, smokeTestDriver?: boolean, env?: Record<string,string> | ((dir: string) => Record<string,string>), onLine?: (l: string) => void }} options
 */
export async function openSession({ name, vsix, smokeTestDriver = false, env = {}, onLine }) {
  const releases = [];
  const release = async () => {
    while (releases.length > 0) await releases.pop()();
  };
  try {
    const tools = await ensureTools();
    const tmp = tempDir(`cbs-${name}-`);
    releases.push(tmp.release);
    // The project sits inside the repository's cache folder, like `npm start`'s demo, so its cloud
    // functions resolve wx-server-sdk from the repository's node_modules.
    const projectParent = tempDir(`${name}-`, join(cacheDir, 'runs'));
    releases.push(projectParent.release);
    const demo = await ensureDemoProject(join(projectParent.dir, 'cloudbase-demo'));
    const profile = createProfile(tmp.dir, { isolateHome: true });
    if (vsix) await installVsix(tools, profile, vsix);
    // The tests reach the extension's test hooks; a user's VS Code never has them (see src/extension/testHooks.ts).
    const sessionEnv = { CLOUDBASE_STUDIO_TEST_HOOKS: '1', ...(typeof env === 'function' ? env(tmp.dir) : env) };
    const server = await startCodeServer(tools, profile, { port: await freePort(), folder: demo.path, smokeTestDriver, env: sessionEnv, onLine });
    releases.push(server.stop);
    return { tools, dir: tmp.dir, workspace: demo.path, seeded: demo.counts, profile, server, release };
  } catch (e) {
    await release();
    throw e;
  }
}
