/**
 * `POST /admin` (with or without `?env=…&seqId=…`): reads the JSON body and answers with the
 * dispatcher's reply. Signatures are not checked: a local environment has no keys to check them with.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../../shared/errors';
import type { AdminReply, ServiceTable } from './protocol';
import { dispatchAdmin } from './dispatch';
import { readFormUpload } from './form-upload';
import { sendJson, type HttpRoute } from './http-server';
import { toWireError } from './wire-errors';

export const ADMIN_PATH = '/admin';

/** Far above what the SDKs send (a document is at most 16 MB in the cloud). */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface AdminRouteOptions {
  envId: string;
  services: ServiceTable;
  maxBodyBytes?: number;
  /** Hears about failures that are defects of the environment, not of the request. */
  onError?: (error: unknown) => void;
}

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
  if (/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    const form = await readFormUpload(request, limit);
    return { ...form.fields };
  }
  return parseBody(await readBody(request, limit));
}

/** The exact type the SDKs look for before parsing an openApi answer as JSON rather than bytes. */
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

export function adminRoute(options: AdminRouteOptions): HttpRoute {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    method: 'POST',
    path: ADMIN_PATH,
    async handle(request, response) {
      const requestId = randomUUID();
      let reply: AdminReply;
      let tooLarge = false;
      try {
        const body = await readRequest(request, limit);
        reply = await dispatchAdmin(options.services, body, { requestId, now: new Date(), envId: options.envId, headers: request.headers }, options.onError);
      } catch (e) {
        tooLarge = e instanceof StudioError && e.code === 'DocumentTooLarge';
        reply = { requestId, ...toWireError(e, 'SYS_ERR') };
      }
      // The cloud answers protocol errors with HTTP 200 and a code; the SDKs read the code.
      sendJson(response, 200, reply, tooLarge ? { ...JSON_TYPE, connection: 'close' } : JSON_TYPE);
    },
  };
}
