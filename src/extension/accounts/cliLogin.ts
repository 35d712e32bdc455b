/**
 * Reuses the CloudBase CLI's login (`tcb login`): ~/.config/.cloudbase/auth.json on every OS. A
 * browser login keeps temporary keys (about two hours) and a refresh token (about a month); when
 * the temporary keys are about to expire they are renewed through the CLI's refresh endpoint and
 * written back, so the CLI and the extension keep sharing one login. A key login (`tcb login
 * --apiKeyId`) keeps permanent keys. Nothing here is copied into the extension's own storage.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';
import type { TencentCredentials } from '../../cloud/tencent/manager';

export const DEFAULT_REFRESH_URL = 'https://iaas.cloud.tencent.com/tcb_refresh';

/** Temporary keys closer than this to their end are renewed first (the CLI uses the same margin). */
const RENEW_MARGIN_MS = 120_000;

export function defaultAuthFile(): string {
  return join(homedir(), '.config', '.cloudbase', 'auth.json');
}

export interface CliLoginOptions {
  file?: string;
  /** Tests point this at a server of their own. */
  refreshUrl?: string;
  now?: () => number;
  signal?: AbortSignal;
}

export interface CliCredentials {
  credentials: TencentCredentials;
  /** When temporary keys stop working (ms since the epoch); absent for permanent keys. */
  expiresAt?: number;
}

interface StoredCredential {
  secretId?: string;
  secretKey?: string;
  token?: string;
  tmpSecretId?: string;
  tmpSecretKey?: string;
  tmpToken?: string;
  tmpExpired?: number | string;
  expired?: number | string;
  refreshToken?: string;
  [other: string]: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function time(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function expiredLogin(): StudioError {
  return new StudioError('Unauthorized', 'The CloudBase CLI login has expired: run `tcb login` again, then sign in.');
}

async function readAuthFile(file: string): Promise<{ whole: Record<string, unknown>; credential: StoredCredential } | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StudioError('Internal', `Could not read the CloudBase CLI login at ${file}.`, { cause: e });
  }
  let whole: unknown;
  try {
    whole = JSON.parse(raw);
  } catch {
    // The parse error would quote the file, keys and all.
    throw new StudioError('InvalidJson', `The CloudBase CLI login at ${file} is not valid JSON.`);
  }
  const credential = (whole as { credential?: unknown } | null)?.credential;
  if (!credential || typeof credential !== 'object') return undefined;
  return { whole: whole as Record<string, unknown>, credential: credential as StoredCredential };
}

/** Whether the file holds a login at all (for offering it in Sign In). */
export async function hasCliLogin(file: string = defaultAuthFile()): Promise<boolean> {
  try {
    return (await readAuthFile(file)) !== undefined;
  } catch {
    return true;
  }
}

async function renew(credential: StoredCredential, url: string, signal?: AbortSignal): Promise<StoredCredential> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credential), signal });
  } catch (e) {
    if (signal?.aborted) throw new StudioError('Cancelled', 'The operation was cancelled.');
    throw new StudioError('Network', `Could not reach the CloudBase login service to renew the CLI login (${(e as Error).message}).`);
  }
  let body: { code?: unknown; message?: unknown; data?: unknown };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new StudioError('ServiceError', `The CloudBase login service answered the renewal with HTTP ${res.status} and no JSON.`);
  }
  if (body.code !== 0 && body.code !== '0') {
    const why = typeof body.message === 'string' ? body.message : `code ${String(body.code)}`;
    throw new StudioError('Unauthorized', `The CloudBase CLI login could not be renewed (${why}): run \`tcb login\` again, then sign in.`);
  }
  const data = (body.data ?? {}) as StoredCredential;
  if (!text(data.tmpSecretId) || !text(data.tmpSecretKey)) throw new StudioError('ServiceError', 'The CloudBase login service renewed the login without keys.');
  return { ...credential, ...data };
}

async function writeBack(file: string, whole: Record<string, unknown>, credential: StoredCredential): Promise<void> {
  // Written beside and renamed over, so the CLI never reads half a file; only the owner may read it.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify({ ...whole, credential }), { mode: 0o600 });
  await rename(temp, file);
}

/**
 * The CLI login's keys, renewed first when they are about to expire; undefined when there is no
 * login. A login past its refresh limit fails with Unauthorized.
 */
export async function readCliCredentials(options: CliLoginOptions = {}): Promise<CliCredentials | undefined> {
  const file = options.file ?? defaultAuthFile();
  const now = (options.now ?? Date.now)();
  const found = await readAuthFile(file);
  if (!found) return undefined;
  let { credential } = found;

  const secretId = text(credential.secretId);
  const secretKey = text(credential.secretKey);
  if (secretId && secretKey) return { credentials: { secretId, secretKey, ...(text(credential.token) ? { token: text(credential.token) } : {}) } };

  if (!text(credential.tmpSecretId) || !text(credential.tmpSecretKey)) return undefined;
  const tmpExpired = time(credential.tmpExpired) ?? 0;
  if (tmpExpired < now + RENEW_MARGIN_MS) {
    const refreshLimit = time(credential.expired) ?? 0;
    if (now >= refreshLimit || !text(credential.refreshToken)) throw expiredLogin();
    credential = await renew(credential, options.refreshUrl ?? DEFAULT_REFRESH_URL, options.signal);
    await writeBack(file, found.whole, credential);
  }
  const id = text(credential.tmpSecretId);
  const key = text(credential.tmpSecretKey);
  if (!id || !key) throw expiredLogin();
  const token = text(credential.tmpToken);
  return { credentials: { secretId: id, secretKey: key, ...(token ? { token } : {}) }, expiresAt: time(credential.tmpExpired) };
}
