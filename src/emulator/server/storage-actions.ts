/**
 * The `storage.*` actions of /admin as @cloudbase/node-sdk (and wx-server-sdk's copy of it) send
 * them, and the two HTTP routes their answers point at:
 * - `storage.getUploadMetadata {path}` → `{url, token, authorization, fileId, cosFileId}`; the SDK
 *   then PUTs the bytes to `url` (the COS step in the cloud), answered with an empty body or a
 *   COS-style XML `<Error>`.
 * - `storage.batchGetDownloadUrl {file_list:[{fileid, max_age}]}` → `{download_list}` of signed
 *   URLs served by `GET /storage/download` (downloadFile fetches one, then GETs it).
 * - `storage.batchDeleteFile {fileid_list}` → `{delete_list}`.
 * - `storage.getFileAuthority {fileList}` (also read as `file_list`): everything is allowed locally
 *   (no security rules).
 * - `storage.batchCopyFile {file_list:[{src_path, dst_path, overwrite, remove_original}]}` → `{copy_list}`.
 * Per-file failures are items with a `code`, as in the cloud; the batch itself succeeds.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import { DEFAULT_URL_SECONDS, DOWNLOAD_PATH, MAX_URL_SECONDS, UPLOAD_PATH, checkFileKey, type LocalStorage } from '../storage/index';
import { readFormUpload } from './form-upload';
import type { HttpRoute } from './http-server';
import { sendJson } from './http-server';
import type { AdminRequest, ServiceActions } from './protocol';
import { requiredString } from './params';

function listParam(params: AdminRequest, name: string, max?: number): unknown[] {
  const value = params[name];
  if (!Array.isArray(value) || value.length === 0) throw new StudioError('InvalidArgument', `Parameter "${name}" must be a non-empty array.`);
  if (max !== undefined && value.length > max) throw new StudioError('InvalidArgument', `Parameter "${name}" holds ${value.length} items; the cloud takes at most ${max} at once.`);
  return value;
}

/** The cloud deletes at most this many files per request. */
const MAX_DELETE_BATCH = 50;

/** A copy's source or destination: a file ID of this environment, or a path in its bucket. */
function keyOfPath(storage: LocalStorage, path: unknown): string {
  if (typeof path === 'string' && path.startsWith('cloud://')) return storage.keyOf(path);
  if (typeof path !== 'string' || path === '') throw new StudioError('InvalidArgument', 'src_path and dst_path must be non-empty strings.');
  return checkFileKey(path.replace(/^\/+/, ''));
}

async function copyOne(storage: LocalStorage, item: Record<string, unknown>): Promise<Record<string, unknown>> {
  const from = keyOfPath(storage, item.src_path);
  const to = keyOfPath(storage, item.dst_path);
  const overwrite = item.overwrite !== false;
  if (!overwrite && (await storage.files.stat(to))) throw new StudioError('FileExists', `A file already exists at "${to}".`);
  const { stream } = await storage.files.openRead(from);
  await storage.files.write(to, stream, { overwrite: true });
  if (item.remove_original === true) await storage.files.remove(from);
  const fileId = storage.fileId(to);
  return { fileId, fileID: fileId, code: 'SUCCESS' };
}

/** A failed item's code: a file that is not there (or a path that can never be) reads as absent, like COS. */
function itemCode(e: unknown): string {
  if (isStudioError(e, 'FileNotFound') || isStudioError(e, 'InvalidPath')) return 'STORAGE_FILE_NONEXIST';
  if (isStudioError(e, 'InvalidArgument')) return 'INVALID_PARAM';
  return 'STORAGE_REQUEST_FAIL';
}

function maxAgeOf(item: Record<string, unknown>): number | undefined {
  const raw = item.max_age;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  // The cloud clamps rather than refuses; so does this, to the same day.
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(MAX_URL_SECONDS, Math.max(1, Math.round(value))) : undefined;
}

