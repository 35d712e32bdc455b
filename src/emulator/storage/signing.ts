/**
 * Temporary URLs: the key, an expiry and an HMAC over both with a secret that only this
 * environment knows (kept in its data folder, created on first use), so a URL cannot be forged
 * or extended and stops working when it expires, as the cloud's do.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export type UrlPurpose = 'download' | 'upload';

/** getTempFileURL's default in the cloud: two hours. */
export const DEFAULT_URL_SECONDS = 2 * 60 * 60;
/** The cloud's ceiling for max_age: one day. */
export const MAX_URL_SECONDS = 24 * 60 * 60;

/** Reads the environment's secret, creating it once (exclusive create: two starts agree on one). */
export async function loadSecret(file: string): Promise<Buffer> {
  try {
    return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(32);
  try {
    await fs.writeFile(file, secret.toString('hex'), { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
    throw e;
  }
}

export interface SignedParams {
  key: string;
  /** Unix seconds. */
  expires: number;
  sign: string;
}

export type Verdict = { ok: true; key: string } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export class UrlSigner {
  constructor(private readonly secret: Buffer) {}

  sign(purpose: UrlPurpose, key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${expires}\n${key}`).digest('hex');
  }

  /** Query parameters for a URL valid `seconds` from `now` (ms). The key travels as base64url so the SDKs' encodeURI leaves it alone. */
  query(purpose: UrlPurpose, key: string, seconds: number, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + seconds;
    const params = new URLSearchParams({ key: Buffer.from(key, 'utf8').toString('base64url'), expires: String(expires), sign: this.sign(purpose, key, expires) });
    return params.toString();
  }

  verify(purpose: UrlPurpose, params: URLSearchParams, now = Date.now()): Verdict {
    const encoded = params.get('key');
    const expiresText = params.get('expires');
    const sign = params.get('sign');
    if (!encoded || !expiresText || !sign || !/^\d{1,12}$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(sign)) return { ok: false, reason: 'malformed' };
    const key = Buffer.from(encoded, 'base64url').toString('utf8');
    const expires = Number(expiresText);
    const expected = Buffer.from(this.sign(purpose, key, expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sign, 'hex'))) return { ok: false, reason: 'forged' };
    if (expires * 1000 <= now) return { ok: false, reason: 'expired' };
    return { ok: true, key };
  }
}
