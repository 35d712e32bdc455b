/** A fake Tencent Cloud started in the extension host, with the extension's requests sent to it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudBaseStudioApi } from '../../../src/extension/api';
import { startFakeTencentCloud, type FakeTencentCloud } from '../../fakes/tencent-cloud/server';
import { ScriptedInput } from './scripted';

export interface FakeCloudSession {
  fake: FakeTencentCloud;
  /** A temporary folder of the suite's own; the fake's environments live under it. */
  dataDir: string;
  close(): Promise<void>;
}

export async function startFakeCloud(
  api: CloudBaseStudioApi,
  options: { secretId: string; secretKey: string; environments: { envId: string; alias?: string; region?: string }[] },
): Promise<FakeCloudSession> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cbs-tencent-fake-'));
  const fake = await startFakeTencentCloud({ dataDir, ...options });
  // Test only: Cloud API requests go to the fake; the keys still come from Sign In.
  // COS requests go to the fake as a plain-HTTP proxy.
  await api.useTencentTransport!({ rewriteUrl: (url) => url.replace(/^https:\/\/[^/]+/, fake.url), cosProxy: fake.url });
  return {
    fake,
    dataDir,
    close: async () => {
      await api.useTencentTransport!(undefined);
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sign In with a SecretId and SecretKey typed into the prompts; the account, or undefined when refused. */
export async function signInWithKeys(api: CloudBaseStudioApi, secretId: string, secretKey: string): Promise<{ id: string; label: string; source: string } | undefined> {
  api.useUserInput(new ScriptedInput({ pick: ['Enter SecretId and SecretKey…'], input: [secretId, secretKey, ''] }));
  try {
    return await vscode.commands.executeCommand<{ id: string; label: string; source: string } | undefined>('cloudbase.signIn');
  } finally {
    api.useUserInput(undefined);
  }
}
