/**
 * How the extension reaches the local environment bundle (dist/local-environment.js). It holds
 * the database engine and the HTTP server, so it is required on first use, never at activation,
 * and it sits behind a factory that unit tests replace with an in-memory fake.
 */
import { join } from 'node:path';
import type { CloudBackend } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';

export interface LocalEnvironmentOptions {
  projectRoot: string;
  dataDir?: string;
  port?: number;
  timersPaused?: boolean;
}

export interface LocalEnvironment {
  backend: CloudBackend;
  url: string;
  envId: string;
  /** Pauses or resumes every timer trigger (absent on environments without them). */
  setTimersPaused?(paused: boolean): void;
  /** Flushes the database and releases the data folder. */
  close(): Promise<void>;
}

export type OpenLocalEnvironment = (options: LocalEnvironmentOptions) => Promise<LocalEnvironment>;

export function bundledLocalEnvironment(extensionPath: string): OpenLocalEnvironment {
  let open: OpenLocalEnvironment | undefined;
  return (options) => {
    open ??= load(join(extensionPath, 'dist', 'local-environment.js'));
    return open(options);
  };
}

function load(file: string): OpenLocalEnvironment {
  let mod: { openLocalEnvironment?: unknown };
  try {
    mod = require(file) as { openLocalEnvironment?: unknown };
  } catch (e) {
    throw new StudioError('Internal', `Could not load the local environment from ${file}.`, { cause: e });
  }
  if (typeof mod.openLocalEnvironment !== 'function') {
    throw new StudioError('Internal', `${file} does not export openLocalEnvironment.`);
  }
  return mod.openLocalEnvironment as OpenLocalEnvironment;
}
