/** Starts the fake and a TencentBackend pointed at it through the real manager-node. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TencentBackend, type TencentCredentials, type TencentOptions } from '../../../src/cloud/tencent';
import { startFakeTencentCloud, type FakeTencentCloud } from './server';

export const SECRET_ID = 'AKIDfakeTestId0123456789abcdef';
export const SECRET_KEY = 'fakeTestSecretKey-9f8e7d6c5b4a3210';
export const ENV_ID = 'studio-test-1a2b3c';

export interface Harness {
  fake: FakeTencentCloud;
  backend: TencentBackend;
  credentials: TencentCredentials;
  options: TencentOptions;
  close(): Promise<void>;
}

/**
 * Everything the client needs to reach the fake: Cloud API and /admin URLs rewritten to it, COS
 * through it as a plain-HTTP proxy. The extension-host tests hand exactly this to the extension.
 */
export function transportTo(fake: FakeTencentCloud): NonNullable<TencentOptions['transport']> {
  return { rewriteUrl: (url) => url.replace(/^https:\/\/[^/]+/, fake.url), cosProxy: fake.url };
}

/** `fakeToken`: the STS session token the fake requires (none by default). */
export async function startHarness(options: Partial<TencentOptions> = {}, credentials: Partial<TencentCredentials> = {}, fakeToken?: string): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tencent-fake-'));
  const fake = await startFakeTencentCloud({
    dataDir,
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    token: fakeToken,
    environments: [
      { envId: ENV_ID, alias: 'studio', region: 'ap-shanghai' },
      { envId: 'other-env-9z8y', alias: 'other', region: 'ap-shanghai' },
    ],
  });
  const creds: TencentCredentials = { secretId: SECRET_ID, secretKey: SECRET_KEY, ...credentials };
  const opts: TencentOptions = { transport: transportTo(fake), retryDelayMs: 5, timeoutMs: 5000, ...options };
  const backend = new TencentBackend({ key: `tencent:${ENV_ID}`, kind: 'tencent', envId: ENV_ID, label: 'studio', region: 'ap-shanghai' }, creds, opts);
  return {
    fake,
    backend,
    credentials: creds,
    options: opts,
    async close() {
      await backend.dispose();
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
