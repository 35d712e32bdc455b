/**
 * TC3-HMAC-SHA256, recomputed the way Tencent Cloud API 3.0 documents it, so the fake refuses a
 * request whose signature does not match the key it was configured with.
 */
import { createHash, createHmac } from 'node:crypto';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

export interface SignatureInput {
  secretKey: string;
  service: string;
  /** Hostname without port, as the client signed it. */
  host: string;
  timestamp: number;
  body: string;
}

export function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function tc3Signature(input: SignatureInput): string {
  const date = utcDate(input.timestamp);
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${input.host}\n\ncontent-type;host\n${sha256Hex(input.body)}`;
  const toSign = `TC3-HMAC-SHA256\n${input.timestamp}\n${date}/${input.service}/tc3_request\n${sha256Hex(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string;
  signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return undefined;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!, signature: m[5]! };
}
