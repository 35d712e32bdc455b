/**
 * What the extension remembers about deploys, in the workspace's state: the last deploy of each
 * function to each environment (for "unchanged" and "changed elsewhere"), and the environment each
 * project last deployed to. vscode-free (unit tests load it in plain Node): it takes any
 * Memento-like store.
 */
import type { DeployRecord } from '../../cloud/backend';

export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const RECORDS_KEY = 'cloudbase.deploy.records';
const TARGETS_KEY = 'cloudbase.deploy.targets';

function recordKey(envKey: string, folder: string): string {
  return `${envKey}\u0000${folder}`;
}

export class DeployState {
  constructor(private readonly store: StateStore) {}

  record(envKey: string, folder: string): DeployRecord | undefined {
    return this.store.get<Record<string, DeployRecord>>(RECORDS_KEY)?.[recordKey(envKey, folder)];
  }

  async setRecord(envKey: string, folder: string, record: DeployRecord): Promise<void> {
    const all = { ...this.store.get<Record<string, DeployRecord>>(RECORDS_KEY) };
    all[recordKey(envKey, folder)] = record;
    await this.store.update(RECORDS_KEY, all);
  }

  lastTarget(projectRoot: string): string | undefined {
    return this.store.get<Record<string, string>>(TARGETS_KEY)?.[projectRoot];
  }

  async setLastTarget(projectRoot: string, envKey: string): Promise<void> {
    await this.store.update(TARGETS_KEY, { ...this.store.get<Record<string, string>>(TARGETS_KEY), [projectRoot]: envKey });
  }
}

/** Runs `work` over the items, at most `limit` at a time, keeping each outcome in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
