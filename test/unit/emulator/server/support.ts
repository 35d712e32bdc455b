/** Shared set-up for the /admin tests: a throw-away project with a running local environment. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { projectRoot } from '../../../support/projectRoot';

export const repoRoot = projectRoot;

export interface TestProject {
  root: string;
  remove(): void;
}

export function makeProject(prefix = 'cbs-server-'): TestProject {
  const root = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(root, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface TestEnvironment {
  project: TestProject;
  env: LocalEnvironment;
  stop(): Promise<void>;
}

export async function startTestEnvironment(): Promise<TestEnvironment> {
  const project = makeProject();
  const env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-test' });
  return {
    project,
    env,
    async stop() {
      await env.close();
      project.remove();
    },
  };
}

/** A raw POST, for what the SDKs never send (malformed bodies, unknown actions). */
export function postRaw(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await postRaw(url, JSON.stringify(body));
  return JSON.parse(res.body) as Record<string, unknown>;
}
