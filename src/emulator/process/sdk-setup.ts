/**
 * What makes unchanged SDK code run from a terminal reach a local environment, as shell lines:
 * - wx-server-sdk reads TCB_CONTEXT_CNFG (the /admin address) and TCB_ENV;
 * - @cloudbase/node-sdk needs a secretId and secretKey even with serviceUrl or TCB_CONTEXT_CNFG
 *   (it throws "missing secretId or secretKey" otherwise): the environment's token stands in for
 *   the key and the session token, which the SDK sends with every call;
 * - TENCENTCLOUD=true tells node-sdk it runs in the cloud, so it does not first probe Tencent's
 *   metadata host (about 60 ms per call that never succeeds on a workstation).
 * Light: the extension's "Copy SDK Setup" and the command line both print it.
 */
export function sdkSetupLines(envId: string, adminUrl: string, token: string): string[] {
  const context = JSON.stringify({ URL: adminUrl, TCB_ENV: envId, TCB_SEQID: '', TCB_SOURCE: 'scf' });
  return [
    `export TCB_CONTEXT_CNFG='${context}'`,
    `export TCB_ENV=${envId} SCF_NAMESPACE=${envId} TENCENTCLOUD=true`,
    `export TENCENTCLOUD_SECRETID=local TENCENTCLOUD_SECRETKEY=${token} TENCENTCLOUD_SESSIONTOKEN=${token}`,
  ];
}

export function sdkSetup(envId: string, adminUrl: string, token: string): string {
  return sdkSetupLines(envId, adminUrl, token).join('\n');
}
