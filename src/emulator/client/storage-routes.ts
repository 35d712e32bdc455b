/**
 * Storage in js-sdk 3.x's GATEWAY mode, under `/v1/storages/`: each call posts an array of items
 * and gets an array back, one answer per item (a refused item carries `code` and `message`, the
 * others succeed):
 * - `get-objects-upload-info [{ objectId, signedHeader }]` → `[{ uploadUrl, authorization, token,
 *   cloudObjectId, cloudObjectMeta, downloadUrl }]`; uploadFile then PUTs the bytes to `uploadUrl`
 *   (`PUT /v1/storages/upload`) with `authorization`, an upload ticket for that user and path.
 * - `get-objects-download-info [{ cloudObjectId }]` → `[{ cloudObjectId, downloadUrl }]`, the
 *   environment's signed temporary URLs (downloadFile fetches one).
 * - `delete-objects [{ cloudObjectId }]` → `[{ cloudObjectId }]`.
 * Every item passes the environment's storage rule (storage-rules.ts) first and its decision is
 * logged; a refused item is `STORAGE_EXCEED_AUTHORITY`, as in the cloud.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StudioError, isStudioError, messageOf } from '../../shared/errors';
import { checkFileKey, type LocalStorage, type StoredFile } from '../storage/index';
import { uploadBody } from '../server/storage-actions';
import { isPlainObject } from '../server/wire-values';
import { bearerOf, identify, readJsonValue, reply } from './http';
import type { ClientRequestLog } from './request-log';
import { decideStorage, type FileOwners, type StorageRuleStore } from './storage-rules';
import { TokenError, type ClientIdentity, type TokenSigner } from './tokens';

export const STORAGE_PREFIX = '/v1/storages/';
const UPLOAD_PATH = `${STORAGE_PREFIX}upload`;
/** As /admin's batch calls. */
const MAX_ITEMS = 50;

export interface StorageRouteOptions {
  storage: LocalStorage;
  rule: StorageRuleStore;
  owners: FileOwners;
  signer: TokenSigner;
  log: ClientRequestLog;
  /** `http://127.0.0.1:<port>`, for the upload URL. */
  baseUrl: () => string;
  onError?: (error: unknown) => void;
}

type Item = Record<string, unknown>;

/** An item the rule or the input refused; the batch goes on. */
class ItemRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function itemCodeOf(e: unknown): { code: string; message: string } {
  if (e instanceof ItemRefusal) return { code: e.code, message: e.message };
  if (isStudioError(e, 'FileNotFound')) return { code: 'STORAGE_FILE_NONEXIST', message: e.message };
  if (isStudioError(e, 'InvalidPath') || isStudioError(e, 'InvalidArgument')) return { code: 'INVALID_PARAM', message: messageOf(e) };
  return { code: 'STORAGE_REQUEST_FAIL', message: messageOf(e) };
}

