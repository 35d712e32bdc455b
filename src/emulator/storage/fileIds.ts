/**
 * File IDs shaped like the cloud's: `cloud://<envId>.<bucket>/<key>`. A local environment has one
 * bucket, named like Tencent's (`7463-<envId>`, "tc" in hex) so code that splits IDs keeps working.
 */
import { StudioError } from '../../shared/errors';
import { checkFileKey } from '../../project/storage-paths';

export function localBucket(envId: string): string {
  return `7463-${envId}`;
}

export function fileIdOf(envId: string, key: string): string {
  return `cloud://${envId}.${localBucket(envId)}/${key}`;
}

/** The key a file ID names in this environment; refuses IDs of other environments or buckets. */
export function keyOfFileId(envId: string, fileId: unknown): string {
  if (typeof fileId !== 'string' || !fileId.startsWith('cloud://')) {
    throw new StudioError('InvalidPath', `Not a file ID: ${JSON.stringify(fileId)} (expected cloud://<envId>.<bucket>/<path>).`);
  }
  const prefix = `cloud://${envId}.${localBucket(envId)}/`;
  if (!fileId.startsWith(prefix)) {
    throw new StudioError('InvalidPath', `The file ID ${fileId} belongs to another environment or bucket (this one is ${prefix}).`);
  }
  return checkFileKey(fileId.slice(prefix.length));
}
