/**
 * How the extension reaches the Tencent CloudBase bundle (dist/tencent.js): it holds
 * @cloudbase/manager-node, which is heavy, so it is required the first time an account's
 * environments are listed or a key is checked, never at activation. No vscode import: unit-tested
 * in plain Node.
 */
import { join } from 'node:path';
import type * as TencentModuleExports from '../../cloud/tencent';
import { StudioError } from '../../shared/errors';

export type TencentModule = typeof TencentModuleExports;

export function bundledTencent(extensionPath: string): () => TencentModule {
  let loaded: TencentModule | undefined;
  return () => (loaded ??= load(join(extensionPath, 'dist', 'tencent.js')));
}

function load(file: string): TencentModule {
  let mod: Partial<TencentModule>;
  try {
    mod = require(file) as Partial<TencentModule>;
  } catch (e) {
    throw new StudioError('Internal', `Could not load Tencent CloudBase support from ${file}.`, { cause: e });
  }
  if (typeof mod.TencentBackend !== 'function' || typeof mod.listEnvironments !== 'function' || typeof mod.checkCredentials !== 'function') {
    throw new StudioError('Internal', `${file} does not export the Tencent CloudBase backend.`);
  }
  return mod as TencentModule;
}
