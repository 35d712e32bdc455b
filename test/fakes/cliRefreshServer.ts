/**
 * A stand-in for the CloudBase CLI's login refresh endpoint on 127.0.0.1: it records each renewal
 * request and answers with new temporary keys, or with the failure a test asks for.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefreshServer {
  url: string;
  requests: Record<string, unknown>[];
  /** What the next renewals answer; the default renews with the `renewed` keys. */
  answer: (request: Record<string, unknown>) => { status?: number; body: string };
  close(): Promise<void>;
}

export const RENEWED = { tmpSecretId: 'AKIDrenewedTmpId000111222333', tmpSecretKey: 'renewedTmpSecretKey-444555666', tmpToken: 'renewedTmpToken-777888999' };

export async function startRefreshServer(now: () => number): Promise<RefreshServer> {
  const requests: Record<string, unknown>[] = [];
  const server: RefreshServer = {
    url: '',
    requests,
    answer: () => ({ body: JSON.stringify({ code: 0, data: { ...RENEWED, tmpExpired: now() + 2 * 3600_000, refreshToken: 'refresh-2' } }) }),
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push(request);
      const { status = 200, body } = server.answer(request);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/tcb_refresh`;
  return server;
}