export function storageActions(storage: LocalStorage): ServiceActions {
  return {
    fallbackCode: 'STORAGE_REQUEST_FAIL',
    codes: { FileNotFound: 'STORAGE_FILE_NONEXIST', FileExists: 'STORAGE_REQUEST_FAIL' },
    actions: {
      'storage.getUploadMetadata': (params) => {
        const checked = checkFileKey(requiredString(params, 'path'));
        const url = storage.uploadUrl(checked);
        const token = new URL(url).searchParams.get('sign') ?? '';
        return { url, token, authorization: `local ${token}`, fileId: storage.fileId(checked), cosFileId: randomUUID() };
      },

      'storage.batchGetDownloadUrl': async (params) => {
        const items = listParam(params, 'file_list');
        const download_list = await Promise.all(
          items.map(async (raw) => {
            const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
            const fileid = item.fileid;
            try {
              const key = storage.keyOf(fileid);
              if (!(await storage.files.stat(key))) throw new StudioError('FileNotFound', `No file at "${key}".`);
              const maxAge = maxAgeOf(item) ?? DEFAULT_URL_SECONDS;
              const url = storage.temporaryUrl(key, maxAge);
              // node-sdk hands these items to callers as they are: both spellings the cloud uses.
              return { fileid, download_url: url, fileID: fileid, tempFileURL: url, maxAge, code: 'SUCCESS' };
            } catch (e) {
              return { fileid, download_url: '', fileID: fileid, tempFileURL: '', code: itemCode(e), message: messageOf(e) };
            }
          }),
        );
        return { download_list };
      },

      'storage.batchDeleteFile': async (params) => {
        const ids = listParam(params, 'fileid_list', MAX_DELETE_BATCH);
        const delete_list = [];
        for (const fileID of ids) {
          try {
            const removed = await storage.files.remove(storage.keyOf(fileID));
            delete_list.push(removed ? { fileID, code: 'SUCCESS' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'The file does not exist.' });
          } catch (e) {
            delete_list.push({ fileID, code: itemCode(e), message: messageOf(e) });
          }
        }
        return { delete_list };
      },

      'storage.getFileAuthority': (params) => {
        // The SDKs send `fileList`; `file_list` is the spelling of the other storage actions.
        const items = listParam(params, Array.isArray(params.fileList) ? 'fileList' : 'file_list');
        return {
          file_list: items.map((raw) => {
            const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
            return { path: item.path, read: true, write: true };
          }),
        };
      },

      'storage.batchCopyFile': async (params) => {
        const items = listParam(params, 'file_list');
        const copy_list = [];
        for (const raw of items) {
          const item = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
          try {
            copy_list.push(await copyOne(storage, item));
          } catch (e) {
            copy_list.push({ fileId: item.dst_path, code: isStudioError(e, 'FileExists') ? 'STORAGE_FILE_EXIST' : itemCode(e), message: messageOf(e) });
          }
        }
        return { copy_list };
      },
    },
  };
}

