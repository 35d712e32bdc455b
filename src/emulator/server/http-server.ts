/**
 * The local environment's HTTP server: 127.0.0.1 only, a small route table, and a close() that
 * lets requests in flight finish so their writes are durable. Loopback is not a boundary against
 * the browser on the same machine, so every request must also name this server in `Host` (a DNS
 * rebinding page names its own domain) and carry no `Origin` but this server's own (a page of
 * another site sends its origin). Half-open sockets cannot pile up: headers must arrive within
 * a few seconds, and past a cap the oldest connection with nothing in flight makes room.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { StudioError, messageOf } from '../../shared/errors';

export const LOCAL_HOST = '127.0.0.1';

export interface HttpRoute {
  method: string;
  /** The exact pathname; query strings are ignored when matching. */
  path: string;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

export interface BrowserApi {
  matches(pathname: string, method?: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
  /** A WebSocket upgrade on one of its paths (Host and Origin already checked); false: not served here. */
  upgrade?(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Ends its long-lived connections (WebSockets) when the server closes. */
  close?(): void;
}

export interface HttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  routes: HttpRoute[];
  /**
   * The client SDK's paths (sign-in, database): a web page served from any loopback port may call
   * them, so their Origin check accepts such pages and they answer CORS themselves.
   */
  browserApi?: BrowserApi;
  /** Paths no route serves go here first (HTTP access); resolving false leaves them a 404. */
  fallback?: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;
  /** Told about failures that could not be answered (the server itself keeps running). */
  onError?: (error: unknown) => void;
  /** Open connections beyond this drop the oldest idle or half-open one. Default 512. */
  maxConnections?: number;
  /** Time a client has to send its request headers. Default 5 s. */
  headersTimeoutMs?: number;
}

const DEFAULT_MAX_CONNECTIONS = 512;
const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;

/** Who may talk to the server on `port`: these Host values, and no Origin or one of these. */
export function loopbackNames(port: number): { hosts: Set<string>; origins: Set<string> } {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return { hosts: new Set(hosts), origins: new Set(hosts.map((h) => `http://${h}`)) };
}

/** A page served from this machine (any port), as a web app under development is. */
export function isLoopbackPage(origin: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i.test(origin);
}

/**
 * Why a request is refused before any route sees it, or undefined when it may go on.
 * `loopbackPages` admits pages of other local ports too (the client SDK's paths).
 */
export function refusal(request: IncomingMessage, port: number, loopbackPages = false): string | undefined {
  const { hosts, origins } = loopbackNames(port);
  const host = (request.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `Host "${request.headers.host ?? ''}" is not this local environment (127.0.0.1:${port} or localhost:${port}).`;
  const origin = request.headers.origin;
  if (origin !== undefined && !origins.has(origin.toLowerCase()) && !(loopbackPages && isLoopbackPage(origin))) return `Requests from ${origin} are not accepted.`;
  return undefined;
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
  let port = options.port;
  // Oldest first (insertion order); a socket is busy from its request until the answer is sent.
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  const server = createServer({ headersTimeout: options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout: 300_000, connectionsCheckingInterval: 1_000 }, (request, response) => {
    busy.add(request.socket);
    response.on('close', () => busy.delete(request.socket));
    const url = new URL(request.url ?? '/', `http://${LOCAL_HOST}`);
    const browserApi = options.browserApi?.matches(url.pathname, request.method) ? options.browserApi : undefined;
    const refused = refusal(request, port, browserApi !== undefined);
    if (refused) {
      request.resume();
      sendJson(response, 403, { code: 'PERMISSION_DENIED', message: refused }, { connection: 'close' });
      return;
    }
    if (closing) {
      // A kept-alive connection may still deliver a request after close() began.
      request.resume();
      sendJson(response, 503, { code: 'SYS_ERR', message: 'The local environment is shutting down.' }, { connection: 'close' });
      return;
    }
    const samePath = options.routes.filter((r) => r.path === url.pathname);
    const route = samePath.find((r) => r.method === request.method);
    const fallback = options.fallback;
    const handle: HttpRoute['handle'] | undefined =
      browserApi?.handle ??
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
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
    if (sockets.size <= maxConnections) return;
    // Full: the oldest connection with nothing in flight (half-open, or idle between requests) goes.
    for (const old of sockets) {
      if (old !== socket && !busy.has(old)) {
        old.destroy();
        return;
      }
    }
    socket.destroy();
  });
  // Upgraded sockets (realtime watches) live outside the HTTP connection cap and its idle eviction.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://${LOCAL_HOST}`);
    const refused = refusal(request, port, true);
    const deny = (status: string, message: string): void => {
      const body = JSON.stringify({ code: 'PERMISSION_DENIED', message });
      socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (refused) return deny('403 Forbidden', refused);
    if (closing) return deny('503 Service Unavailable', 'The local environment is shutting down.');
    sockets.delete(socket as Socket);
    busy.delete(socket as Socket);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    try {
      if (!options.browserApi?.upgrade?.(request, socket, head, url)) deny('404 Not Found', `No WebSocket is served at ${url.pathname}.`);
    } catch (e) {
      options.onError?.(e);
      socket.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
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

  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOCAL_HOST}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // SDK clients keep connections alive; idle ones would hold close() open forever.
        server.closeIdleConnections();
        options.browserApi?.close?.();
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
