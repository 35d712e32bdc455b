/** Tencent CloudBase environments. Loading this pulls in @cloudbase/manager-node: load it lazily. */
export { TencentBackend, listEnvironments, checkCredentials, type TencentOptions } from './tencent-backend';
export type { TencentCredentials, TestTransport } from './manager';
