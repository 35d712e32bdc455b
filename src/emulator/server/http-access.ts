/**
 * HTTP access on the local environment: a request to `http://127.0.0.1:<port>/<route path>…`
 * calls the route's function with the integration event CloudBase's HTTP access service sends,
 * and the function's answer becomes the HTTP response, as in the cloud:
 *
 * - event: `{ path, httpMethod, headers, queryStringParameters, requestContext, body, isBase64Encoded }`;
 *   text bodies (text/*, JSON, form, XML, JavaScript) as they are, anything else base64-encoded.
 * - an answer with `statusCode` is an integration response `{ statusCode, headers, body,
 *   isBase64Encoded }`; one that does not fit it is a 502 whose reason goes to the function's log.
 *   Any other return value is sent as JSON (a string as text), as the cloud does.
 * - request bodies over 6 MB (the cloud's limit for a synchronous invocation) get 413 before the
 *   function runs; a function that fails gets 502 with its error.
 *
 * Routes are public, like the cloud's, and live outside /admin. Routes to HTTP functions (an
 * `scf_bootstrap` in the folder) go to the function's own server instead (web-functions.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import type { LogEntry } from '../../shared/model';
import type { InvokeOutcome } from '../functions/runtime';
import { LOCAL_ROUTES_FILE, matchRoute, readHttpAccessRoutes, type HttpAccessRoute } from '../../project/http-access-routes';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { sendJson } from './http-server';
import { isWebFunction, type WebFunctions } from './web-functions';

export const MAX_HTTP_BODY_BYTES = 6 * 1024 * 1024;

export interface HttpAccessOptions {
  projectRoot: string;
  envId: string;
  invoke(functionName: string, event: unknown): Promise<InvokeOutcome>;
  /** Where a route's problems are told (the function's log). */
  log(entry: LogEntry): void;
  /** HTTP functions (an scf_bootstrap in the folder) are proxied to their own server. */
  web?: { functionRoot: string; functions: WebFunctions };
}

export interface IntegrationEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  requestContext: { serviceId: string; path: string; httpMethod: string; requestId: string; sourceIp: string; stage: string };
  body: string;
  isBase64Encoded: boolean;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript|graphql)|application\/[\w.+-]+\+(json|xml))/i;

function headersOf(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

/** The body, or undefined once it passed the limit (the rest is drained, not kept). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_HTTP_BODY_BYTES) {
    request.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTTP_BODY_BYTES) over = true;
    if (!over) chunks.push(chunk);
  }
  return over ? undefined : Buffer.concat(chunks);
}

export function integrationEvent(request: IncomingMessage, url: URL, route: HttpAccessRoute, body: Buffer, envId: string, requestId: string): IntegrationEvent {
  const type = request.headers['content-type'] ?? '';
  const text = body.length === 0 || TEXT_TYPES.test(type);
  return {
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers: headersOf(request),
    queryStringParameters: queryOf(url),
    requestContext: { serviceId: envId, path: route.path, httpMethod: request.method ?? 'GET', requestId, sourceIp: request.socket.remoteAddress ?? '127.0.0.1', stage: 'release' },
    body: text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text,
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The function's return value as the HTTP answer; throws StudioError naming what is malformed. */
export function answerOf(result: unknown): HttpAnswer {
  const isObject = !!result && typeof result === 'object' && !Array.isArray(result);
  if (!isObject || !('statusCode' in (result as object))) {
    if (typeof result === 'string') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(result) };
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const r = result as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new StudioError('FunctionError', `The function returned a malformed HTTP response: ${what}.`);
  };
  const status = r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) bad(`statusCode ${JSON.stringify(status)} is not an integer from 100 to 599`);
  const headers: Record<string, string | string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) bad('headers is not an object');
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) bad(`the header name ${JSON.stringify(name)} is not valid`);
      const values = Array.isArray(value) ? value : [value];
      if (!values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) bad(`the header ${name} is not a string`);
      const texts = values.map(String);
      if (texts.some((t) => /[\r\n]/.test(t))) bad(`the header ${name} holds a line break`);
      headers[name.toLowerCase()] = texts.length === 1 ? texts[0] : texts;
    }
  }
  if (r.isBase64Encoded !== undefined && typeof r.isBase64Encoded !== 'boolean') bad('isBase64Encoded is not a boolean');
  const raw = r.body ?? '';
  if (typeof raw !== 'string') bad(`body is ${Array.isArray(raw) ? 'an array' : typeof raw}, not a string (JSON.stringify it)`);
  const text = raw as string;
  if (r.isBase64Encoded === true && !BASE64.test(text.replace(/\s+/g, ''))) bad('isBase64Encoded is true but body is not base64');
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status: status as number, headers, body };
}