function sendXmlError(response: ServerResponse, status: number, code: string, message: string): void {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const id = randomUUID();
  const body = `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${escape(message)}</Message>\n<RequestId>${id}</RequestId>\n<TraceId>${id}</TraceId>\n</Error>\n`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

const REFUSALS = {
  malformed: 'The URL is not a complete signed storage URL (key, expires and sign are required).',
  forged: 'The URL signature does not match: it was not issued by this local environment, or it was changed.',
  expired: 'The temporary URL has expired; ask for a new one (getTempFileURL).',
} as const;

/**
 * An upload's failure as COS answers one, in XML, because that is what node-sdk parses (anything
 * else reaches its caller as an XML parse error). A full disk is 507 with what happened in words.
 */
function sendUploadFailure(request: IncomingMessage, response: ServerResponse, e: unknown): void {
  // The rest of the body is read and dropped, so the client gets to read the answer.
  request.resume();
  if (isStudioError(e, 'DiskFull')) return sendXmlError(response, 507, 'InsufficientStorage', e.message);
  if (isStudioError(e, 'DocumentTooLarge')) return sendXmlError(response, 413, 'EntityTooLarge', e.message);
  if (isStudioError(e, 'InvalidPath')) return sendXmlError(response, 400, 'InvalidArgument', e.message);
  if (isStudioError(e)) return sendXmlError(response, 400, 'InvalidRequest', e.message);
  return sendXmlError(response, 500, 'InternalError', `The local environment could not store the file: ${messageOf(e)}`);
}

/**
 * The request body as a stream the store may destroy on failure without destroying the request
 * (and its socket) with it, so the failure can still be answered.
 */
export function uploadBody(request: IncomingMessage): Readable {
  const body = new PassThrough();
  request.on('error', (e) => body.destroy(e));
  request.on('close', () => {
    if (!request.complete) body.destroy(new StudioError('Cancelled', 'The upload was cut short by the client.'));
  });
  request.pipe(body);
  return body;
}

function asciiFileName(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}

/** `GET`/`HEAD /storage/download?key&expires&sign`, and `PUT` (server SDKs) or form `POST` (web and mini-program clients) `/storage/upload?key&expires&sign`. */
export function storageRoutes(storage: LocalStorage): HttpRoute[] {
  const serve = (head: boolean): HttpRoute => ({
    method: head ? 'HEAD' : 'GET',
    path: DOWNLOAD_PATH,
    async handle(request, response, url) {
      request.resume();
      const verdict = storage.signer.verify('download', url.searchParams);
      if (!verdict.ok) return sendJson(response, 403, { code: `SIGNATURE_${verdict.reason.toUpperCase()}`, message: REFUSALS[verdict.reason] });
      let opened;
      try {
        opened = await storage.files.openRead(verdict.key);
      } catch (e) {
        if (isStudioError(e, 'FileNotFound') || isStudioError(e, 'InvalidPath')) {
          return sendJson(response, 404, { code: 'STORAGE_FILE_NONEXIST', message: messageOf(e) });
        }
        throw e;
      }
      const { file, stream } = opened;
      const name = file.key.slice(file.key.lastIndexOf('/') + 1);
      response.writeHead(200, {
        'content-type': file.contentType,
        'content-length': String(file.size),
        'last-modified': file.modified.toUTCString(),
        'content-disposition': `inline; filename="${asciiFileName(file.key)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'private, max-age=0',
      });
      if (head) {
        stream.destroy();
        response.end();
        return;
      }
      await new Promise<void>((resolve) => {
        stream.on('error', () => {
          response.destroy();
          resolve();
        });
        response.on('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(response);
      });
    },
  });

  /** The key an upload URL was signed for, or undefined once the refusal has been sent. */
  const uploadKey = (request: IncomingMessage, response: ServerResponse, url: URL): string | undefined => {
    const verdict = storage.signer.verify('upload', url.searchParams);
    if (verdict.ok) return verdict.key;
    request.resume();
    sendXmlError(response, 403, verdict.reason === 'expired' ? 'RequestTimeTooSkewed' : 'SignatureDoesNotMatch', REFUSALS[verdict.reason]);
    return undefined;
  };
  const upload: HttpRoute = {
    method: 'PUT',
    path: UPLOAD_PATH,
    async handle(request: IncomingMessage, response: ServerResponse, url: URL) {
      const key = uploadKey(request, response, url);
      if (key === undefined) return;
      try {
        // The SDK's uploadFile replaces an existing file, as COS does.
        await storage.files.write(key, uploadBody(request), { overwrite: true });
      } catch (e) {
        return sendUploadFailure(request, response, e);
      }
      response.writeHead(200, { 'content-length': '0' });
      response.end();
    },
  };
  const formUpload: HttpRoute = {
    method: 'POST',
    path: UPLOAD_PATH,
    async handle(request: IncomingMessage, response: ServerResponse, url: URL) {
      const key = uploadKey(request, response, url);
      if (key === undefined) return;
      try {
        const form = await readFormUpload(request);
        // The form names the key too; it must be the one the URL was signed for.
        if (form.fields.key !== undefined && form.fields.key !== key) throw new StudioError('InvalidPath', `The form's key "${form.fields.key}" is not the key this URL was issued for.`);
        if (!form.file) throw new StudioError('InvalidArgument', 'The form has no "file" part.');
        await storage.files.write(key, form.file, { overwrite: true });
        const wanted = Number(form.fields.success_action_status);
        const status = wanted === 200 || wanted === 201 ? wanted : 204;
        response.writeHead(status, { 'content-length': '0', etag: `"${createHash('md5').update(form.file).digest('hex')}"` });
        response.end();
      } catch (e) {
        return sendUploadFailure(request, response, e);
      }
    },
  };
  return [serve(false), serve(true), upload, formUpload];
}
