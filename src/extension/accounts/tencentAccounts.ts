/**
 * Signed-in Tencent Cloud accounts and their environments: where each account's keys come from
 * (SecretStorage, the CloudBase CLI login, the process environment), the listing of its
 * environments in every configured region (lazily, the first time the tree or a command asks),
 * and the registry entries those environments become, each with a backend of its own. No vscode
 * import: unit tests drive it with in-memory stores and the fake Tencent Cloud.
 */
import { join } from 'node:path';
import { StudioError, messageOf } from '../../shared/errors';
import { accountOfKey, tencentEnvironmentKey } from '../../shared/environmentKeys';
import type { EnvironmentInfo } from '../../shared/model';
import type { CloudBackend } from '../../cloud/backend';
import type { TencentCredentials, TestTransport } from '../../cloud/tencent/manager';
import type { EnvironmentEntry, EnvironmentRegistry } from '../environments/registry';
import type { TencentModule } from '../environments/tencentModule';
import type { Logger } from '../platform/logger';
import { silentLogger } from '../platform/logger';
import type { Account, AccountStore } from './accountStore';
import { readCliCredentials, type CliCredentials, type CliLoginOptions } from './cliLogin';
import { environmentCredentials } from './environmentVariables';

export type AccountListing =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; keys: string[] }
  | { state: 'failed'; error: unknown };

export interface TencentAccountsOptions {
  store: AccountStore;
  registry: EnvironmentRegistry;
  /** Loads dist/tencent.js on first use. */
  tencent: () => TencentModule;
  /** `cloudbase.tencent.regions`. */
  regions: () => string[];
  proxy?: () => string | undefined;
  cliLogin?: CliLoginOptions;
  environment?: () => NodeJS.ProcessEnv;
  /** The extension's global storage: saved test events of Tencent functions go below it. */
  storageFolder?: string;
  log?: Logger;
}

export const DEFAULT_REGIONS = ['ap-shanghai'];

export { tencentEnvironmentKey };

export class TencentAccounts {
  private readonly listings = new Map<string, AccountListing>();
  /** How many times each account was forgotten (signed out, or signed in anew): a listing started before is dropped. */
  private readonly forgotten = new Map<string, number>();
  private readonly loading = new Map<string, Promise<EnvironmentEntry[]>>();
  private readonly listeners = new Set<(accountId: string | undefined) => void>();
  private readonly log: Logger;
  /** Tests only: where Cloud API requests go instead of Tencent Cloud. */
  private transport?: TestTransport;
  /** Where the CloudBase CLI login is read and renewed. */
  cliLogin: CliLoginOptions;

  constructor(private readonly options: TencentAccountsOptions) {
    this.log = options.log ?? silentLogger;
    this.cliLogin = options.cliLogin ?? {};
    options.registry.setResolver(async (key) => {
      const account = this.list().find((a) => a.id === accountOfKey(key));
      if (account && this.listing(account.id).state !== 'ready') await this.environments(account.id);
    });
  }

  list(): Account[] {
    return this.options.store.list();
  }

