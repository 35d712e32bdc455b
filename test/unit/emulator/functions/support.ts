/**
 * Shared set-up for the function runtime tests: a private copy of the fixture project (tests edit
 * files in it) and a runtime over it. Fixture functions find wx-server-sdk through `nodePath`
 * pointing at the repository's node_modules, the way the runtime offers it, so the copies need no
 * node_modules of their own and the real SDK runs.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { detectProject, type ProjectInfo } from '../../../../src/project/project';
import { FunctionRuntime, type FunctionRuntimeOptions } from '../../../../src/emulator/functions';
import { projectRoot } from '../../../support/projectRoot';

export const repoRoot = projectRoot;

/** The transpiled host next to this build's copy of the runtime. */
export const hostScript = resolve(__dirname, '../../../../src/emulator/functions/host/main.js');

export const repoNodeModules = join(repoRoot, 'node_modules');

export const LOCAL_ENV_ID = 'local-fixture';

export interface FixtureProject {
  dir: string;
  project: ProjectInfo;
  remove(): Promise<void>;
}

export async function copyFixtureProject(): Promise<FixtureProject> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'cbs-functions-'));
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  try {
    await fs.cp(join(repoRoot, 'test', 'fixtures', 'functions', 'project'), dir, { recursive: true });
    return { dir, project: (await detectProject(dir))!, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

export function createRuntime(project: ProjectInfo, options: Partial<FunctionRuntimeOptions> = {}): FunctionRuntime {
  return new FunctionRuntime({
    project,
    envId: LOCAL_ENV_ID,
    adminUrl: 'http://127.0.0.1:9/admin',
    hostScript,
    nodePath: [repoNodeModules],
    ...options,
  });
}

/**
 * For one describe block: a fresh copy of the fixture project and a runtime on it, handed to `use`
 * before the block's tests and disposed after them.
 */
export function withFixtureRuntime(use: (fx: FixtureProject, runtime: FunctionRuntime) => void): void {
  let fx: FixtureProject | undefined;
  let runtime: FunctionRuntime | undefined;
  before(async () => {
    fx = await copyFixtureProject();
    runtime = createRuntime(fx.project);
    use(fx, runtime);
  });
  after(async () => {
    await runtime?.dispose();
    await fx?.remove();
  });
}

/** True while a process with this id exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
