/**
 * Storage in the fake: the bucket name the fake hands out and its file IDs. The objects themselves
 * go through /admin (admin-route.ts) and COS (cos-route.ts); no tcb storage rule actions yet.
 */
import { localBucket } from '../../../../src/emulator/storage/index';
import type { ActionHandler } from './common';

/** COS bucket names end with the account's APPID; the local environment's have none. */
export function cloudBucket(envId: string): string {
  return `${localBucket(envId)}-1250000000`;
}

/** Rewrites the file IDs in a JSON text from one bucket's to the other's. */
export function swapFileIds(json: string, envId: string, toLocal: boolean): string {
  const cloud = `cloud://${envId}.${cloudBucket(envId)}/`;
  const local = `cloud://${envId}.${localBucket(envId)}/`;
  return toLocal ? json.split(cloud).join(local) : json.split(local).join(cloud);
}

export const storageActions: Record<string, ActionHandler> = {};
