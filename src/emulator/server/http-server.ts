/**
 * The local environment's HTTP server: 127.0.0.1 only, a small route table (/admin now; signed
 * file URLs later), and a close() that lets requests in flight finish so their writes are durable.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StudioError, messageOf } from '../../shared/errors';

export const LOCAL_HOST = '127.0.0.1';

export interface HttpRoute {
  method: string;
  /** The exact pathname; query strings are ignored when matching. */
  path: string;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

export interface HttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  routes: HttpRoute[];
  /** Paths no route serves go here first (HTTP access); resolving false leaves them a 404. */
  fallback?: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;
  /** Told about failures that could not be answered (the server itself keeps running). */
  onError?: (error: unknown) => void;
}

export interface HttpServerHandle {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const server = createServer((request, response) => {
    if (closing) {
      // A kept-alive connection may still deliver a request after close() began.
      request.resume();
      sendJson(response, 503, { code: 'SYS_ERR', message: 'The local environment is shutting down.' }, { connection: 'close' });
      return;
    }
    const url = new URL(request.url ?? '/', `http://${LOCAL_HOST}`);
    const samePath = options.routes.filter((r) => r.path === url.pathname);
    const route = samePath.find((r) => r.method === request.method);
    const fallback = options.fallback;
    const handle: HttpRoute['handle'] | undefined =
      route?.handle ??
      (samePath.length === 0 && fallback
        ? async (req, res, u) => {
            if (!(await fallback(req, res, u))) {
              req.resume();
              sendJson(res, 404, { message: `Nothing is served at ${u.pathname}.` });
            }
          }
        : undefined);
    if (!handle) {
      request.resume();
      if (samePath.length > 0) sendJson(response, 405, { message: `Method ${request.method} is not allowed on ${url.pathname}.` }, { allow: samePath.map((r) => r.method).join(', ') });
      else sendJson(response, 404, { message: `Nothing is served at ${url.pathname}.` });
      return;
    }
    const work = handle(request, response, url).catch((e: unknown) => {
      options.onError?.(e);
      if (!response.headersSent) sendJson(response, 500, { code: 'SYS_ERR', message: `Internal error: ${messageOf(e)}` });
      else response.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  // A client that misbehaves at the socket level must not take the server down.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Clients that hang up (ECONNRESET, EPIPE) are routine, not failures worth reporting.
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') options.onError?.(error);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException): void => {
      reject(
        e.code === 'EADDRINUSE'
          ? new StudioError('Conflict', `Port ${options.port} on ${LOCAL_HOST} is already in use.`, { cause: e })
          : new StudioError('Internal', `Could not listen on ${LOCAL_HOST}:${options.port}: ${e.message}`, { cause: e }),
      );
    };
    server.once('error', fail);
    server.listen(options.port, LOCAL_HOST, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (e) => options.onError?.(e));

  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOCAL_HOST}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // SDK clients keep connections alive; idle ones would hold close() open forever.
        server.closeIdleConnections();
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