export function storageRoutes(options: StorageRouteOptions): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  const { storage, owners, log } = options;

  /** Logs the decision; throws ItemRefusal when the rule says no. */
  async function enforce(requestId: string, operation: string, identity: ClientIdentity | null, key: string, ruleOp: 'read' | 'write', file: StoredFile | undefined): Promise<void> {
    const acl = await options.rule.get();
    // A file not there yet would be the uploader's.
    const owner = file ? owners.ownerOf(file) : identity?.openid;
    const decision = decideStorage(acl, ruleOp, identity, owner);
    const who = identity ? `user ${identity.uid}` : 'a signed-out client';
    const base = { time: Date.now(), requestId, operation, target: key, uid: identity?.uid, rule: decision.rule };
    if (decision.allowed) {
      log.append({ ...base, decision: 'allowed', message: `Allowed ${operation} of "${key}" for ${who} by ${decision.rule}.` });
      return;
    }
    const message = `Permission denied: ${operation} of "${key}" for ${who} by ${decision.rule}; failed: ${decision.failed.join('; ')}.`;
    log.append({ ...base, decision: 'denied', failed: decision.failed, message });
    throw new ItemRefusal('STORAGE_EXCEED_AUTHORITY', message);
  }

  /** The file an item names by `cloudObjectId`, which must be there. */
  async function existing(item: Item): Promise<{ key: string; file: StoredFile }> {
    const key = storage.keyOf(item.cloudObjectId);
    const file = await storage.files.stat(key);
    if (!file) throw new StudioError('FileNotFound', `No file at "${key}".`);
    return { key, file };
  }

  async function uploadInfo(requestId: string, identity: ClientIdentity | null, item: Item): Promise<Item> {
    const objectId = item.objectId;
    if (typeof objectId !== 'string') throw new StudioError('InvalidArgument', 'Each item needs an "objectId" (the cloud path).');
    const key = checkFileKey(objectId.replace(/^\/+/, ''));
    await enforce(requestId, 'storage.upload', identity, key, 'write', await storage.files.stat(key));
    // enforce() refused a signed-out client already: a new file needs an owner.
    const ticket = await options.signer.issueUploadTicket(identity!, key);
    const fileId = storage.fileId(key);
    return { uploadUrl: `${options.baseUrl()}${UPLOAD_PATH}`, authorization: ticket, token: '', cloudObjectId: fileId, cloudObjectMeta: randomUUID(), downloadUrl: storage.temporaryUrl(key) };
  }

  async function downloadInfo(requestId: string, identity: ClientIdentity | null, item: Item): Promise<Item> {
    const { key, file } = await existing(item);
    await enforce(requestId, 'storage.download', identity, key, 'read', file);
    return { cloudObjectId: item.cloudObjectId, downloadUrl: storage.temporaryUrl(key) };
  }

  async function remove(requestId: string, identity: ClientIdentity | null, item: Item): Promise<Item> {
    const { key, file } = await existing(item);
    await enforce(requestId, 'storage.delete', identity, key, 'write', file);
    await storage.files.remove(key);
    await owners.delete(key);
    return { cloudObjectId: item.cloudObjectId };
  }

  const batches: Record<string, (requestId: string, identity: ClientIdentity | null, item: Item) => Promise<Item>> = {
    'get-objects-upload-info': uploadInfo,
    'get-objects-download-info': downloadInfo,
    'delete-objects': remove,
  };

  /** The PUT with the bytes: the ticket names the user and the path; the rule is asked again. */
  async function upload(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const { identity, key } = await options.signer.verifyUploadTicket(bearerOf(request) ?? '');
    await enforce(requestId, 'storage.upload', identity, key, 'write', await storage.files.stat(key));
    const stored = await storage.files.write(key, uploadBody(request), { overwrite: true });
    await owners.set(stored, identity.openid);
    reply(request, response, 200, { cloudObjectId: storage.fileId(key), size: stored.size, requestId });
  }

  return async (request, response, url) => {
    const requestId = randomUUID();
    const name = url.pathname.slice(STORAGE_PREFIX.length);
    const operation = `storage.${name}`;
    try {
      if (request.method === 'PUT' && url.pathname === UPLOAD_PATH) return await upload(request, response, requestId);
      const batch = request.method === 'POST' ? batches[name] : undefined;
      if (!batch) {
        request.resume();
        reply(request, response, 404, { code: 'NOT_AVAILABLE_LOCALLY', message: `${request.method} ${url.pathname} is not served by the local environment (upload, temporary URLs, download and delete are).`, requestId });
        return;
      }
      const identity = await identify(request, options.signer);
      const items = await readJsonValue(request);
      if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS || !items.every(isPlainObject)) {
        throw new StudioError('InvalidArgument', `The body must be an array of 1 to ${MAX_ITEMS} objects.`);
      }
      const answers: Item[] = [];
      for (const item of items) {
        try {
          answers.push(await batch(requestId, identity, item));
        } catch (e) {
          if (!(e instanceof ItemRefusal) && !isStudioError(e)) options.onError?.(e);
          const { code, message } = itemCodeOf(e);
          if (!(e instanceof ItemRefusal)) log.append({ time: Date.now(), requestId, operation, uid: identity?.uid, decision: 'failed', message: `Failed ${operation}: ${code} ${message}` });
          answers.push({ ...(typeof item.cloudObjectId === 'string' ? { cloudObjectId: item.cloudObjectId } : {}), code, message });
        }
      }
      reply(request, response, 200, answers);
    } catch (e) {
      request.resume();
      if (e instanceof TokenError) {
        const message = `${e.message} Nothing was read or written.`;
        log.append({ time: Date.now(), requestId, operation, decision: 'refused', message: `Refused ${operation}: ${message}` });
        reply(request, response, 401, { code: e.wireCode, message, requestId });
        return;
      }
      const { code, message } = itemCodeOf(e);
      // enforce() logged its refusals with the rule's details.
      if (!(e instanceof ItemRefusal)) {
        if (!isStudioError(e)) options.onError?.(e);
        log.append({ time: Date.now(), requestId, operation, decision: 'failed', message: `Failed ${operation}: ${code} ${message}` });
      }
      reply(request, response, e instanceof ItemRefusal ? 403 : 400, { code, message, requestId });
    }
  };
}
