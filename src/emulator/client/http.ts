/** Reading and answering client requests: JSON bodies in any content type the SDK sends, CORS for local pages. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StudioError } from '../../shared/errors';
import { isLoopbackPage, sendJson } from '../server/http-server';
import { isPlainObject } from '../server/wire-values';
import type { ClientIdentity, TokenSigner } from './tokens';

/** The cloud's document limit is 16 MB; a batch of them stays under this. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Any JSON value (a function's event, storage's arrays of objects); an empty body is undefined. */
export async function readJsonValue(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new StudioError('DocumentTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new StudioError('InvalidJson', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** js-sdk posts sign-in as text/plain and database calls as application/json: both are JSON. */
export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const body = (await readJsonValue(request)) ?? {};
  if (!isPlainObject(body)) throw new StudioError('InvalidArgument', 'The request body must be a JSON object.');
  return body;
}

/** Headers that let a page on another local port read the answer. */
export function corsHeaders(request: IncomingMessage): Record<string, string> {
  const origin = request.headers.origin;
  if (origin === undefined || !isLoopbackPage(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'x-request-id' };
}

/** The preflight a browser sends before a JSON POST or PATCH from another port. */
export function answerPreflight(request: IncomingMessage, response: ServerResponse): void {
  const asked = request.headers['access-control-request-headers'];
  response.writeHead(204, {
    ...corsHeaders(request),
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': typeof asked === 'string' ? asked : 'authorization, content-type',
    'access-control-max-age': '600',
    'content-length': '0',
  });
  response.end();
}

export function reply(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
  sendJson(response, status, body, corsHeaders(request));
}

/** The signed-in user of a request, null without a token; a TokenError for a token this environment refuses. */
export async function identify(request: IncomingMessage, signer: TokenSigner): Promise<ClientIdentity | null> {
  const token = bearerOf(request);
  return token === undefined ? null : signer.verify(token, 'access');
}

/** The bearer token of a request, or undefined when it carries none. */
export function bearerOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const match = /^Bearer\s+(.*)$/i.exec(header.trim());
  return match ? match[1].trim() : header.trim();
}
