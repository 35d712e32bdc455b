/**
 * A stand-in for dist/local-environment.js: openLocalEnvironment() hands out one FakeBackend per
 * project folder (kept across stop and start, like data on disk) and records opens and closes.
 */
import { basename } from 'node:path';
import type { LocalEnvironment, LocalEnvironmentOptions, OpenLocalEnvironment } from '../../src/extension/environments/localEnvironment';
import { StudioError } from '../../src/shared/errors';
import { FakeBackend } from './fakeBackend';

export class FakeLocalEnvironments {
  readonly backends = new Map<string, FakeBackend>();
  readonly opened: LocalEnvironmentOptions[] = [];
  readonly closed: string[] = [];
  readonly detached: string[] = [];
  /** Environments get detach() (a process shared with other windows) when set. */
  detachable = false;
  private readonly exitListeners = new Map<string, ((error: StudioError) => void)[]>();
  private readonly failures: unknown[] = [];
  /** Resolve these to let a pending open finish (when `holdOpens` is set). */
  private readonly held: (() => void)[] = [];
  holdOpens = false;

  /** The next open fails with `error`. */
  failNextOpen(error: unknown = new StudioError('EnvironmentLocked', 'The data folder is locked by another process.')): void {
    this.failures.push(error);
  }

  /** The environment of `projectRoot` goes away on its own, as a killed process would. */
  crash(projectRoot: string): void {
    const listeners = this.exitListeners.get(projectRoot) ?? [];
    this.exitListeners.delete(projectRoot);
    for (const listener of listeners) listener(new StudioError('EnvironmentNotFound', 'The local environment process stopped unexpectedly.'));
  }

  releaseOpens(): void {
    for (const release of this.held.splice(0)) release();
  }

  backendFor(projectRoot: string): FakeBackend {
    let backend = this.backends.get(projectRoot);
    if (!backend) {
      backend = new FakeBackend({ key: `local:${projectRoot}`, kind: 'local', envId: `local-${basename(projectRoot)}`, label: basename(projectRoot), projectRoot });
      this.backends.set(projectRoot, backend);
    }
    return backend;
  }

  readonly open: OpenLocalEnvironment = async (options) => {
    this.opened.push(options);
    if (this.holdOpens) await new Promise<void>((resolve) => this.held.push(resolve));
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const backend = this.backendFor(options.projectRoot);
    backend.disposed = false;
    const environment: LocalEnvironment = {
      backend,
      url: 'http://127.0.0.1:0',
      envId: backend.environment.envId,
      close: async () => {
        this.closed.push(options.projectRoot);
        await backend.dispose();
      },
      onExit: (listener) => {
        const list = this.exitListeners.get(options.projectRoot) ?? [];
        list.push(listener);
        this.exitListeners.set(options.projectRoot, list);
      },
    };
    if (this.detachable) {
      environment.detach = async () => {
        this.detached.push(options.projectRoot);
      };
    }
    return environment;
  };
}
