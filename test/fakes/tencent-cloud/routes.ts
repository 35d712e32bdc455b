/** What the fake's three front doors (Cloud API, /admin, COS) share: options, faults, records. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeEnvironment, Params } from './actions';

export type Fault =
  | { kind: 'throttle' }
  | { kind: 'serverError'; status?: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'expiredToken' }
  | { kind: 'malformed' }
  | { kind: 'error'; code: string; message: string };

export interface RecordedRequest {
  /** Cloud API: the X-TC-Action; /admin: the body's action (`storage.batchDeleteFile`); COS: `cos:<Operation>`. */
  action: string;
  protocol: 'cloudapi' | 'admin' | 'cos';
  requestId: string;
  /** When it arrived, ms since the epoch. */
  at: number;
  params: Params;
  headers: IncomingMessage['headers'];
  /** The error code when the fake refused the request before running it (signature, token, body). */
  refused?: string;
}

export interface FakeCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

export interface RouteContext {
  credentials: FakeCredentials;
  environments: FakeEnvironment[];
  record(request: RecordedRequest): void;
  /**
   * The fault injected for `action`, if any, after its delay when it is a slow one; `undefined`
   * also when the client went away meanwhile (check `res.destroyed`).
   */
  fault(action: string, res: ServerResponse): Promise<Fault | undefined>;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Answers an injected fault as Tencent's JSON front doors (Cloud API and /admin) do. Returns false
 * when there is none, or only a delay that has passed, so the request goes on.
 */
export function answerFault(fault: Fault | undefined, res: ServerResponse, fail: (code: string, message: string, status?: number) => void): boolean {
  switch (fault?.kind) {
    case 'throttle':
      fail('RequestLimitExceeded', 'Your current request frequency has reached its limit.');
      return true;
    case 'serverError':
      fail('InternalError', 'An internal error has occurred. Retry later.', fault.status ?? 500);
      return true;
    case 'expiredToken':
      fail('AuthFailure.TokenFailure', 'The token has expired.');
      return true;
    case 'malformed':
      send(res, 502, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' });
      return true;
    case 'error':
      fail(fault.code, fault.message);
      return true;
    default:
      return false;
  }
}
