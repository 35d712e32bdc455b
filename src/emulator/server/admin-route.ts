/**
 * `POST /admin` (with or without `?env=…&seqId=…`): reads the JSON body and answers with the
 * dispatcher's reply. Only `application/json` is read (what node-sdk and wx-server-sdk send; a
 * web page cannot send it across origins without a preflight this server never grants), and the
 * SDKs' multipart `wx.*` platform calls (only those actions), which still need the token and a
 * same-origin (or absent) Origin like every call. With a
 * token, a call must carry it: as the SDKs' `sessionToken` (TENCENTCLOUD_SESSIONTOKEN, or
 * `init({ sessionToken })`), as `Authorization: Bearer <token>` (node-sdk's `accessKey`), or in
 * the studio header. Signatures are not checked: the token is the secret, not the keys.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../../shared/errors';
import { BinaryReply, type AdminReply, type ServiceTable } from './protocol';
import { dispatchAdmin } from './dispatch';
import { readAdminForm } from './admin-form';
import { sendJson, type HttpRoute } from './http-server';
import { toWireError } from './wire-errors';

export const ADMIN_PATH = '/admin';

/** Far above what the SDKs send (a document is at most 16 MB in the cloud). */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * A `wx.*` call's binary payload (`requestData`). Larger ones reach the service as an
 * OversizedPart, which answers with WeChat's "content size out of limit".
 */
export const MAX_PLATFORM_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface AdminRouteOptions {
  envId: string;
  services: ServiceTable;
  maxBodyBytes?: number;
  /** Hears about failures that are defects of the environment, not of the request. */
  onError?: (error: unknown) => void;
  /** Required of every call when set. */
  token?: string;
}

export const STUDIO_TOKEN_HEADER = 'x-cloudbase-studio-token';

/** `application/json`, with parameters (charset) or not. */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/json\s*(;|$)/i.test(value.trim());
}

function isMultipart(value: string | undefined): boolean {
  return value !== undefined && /^multipart\/form-data\s*;/i.test(value.trim());
}

function sameSecret(expected: Buffer, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether the call carries the environment's token in one of the places the SDKs can put it. */
function carriesToken(expected: Buffer, request: IncomingMessage, body: unknown): boolean {
  if (sameSecret(expected, request.headers[STUDIO_TOKEN_HEADER])) return true;
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer /i.test(authorization) && sameSecret(expected, authorization.slice(7).trim())) return true;
  const sessionToken = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).sessionToken : undefined;
  return sameSecret(expected, sessionToken);
}

const TOKEN_MISSING =
  'This local environment admits only calls that carry its token. Set TENCENTCLOUD_SESSIONTOKEN (or init({ sessionToken })) to the token ' +
  'printed by cloudbase-emulator or copied with "CloudBase: Copy SDK Setup"; functions it runs have it already.';

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        reject(new StudioError('DocumentTooLarge', `The request body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new StudioError('InvalidJson', `The request body is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * `wx.openApi` and `wx.wxPayApi` arrive as multipart/form-data (their payload is bytes); their text
 * fields (`action`, `apiName`, …) make the request, so they reach their service like any other.
 */
async function readRequest(request: IncomingMessage, limit: number): Promise<unknown> {
  if (isMultipart(request.headers['content-type'])) {
    const form = await readAdminForm(request, { maxBodyBytes: limit, maxPartBytes: Math.min(limit, MAX_PLATFORM_PAYLOAD_BYTES) });
    // Only the platform calls come this way; a form cannot name any other action.
    if (typeof form.action !== 'string' || !/^wx\./.test(form.action)) throw new StudioError('InvalidArgument', 'Only wx.* calls may be sent as multipart/form-data; /admin takes application/json.');
    return { ...form };
  }
  return parseBody(await readBody(request, limit));
}

/** The exact type the SDKs look for before parsing an openApi answer as JSON rather than bytes. */
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

export function adminRoute(options: AdminRouteOptions): HttpRoute {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const token = options.token === undefined ? undefined : Buffer.from(options.token, 'utf8');
  return {
    method: 'POST',
    path: ADMIN_PATH,
    async handle(request, response) {
      const requestId = randomUUID();
      let reply: AdminReply | BinaryReply;
      let tooLarge = false;
      if (!isJsonContentType(request.headers['content-type']) && !isMultipart(request.headers['content-type'])) {
        request.resume();
        sendJson(response, 415, { requestId, code: 'INVALID_PARAM', message: '/admin takes only application/json.' }, { connection: 'close' });
        return;
      }
      try {
        const body = await readRequest(request, limit);
        if (token && !carriesToken(token, request, body)) {
          sendJson(response, 401, { requestId, code: 'PERMISSION_DENIED', message: TOKEN_MISSING });
          return;
        }
        reply = await dispatchAdmin(options.services, body, { requestId, now: new Date(), envId: options.envId, headers: request.headers }, options.onError);
      } catch (e) {
        tooLarge = e instanceof StudioError && e.code === 'DocumentTooLarge';
        reply = { requestId, ...toWireError(e, 'SYS_ERR') };
      }
      if (reply instanceof BinaryReply) {
        response.writeHead(200, { 'content-type': reply.contentType, 'content-length': String(reply.body.length) });
        response.end(reply.body);
        return;
      }
      // The cloud answers protocol errors with HTTP 200 and a code; the SDKs read the code.
      sendJson(response, 200, reply, tooLarge ? { ...JSON_TYPE, connection: 'close' } : JSON_TYPE);
    },
  };
}
