/**
 * A bundle of dist/ required by path the first time it is needed, never at activation, and
 * checked for the exports its caller relies on. No vscode import: unit-tested in plain Node.
 */
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';

export function lazyBundle<T extends object>(extensionPath: string, bundle: string, what: string, exports: readonly (keyof T)[]): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load<T>(join(extensionPath, 'dist', bundle), what, exports));
}

function load<T extends object>(file: string, what: string, exports: readonly (keyof T)[]): T {
  let mod: Partial<T>;
  try {
    mod = require(file) as Partial<T>;
  } catch (e) {
    throw new StudioError('Internal', `Could not load ${what} from ${file}.`, { cause: e });
  }
  if (exports.some((name) => typeof mod[name] !== 'function')) throw new StudioError('Internal', `${file} does not export ${what}.`);
  return mod as T;
}
