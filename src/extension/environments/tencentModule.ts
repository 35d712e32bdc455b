/**
 * How the extension reaches the Tencent CloudBase bundle (dist/tencent.js): it holds
 * @cloudbase/manager-node, which is heavy, so it is required the first time an account's
 * environments are listed or a key is checked, never at activation. No vscode import: unit-tested
 * in plain Node.
 */
import type * as TencentModuleExports from '../../cloud/tencent';
import { lazyBundle } from '../platform/lazyBundle';

export type TencentModule = typeof TencentModuleExports;

export function bundledTencent(extensionPath: string): () => TencentModule {
  return lazyBundle<TencentModule>(extensionPath, 'tencent.js', 'the Tencent CloudBase backend', ['TencentBackend', 'listEnvironments', 'checkCredentials']);
}
