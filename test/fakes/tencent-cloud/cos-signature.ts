/**
 * The `q-sign-algorithm=sha1` signature COS documents, which /admin requests use too: recomputed
 * here so the fake refuses a request signed with another key.
 */
import { createHash, createHmac } from 'node:crypto';

export interface CosAuthorization {
  secretId: string;
  keyTime: string;
  headerList: string[];
  paramList: string[];
  signature: string;
}

export function parseCosAuthorization(text: string | undefined): CosAuthorization | undefined {
  if (!text) return undefined;
  const fields = new Map<string, string>();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const secretId = fields.get('q-ak');
  const keyTime = fields.get('q-key-time');
  const signature = fields.get('q-signature');
  if (fields.get('q-sign-algorithm') !== 'sha1' || !secretId || !keyTime || !signature) return undefined;
  const list = (name: string): string[] => (fields.get(name) ? fields.get(name)!.split(';') : []);
  return { secretId, keyTime, headerList: list('q-header-list'), paramList: list('q-url-param-list'), signature };
}

function safeEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function pairs(names: string[], valueOf: (name: string) => string): string {
  return names.map((n) => `${safeEncode(n.toLowerCase())}=${safeEncode(valueOf(n))}`).join('&');
}

export interface CosSignatureInput {
  secretKey: string;
  keyTime: string;
  method: string;
  pathname: string;
  params: { names: string[]; valueOf(name: string): string };
  headers: { names: string[]; valueOf(name: string): string };
}

export function cosSignature(input: CosSignatureInput): string {
  const signKey = createHmac('sha1', input.secretKey).update(input.keyTime).digest('hex');
  const format = [input.method.toLowerCase(), input.pathname, pairs(input.params.names, input.params.valueOf), pairs(input.headers.names, input.headers.valueOf), ''].join('\n');
  const toSign = ['sha1', input.keyTime, createHash('sha1').update(format).digest('hex'), ''].join('\n');
  return createHmac('sha1', signKey).update(toSign).digest('hex');
}

/** Whether the key time (`start;end`, unix seconds) covers now. */
export function keyTimeValid(keyTime: string, now = Date.now() / 1000): boolean {
  const [start, end] = keyTime.split(';').map(Number);
  return start !== undefined && end !== undefined && start - 300 <= now && now <= end;
}
