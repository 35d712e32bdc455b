/**
 * The Tencent Cloud accounts the user signed in with. The list (ids, labels, where the keys come
 * from) lives in globalState; keys typed at sign-in live only in SecretStorage, one entry per
 * account. Accounts that reuse the CloudBase CLI login or the process environment store no keys at
 * all: their keys are read from there each time. No vscode import: unit tests pass in-memory stores.
 */
import { createHash } from 'node:crypto';
import { StudioError } from '../../shared/errors';
import type { TencentCredentials } from '../../cloud/tencent/manager';

/** Where an account's keys come from. */
export type CredentialSource = 'keys' | 'cli' | 'environment';

export interface Account {
  readonly id: string;
  /** What the tree shows: never a key. */
  readonly label: string;
  readonly source: CredentialSource;
}

/** The slice of vscode.Memento the store uses. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

/** The slice of vscode.SecretStorage the store uses. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

export const ACCOUNTS_KEY = 'cloudbase.tencent.accounts';
const SECRET_PREFIX = 'cloudbase.tencent.keys.';

/** A short, stable handle for a SecretId that gives nothing of it away. */
export function keysAccountId(secretId: string): string {
  return `keys-${createHash('sha256').update(secretId).digest('hex').slice(0, 12)}`;
}

/** `AKID…cdef`: enough to tell two keys apart in the tree. */
export function maskedSecretId(secretId: string): string {
  const id = secretId.trim();
  return id.length <= 10 ? '…' : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

function isAccount(value: unknown): value is Account {
  const a = value as Partial<Account> | null;
  return !!a && typeof a.id === 'string' && typeof a.label === 'string' && (a.source === 'keys' || a.source === 'cli' || a.source === 'environment');
}

export class AccountStore {
  constructor(
    private readonly state: StateStore,
    private readonly secrets: SecretStore,
  ) {}

  list(): Account[] {
    const stored = this.state.get<unknown[]>(ACCOUNTS_KEY);
    return Array.isArray(stored) ? stored.filter(isAccount).map(({ id, label, source }) => ({ id, label, source })) : [];
  }

  get(id: string): Account | undefined {
    return this.list().find((a) => a.id === id);
  }

  /** Adds (or replaces) an account; keys are kept only for source `keys`. */
  async add(account: Account, keys?: TencentCredentials): Promise<Account> {
    if (account.source === 'keys') {
      if (!keys) throw new StudioError('InvalidArgument', 'An account signed in with keys needs its keys.');
      const { secretId, secretKey, token } = keys;
      await this.secrets.store(SECRET_PREFIX + account.id, JSON.stringify({ secretId, secretKey, ...(token ? { token } : {}) }));
    }
    const entry: Account = { id: account.id, label: account.label, source: account.source };
    await this.state.update(ACCOUNTS_KEY, [...this.list().filter((a) => a.id !== account.id), entry]);
    return entry;
  }

  /** The keys stored for an account signed in with keys; undefined for other sources or when gone. */
  async storedKeys(id: string): Promise<TencentCredentials | undefined> {
    const raw = await this.secrets.get(SECRET_PREFIX + id);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<TencentCredentials>;
      if (typeof parsed.secretId === 'string' && typeof parsed.secretKey === 'string') {
        return { secretId: parsed.secretId, secretKey: parsed.secretKey, ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}) };
      }
    } catch {
      // an unreadable entry is treated as missing: the user signs in again
    }
    return undefined;
  }

  /** Forgets the account and deletes its keys. */
  async remove(id: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + id);
    await this.state.update(
      ACCOUNTS_KEY,
      this.list().filter((a) => a.id !== id),
    );
  }
}