  onDidChange(listener: (accountId: string | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Tests only: reads the CLI login from another file and renews it elsewhere; undefined restores the defaults. */
  useCliLogin(options: { file: string; refreshUrl?: string } | undefined): void {
    this.cliLogin = options ?? this.options.cliLogin ?? {};
  }

  /** Tests only: see TestTransport. Existing clients are rebuilt on their next use. */
  async useTransport(transport: TestTransport | undefined): Promise<void> {
    this.transport = transport;
    for (const entry of this.options.registry.list()) if (entry.account) await this.options.registry.stop(entry.key);
  }

  /** The keys an account uses now (the CLI login is renewed first when it is about to expire). */
  async credentials(account: Account, signal?: AbortSignal): Promise<CliCredentials> {
    switch (account.source) {
      case 'keys': {
        const keys = await this.options.store.storedKeys(account.id);
        if (!keys) throw new StudioError('Unauthorized', `The keys of ${account.label} are no longer stored: sign in again.`);
        return { credentials: keys };
      }
      case 'cli': {
        const cli = await readCliCredentials({ ...this.cliLogin, signal });
        if (!cli) throw new StudioError('Unauthorized', 'There is no CloudBase CLI login any more: run `tcb login`, then sign in.');
        return cli;
      }
      case 'environment': {
        const keys = environmentCredentials(this.options.environment?.() ?? process.env);
        if (!keys) throw new StudioError('Unauthorized', 'TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are no longer set: sign in again.');
        return { credentials: keys };
      }
    }
  }

  /** Checks keys before they are kept: CloudBase must answer, and be activated for the account. */
  async check(credentials: TencentCredentials, signal?: AbortSignal): Promise<void> {
    const tencent = this.options.tencent();
    const region = this.regions()[0];
    const activated = await tencent.checkCredentials(credentials, region, this.tencentOptions(), signal);
    if (!activated) throw new StudioError('Unauthorized', 'CloudBase is not activated for this Tencent Cloud account: open CloudBase in the Tencent Cloud console first.');
  }

  /** Keeps a checked account and lists its environments (a failed listing shows in the tree). */
  async add(account: Account, keys?: TencentCredentials): Promise<Account> {
    const stored = await this.options.store.add(account, keys);
    await this.forget(stored.id);
    this.log.info(`Signed in to Tencent CloudBase as ${stored.label} (${stored.source})`);
    this.fire(undefined);
    return stored;
  }

  /** Forgets the account, its keys and its environments. */
  async remove(accountId: string): Promise<void> {
    const account = this.options.store.get(accountId);
    await this.forget(accountId);
    await this.options.store.remove(accountId);
    if (account) this.log.info(`Signed out of Tencent CloudBase: ${account.label}`);
    this.fire(undefined);
  }

  listing(accountId: string): AccountListing {
    return this.listings.get(accountId) ?? { state: 'idle' };
  }

  /** The account's environments in the registry, listing them first when not yet listed. */
  async environments(accountId: string): Promise<EnvironmentEntry[]> {
    const listing = this.listing(accountId);
    if (listing.state === 'ready') return this.entriesOf(accountId);
    if (listing.state === 'failed') throw listing.error;
    let running = this.loading.get(accountId);
    if (!running) {
      running = this.load(accountId).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, running);
    }
    return running;
  }

  /** Lists again on next use (Refresh, Retry). */
  reset(accountId?: string): void {
    for (const id of accountId ? [accountId] : [...this.listings.keys()]) this.listings.delete(id);
    this.fire(accountId);
  }

  private async load(accountId: string): Promise<EnvironmentEntry[]> {
    const account = this.options.store.get(accountId);
    if (!account) return [];
    this.listings.set(accountId, { state: 'loading' });
    // A sign-out (or a new sign-in) while the listing is on the wire must not see it put back.
    const generation = this.forgotten.get(accountId) ?? 0;
    const stale = (): boolean => (this.forgotten.get(accountId) ?? 0) !== generation;
    try {
      const { credentials } = await this.credentials(account);
      const tencent = this.options.tencent();
      const found = new Map<string, EnvironmentInfo>();
      for (const region of this.regions()) {
        for (const env of await tencent.listEnvironments(credentials, region, this.tencentOptions())) {
          const key = tencentEnvironmentKey(account.id, env.envId);
          found.set(key, { ...env, key, label: env.label });
        }
      }
      if (stale()) return [];
      const ref = { id: account.id, label: account.label };
      for (const entry of this.entriesOf(accountId)) if (!found.has(entry.key)) await this.options.registry.remove(entry.key);
      if (stale()) return [];
      for (const info of found.values()) this.options.registry.addTencent(info, ref, () => this.open(account, info), this.functionRoot(account.id, info.envId));
      this.listings.set(accountId, { state: 'ready', keys: [...found.keys()] });
      this.log.info(`${account.label}: ${found.size} environment(s) in ${this.regions().join(', ')}`);
      return this.entriesOf(accountId);
    } catch (e) {
      if (stale()) return [];
      this.log.error(`Listing the environments of ${account.label} failed: ${messageOf(e)}`);
      this.listings.set(accountId, { state: 'failed', error: e });
      throw e;
    }
  }

  private async open(account: Account, info: EnvironmentInfo): Promise<{ backend: CloudBackend; expiresAt?: number }> {
    const { credentials, expiresAt } = await this.credentials(account);
    const tencent = this.options.tencent();
    return { backend: new tencent.TencentBackend(info, credentials, this.tencentOptions()), expiresAt };
  }

  private functionRoot(accountId: string, envId: string): string | undefined {
    const folder = this.options.storageFolder;
    return folder ? join(folder, 'tencent', accountId, envId, 'functions') : undefined;
  }

  private entriesOf(accountId: string): EnvironmentEntry[] {
    return this.options.registry.list().filter((e) => e.account?.id === accountId);
  }

  private async forget(accountId: string): Promise<void> {
    this.forgotten.set(accountId, (this.forgotten.get(accountId) ?? 0) + 1);
    this.listings.delete(accountId);
    for (const entry of this.entriesOf(accountId)) await this.options.registry.remove(entry.key);
  }

  private regions(): string[] {
    const configured = this.options.regions().map((r) => r.trim()).filter(Boolean);
    return configured.length > 0 ? [...new Set(configured)] : DEFAULT_REGIONS;
  }

  private tencentOptions(): { proxy?: string; transport?: TestTransport } {
    const proxy = this.options.proxy?.();
    return { ...(proxy ? { proxy } : {}), ...(this.transport ? { transport: this.transport } : {}) };
  }

  private fire(accountId: string | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(accountId);
      } catch (e) {
        this.log.error(`An accounts listener failed: ${messageOf(e)}`);
      }
    }
  }
}
