/**
 * A window's connection to its project's environment process: calls over `POST /studio/rpc`
 * and one event stream (`GET /studio/events`) that also keeps the window attached. Plain
 * node:http to 127.0.0.1 (no proxy can intercept it); no engine code is loaded here.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { StudioError, type ErrorCode } from '../../shared/errors';
import { EVENTS_PATH, RPC_PATH, TOKEN_HEADER, type RpcReply, type StudioEventName } from './studio-protocol';

export type EventHandler = (event: StudioEventName, data: unknown) => void;

export class StudioClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  call<T>(method: string, params: unknown[] = [], signal?: AbortSignal, timeoutMs?: number): Promise<T> {
    if (signal?.aborted) return Promise.reject(new StudioError('Cancelled', 'The operation was cancelled.'));
    const body = JSON.stringify({ method, params });
    return new Promise<T>((resolve, reject) => {
      const target = new URL(RPC_PATH, this.url);
      const req = httpRequest(
        target,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [TOKEN_HEADER]: this.token },
          timeout: timeoutMs,
        },
        (res) => {
          readAll(res).then((text) => {
            let reply: RpcReply;
            try {
              reply = JSON.parse(text) as RpcReply;
            } catch {
              reject(new StudioError('ServiceError', `The local environment answered ${res.statusCode ?? '?'} with a body that is not JSON.`));
              return;
            }
            if ('error' in reply) reject(new StudioError(reply.error.code as ErrorCode, reply.error.message));
            else resolve(reply.result as T);
          }, reject);
        },
      );
      const onAbort = (): void => {
        req.destroy();
        reject(new StudioError('Cancelled', 'The operation was cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('timeout', () => req.destroy(new StudioError('Timeout', `The local environment did not answer ${method} in time.`)));
      req.on('error', (e) => reject(e instanceof StudioError ? e : new StudioError('Network', `The local environment at ${this.url} cannot be reached: ${e.message}`, { cause: e })));
      req.end(body);
    });
  }

  /**
   * Opens the event stream; resolves once the process has accepted it (the window counts as
   * attached from then on). `onEnd` hears when it ends for any reason but close().
   */
  openEvents(onEvent: EventHandler, onEnd: (error?: unknown) => void): Promise<{ close(): void }> {
    return new Promise((resolve, reject) => {
      let closed = false;
      let opened = false;
      const req = httpRequest(new URL(EVENTS_PATH, this.url), { method: 'GET', headers: { accept: 'text/event-stream', [TOKEN_HEADER]: this.token } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new StudioError(res.statusCode === 401 ? 'Unauthorized' : 'ServiceError', `The local environment refused its event stream (${res.statusCode ?? '?'}).`));
          return;
        }
        opened = true;
        resolve({
          close: () => {
            closed = true;
            req.destroy();
          },
        });
        parseEvents(res, onEvent);
        res.on('close', () => {
          if (!closed) onEnd();
        });
      });
      req.on('error', (e) => {
        if (!opened) reject(new StudioError('Network', `The local environment at ${this.url} cannot be reached: ${e.message}`, { cause: e }));
        else if (!closed) onEnd(e);
      });
      req.end();
    });
  }

  dispose(): void {
    this.agent.destroy();
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** The subset of Server-Sent Events the process writes: `event:` and one `data:` line, comments. */
function parseEvents(res: IncomingMessage, onEvent: EventHandler): void {
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name: string | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (!name) continue;
      try {
        onEvent(name as StudioEventName, JSON.parse(data));
      } catch {
        // A listener's failure or a malformed event must not end the stream.
      }
    }
  });
}
