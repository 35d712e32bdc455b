/**
 * One function's deploy from its folder: read the settings, pack (stage `pack`), hand the package
 * to the environment's backend. Front ends (the extension, tests, the bench) all deploy through
 * here; the backend decides what to upload.
 */
import { StudioError, throwIfAborted } from '../../shared/errors';
import type { DeployOutcome, DeployRecord, DeployStage, FunctionsApi } from '../backend';
import { packFunction, type PackedFunction } from './packager';
import type { FunctionSource } from './settings';

export interface DeployOptions {
  /** What this project last deployed there (see DeployRecord). */
  previous?: DeployRecord;
  /** Upload node_modules as well (default: left out when the cloud installs dependencies). */
  includeNodeModules?: boolean;
  onStage?: (stage: DeployStage) => void;
  /** Sees the package before anything is sent (e.g. to confirm a large one); rejecting stops the deploy. */
  onPacked?: (pkg: PackedFunction) => Promise<void>;
  confirmOverwrite?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface DeployReport extends DeployOutcome {
  name: string;
  package: Pick<PackedFunction, 'contentHash' | 'totalBytes' | 'files'> & { zipBytes: number };
  elapsedMs: number;
}

export async function deployFunction(functions: FunctionsApi, source: FunctionSource, options: DeployOptions = {}): Promise<DeployReport> {
  if (!functions.deploy) throw new StudioError('NotSupported', 'This environment cannot deploy functions.');
  const started = Date.now();
  throwIfAborted(options.signal);
  options.onStage?.('pack');
  const pkg = await packFunction(source.folder, {
    patterns: source.settings.ignore,
    handler: source.settings.handler,
    includeNodeModules: options.includeNodeModules ?? !source.settings.installDependency,
    signal: options.signal,
  });
  await options.onPacked?.(pkg);
  throwIfAborted(options.signal);
  const outcome = await functions.deploy(
    { name: source.name, folder: source.folder, settings: source.settings, package: pkg, previous: options.previous, onStage: options.onStage, confirmOverwrite: options.confirmOverwrite },
    options.signal,
  );
  return {
    ...outcome,
    warnings: [...source.warnings, ...pkg.warnings, ...outcome.warnings],
    name: source.name,
    package: { contentHash: pkg.contentHash, totalBytes: pkg.totalBytes, files: pkg.files, zipBytes: pkg.zip.length },
    elapsedMs: Date.now() - started,
  };
}