function send(response: ServerResponse, answer: HttpAnswer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  response.end(answer.body);
}

/**
 * The handler the HTTP server falls back on for paths it does not serve itself. Resolves false
 * when no route covers the path (the server answers 404 then).
 */
/**
 * The route table, read again only when one of its two files changed (checked by size and time on
 * every request, so an edit applies on the next request without a watcher).
 */
function routeTable(projectRoot: string): () => Promise<HttpAccessRoute[]> {
  const files = [join(projectRoot, 'cloudbaserc.json'), join(projectRoot, LOCAL_ROUTES_FILE)];
  let known: { stamp: string; routes: HttpAccessRoute[] } | undefined;
  return async () => {
    const stats = await Promise.all(files.map((f) => fs.stat(f).then((s) => `${s.size}:${s.mtimeMs}`, () => '-')));
    const stamp = stats.join('|');
    if (known?.stamp !== stamp) known = { stamp, routes: await readHttpAccessRoutes(projectRoot) };
    return known.routes;
  };
}

export function httpAccessHandler(options: HttpAccessOptions): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> {
  const routesNow = routeTable(options.projectRoot);
  const logLine = (functionName: string, requestId: string, level: LogEntry['level'], message: string): void =>
    options.log({ time: Date.now(), level, functionName, requestId, message, kind: 'log' });

  return async (request, response, url) => {
    const routes = await routesNow();
    const route = matchRoute(routes, url.pathname);
    if (!route) return false;
    if (route.error) {
      request.resume();
      sendJson(response, 500, { code: 'HTTP_ACCESS_ROUTE_INVALID', message: route.error });
      return true;
    }
    const tooLarge = (): true => {
      if (!response.headersSent) sendJson(response, 413, { code: 'HTTP_BODY_TOO_LARGE', message: `The request body is over ${MAX_HTTP_BODY_BYTES / 1024 / 1024} MB, the cloud's limit for HTTP access.` });
      logLine(route.functionName, '', 'warn', `HTTP access ${request.method} ${url.pathname}: refused a request body over 6 MB (413).`);
      return true;
    };
    const web = options.web;
    if (web && isWebFunction(join(web.functionRoot, route.functionName))) {
      if (Number(request.headers['content-length'] ?? 0) > MAX_HTTP_BODY_BYTES) {
        request.resume();
        return tooLarge();
      }
      const within = await web.functions.handle(route.functionName, request, response, url, MAX_HTTP_BODY_BYTES);
      return within ? true : tooLarge();
    }
    const body = await readBody(request);
    if (!body) return tooLarge();
    const event = integrationEvent(request, url, route, body, options.envId, randomUUID());
    let outcome: InvokeOutcome;
    try {
      outcome = await options.invoke(route.functionName, event);
    } catch (e) {
      if (isStudioError(e, 'FunctionNotFound')) {
        sendJson(response, 404, { code: 'FUNCTION_NOT_FOUND', message: `The route ${route.path} calls ${route.functionName}, which is not a function of this project.` });
        return true;
      }
      if (isStudioError(e, 'InvalidArgument')) {
        sendJson(response, 413, { code: 'HTTP_BODY_TOO_LARGE', message: messageOf(e) });
        return true;
      }
      throw e;
    }
    if (outcome.error) {
      sendJson(response, 502, { code: 'FUNCTIONS_EXECUTE_FAIL', message: outcome.error.message, requestId: outcome.requestId });
      return true;
    }
    let answer: HttpAnswer;
    try {
      answer = answerOf(outcome.result);
    } catch (e) {
      const message = `HTTP access ${request.method} ${url.pathname}: ${messageOf(e)} Answered 502.`;
      logLine(route.functionName, outcome.requestId, 'error', message);
      sendJson(response, 502, { code: 'HTTP_RESPONSE_MALFORMED', message: messageOf(e), requestId: outcome.requestId });
      return true;
    }
    send(response, answer);
    return true;
  };
}
