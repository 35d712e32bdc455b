/**
 * Keys from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY / TENCENTCLOUD_SESSIONTOKEN, the
 * variables manager-node and the Tencent Cloud SDKs read. Read on every use, never stored.
 */
import type { TencentCredentials } from '../../cloud/tencent/manager';

export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): TencentCredentials | undefined {
  const secretId = env.TENCENTCLOUD_SECRETID?.trim();
  const secretKey = env.TENCENTCLOUD_SECRETKEY?.trim();
  if (!secretId || !secretKey) return undefined;
  const token = env.TENCENTCLOUD_SESSIONTOKEN?.trim();
  return { secretId, secretKey, ...(token ? { token } : {}) };
}
