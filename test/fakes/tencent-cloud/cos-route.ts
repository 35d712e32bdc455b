/**
 * COS object operations on the environment's bucket, as the COS SDK sends them through a plain
 * HTTP proxy (`GET http://<bucket>.cos.<region>.tencentcos.cn/<key>`, the bucket in Host): bucket
 * listing with prefix, delimiter, marker and max-keys, HEAD, GET, PUT, DELETE, multi-delete and
 * the slice (multipart) upload the SDK uses from 5 MB on.
 * The objects are the local environment's files; every folder there reads as a `folder/` marker
 * object, as folders made in the console or by createCloudDirectroy do in COS.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isStudioError, messageOf } from '../../../src/shared/errors';
import type { LocalStorage } from '../../../src/emulator/storage/index';
import type { FakeEnvironment } from './actions';
import { cloudBucket } from './actions/storage';
import { cosSignature, keyTimeValid, parseCosAuthorization } from './cos-signature';
import { readBody, send, type RecordedRequest, type RouteContext } from './routes';

const XML = { 'content-type': 'application/xml' };

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface CosObject {
  key: string;
  size: number;
  modified: Date;
}

/** Every object in the bucket in key order: the files and a marker for each folder. */
async function allObjects(storage: LocalStorage): Promise<CosObject[]> {
  const out: CosObject[] = [];
  const walk = async (folder: string): Promise<void> => {
    let after: string | undefined;
    do {
      const page = await storage.files.list(folder, 1000, after);
      for (const e of page.entries) {
        if (e.kind === 'folder') {
          out.push({ key: e.key, size: 0, modified: new Date(0) });
          await walk(e.key);
        } else {
          out.push({ key: e.key, size: e.size ?? 0, modified: e.modified ?? new Date(0) });
        }
      }
      after = page.next;
    } while (after !== undefined);
  };
  await walk('');
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function etagOf(o: { key: string; size: number; modified: Date }): string {
  return `"${createHash('md5').update(`${o.key}:${o.size}:${o.modified.getTime()}`).digest('hex')}"`;
}

async function listBucket(storage: LocalStorage, bucket: string, query: URLSearchParams): Promise<string> {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const marker = query.get('marker') ?? '';
  const maxKeys = Math.min(1000, Math.max(1, Number(query.get('max-keys') ?? 1000) || 1000));
  const contents: CosObject[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = '';
  for (const o of await allObjects(storage)) {
    if (!o.key.startsWith(prefix) || o.key <= marker) continue;
    const rest = o.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && prefixes.includes(common)) continue;
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = common;
    } else {
      contents.push(o);
      last = o.key;
    }
  }
  const tag = (name: string, value: string): string => `<${name}>${escapeXml(value)}</${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult>',
    tag('Name', bucket),
    tag('Prefix', prefix),
    tag('Marker', marker),
    tag('MaxKeys', String(maxKeys)),
    delimiter ? tag('Delimiter', delimiter) : '',
    tag('IsTruncated', String(truncated)),
    truncated ? tag('NextMarker', last) : '',
    ...prefixes.map((p) => `<CommonPrefixes>${tag('Prefix', p)}</CommonPrefixes>`),
    ...contents.map(
      (o) => `<Contents>${tag('Key', o.key)}${tag('LastModified', o.modified.toISOString())}${tag('ETag', etagOf(o))}${tag('Size', String(o.size))}${tag('StorageClass', 'STANDARD')}</Contents>`,
    ),
    '</ListBucketResult>',
  ].join('');
}

/** Files first, then folder markers deepest first, each only once it is empty (as COS leaves prefixes with objects in them). */
async function deleteKeys(storage: LocalStorage, keys: string[]): Promise<{ deleted: string[]; errors: { key: string; code: string; message: string }[] }> {
  const deleted: string[] = [];
  const errors: { key: string; code: string; message: string }[] = [];
  const ordered = [...keys.filter((k) => !k.endsWith('/')), ...keys.filter((k) => k.endsWith('/')).sort((a, b) => b.length - a.length)];
  for (const key of ordered) {
    try {
      if (key.endsWith('/')) {
        const page = await storage.files.list(key, 1, undefined).catch(() => undefined);
        if (page && page.entries.length === 0) await storage.files.removeFolder(key);
      } else {
        await storage.files.remove(key);
      }
      deleted.push(key);
    } catch (e) {
      errors.push({ key, code: 'InternalError', message: messageOf(e) });
    }
  }
  return { deleted, errors };
}

function checkAuthorization(ctx: RouteContext, req: IncomingMessage, url: URL, key: string): void {
  const auth = parseCosAuthorization(req.headers.authorization);
  if (!auth) throw new CosError(403, 'AccessDenied', 'The Authorization header is missing or malformed.');
  if (auth.secretId !== ctx.credentials.secretId) throw new CosError(403, 'InvalidAccessKeyId', 'The access key Id format you provided is invalid.');
  if (!keyTimeValid(auth.keyTime)) throw new CosError(403, 'AccessDenied', 'Request has expired.');
  const query = new Map<string, string>();
  for (const [k, v] of url.searchParams) query.set(k.toLowerCase(), v);
  const expected = cosSignature({
    secretKey: ctx.credentials.secretKey,
    keyTime: auth.keyTime,
    method: req.method ?? 'GET',
    pathname: `/${key}`,
    params: { names: auth.paramList, valueOf: (n) => query.get(n) ?? '' },
    headers: { names: auth.headerList, valueOf: (n) => String(req.headers[n] ?? '') },
  });
  if (expected !== auth.signature) throw new CosError(403, 'SignatureDoesNotMatch', 'The Signature you specified is invalid.');
  if (ctx.credentials.token !== undefined && req.headers['x-cos-security-token'] !== ctx.credentials.token) {
    throw new CosError(403, 'InvalidAccessKeyId', 'The security token is invalid or has expired.');
  }
}

function operationOf(method: string, key: string, query: URLSearchParams): string {
  if (key === '') {
    if (method === 'POST' && query.has('delete')) return 'DeleteMultipleObjects';
    if (method === 'GET') return query.has('uploads') ? 'ListMultipartUploads' : 'GetBucket';
    return `${method}Bucket`;
  }
  if (query.has('uploads') && method === 'POST') return 'InitiateMultipartUpload';
  if (query.has('uploadId')) {
    const multipart: Record<string, string> = { PUT: 'UploadPart', POST: 'CompleteMultipartUpload', GET: 'ListParts', DELETE: 'AbortMultipartUpload' };
    if (multipart[method]) return multipart[method]!;
  }
  return { HEAD: 'HeadObject', GET: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[method] ?? `${method}Object`;
}

/** Slice uploads in progress, by upload ID; their parts stay in memory until completed. */
const uploads = new Map<string, { bucket: string; key: string; parts: Map<number, Buffer> }>();

function uploadOf(query: URLSearchParams, bucket: string, key: string): { parts: Map<number, Buffer> } {
  const upload = uploads.get(query.get('uploadId') ?? '');
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw new CosError(404, 'NoSuchUpload', 'The specified upload does not exist.');
  return upload;
}

export function isCosRequest(req: IncomingMessage): boolean {
  return /\.cos\.[^.]+\.(tencentcos\.cn|myqcloud\.com)(:\d+)?$/.test(String(req.headers.host ?? ''));
}

export async function handleCos(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const host = String(req.headers.host ?? '');
  const url = new URL(req.url ?? '/', `http://${host}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const key = decodeURIComponent(url.pathname.slice(1));
  const action = `cos:${operationOf(method, key, url.searchParams)}`;
  const headers = { ...XML, 'x-cos-request-id': requestId };
  const fail = (status: number, code: string, message: string): void => {
    if (method === 'HEAD') {
      res.writeHead(status, { 'x-cos-request-id': requestId });
      res.end();
      return;
    }
    send(res, status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`, headers);
  };
  const record: RecordedRequest = { action, protocol: 'cos', requestId, at: Date.now(), params: Object.fromEntries(url.searchParams), headers: req.headers };
  ctx.record(record);
  const body = await readBody(req);
  try {
    checkAuthorization(ctx, req, url, key);
  } catch (e) {
    const err = e instanceof CosError ? e : new CosError(403, 'AccessDenied', messageOf(e));
    record.refused = err.code;
    return fail(err.status, err.code, err.message);
  }
  const fault = await ctx.fault(action, res);
  if (res.destroyed) return;
  switch (fault?.kind) {
    case 'throttle':
      return fail(503, 'SlowDown', 'Please reduce your request rate.');
    case 'serverError':
      return fail(fault.status ?? 500, 'InternalError', 'We encountered an internal error. Please try again.');
    case 'expiredToken':
      return fail(400, 'ExpiredToken', 'The provided token has expired.');
    case 'malformed':
      return send(res, 502, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' });
    case 'error':
      return fail(400, fault.code, fault.message);
    default:
      break;
  }

  const bucket = host.slice(0, host.indexOf('.cos.'));
  const env: FakeEnvironment | undefined = ctx.environments.find((e) => cloudBucket(e.envId) === bucket);
  if (!env) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist.');
  const storage = env.local.storage;
  try {
    switch (action) {
      case 'cos:GetBucket':
        return send(res, 200, await listBucket(storage, bucket, url.searchParams), headers);
      case 'cos:DeleteMultipleObjects': {
        const keys = [...body.toString('utf8').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
        const { deleted, errors } = await deleteKeys(storage, keys);
        const xml = [
          '<?xml version="1.0" encoding="UTF-8"?><DeleteResult>',
          ...deleted.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`),
          ...errors.map((e) => `<Error><Key>${escapeXml(e.key)}</Key><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message></Error>`),
          '</DeleteResult>',
        ].join('');
        return send(res, 200, xml, headers);
      }
      case 'cos:HeadObject': {
        const info = key.endsWith('/')
          ? (await storage.files.folderExists(key).catch(() => false))
            ? { key, size: 0, modified: new Date(0), contentType: 'application/x-directory' }
            : undefined
          : await storage.files.stat(key).catch(() => undefined);
        if (!info) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, {
          'x-cos-request-id': requestId,
          'content-length': String(info.size),
          'content-type': info.contentType,
          'last-modified': info.modified.toUTCString(),
          etag: etagOf(info),
        });
        res.end();
        return;
      }
      case 'cos:GetObject': {
        const { file, stream } = await storage.files.openRead(key);
        res.writeHead(200, { 'x-cos-request-id': requestId, 'content-length': String(file.size), 'content-type': file.contentType, etag: etagOf(file) });
        stream.pipe(res);
        return;
      }
      case 'cos:PutObject': {
        if (key.endsWith('/')) {
          await storage.files.createFolder(key);
        } else {
          await storage.files.write(key, Readable.from([body]), { overwrite: true });
        }
        res.writeHead(200, { 'x-cos-request-id': requestId, etag: `"${createHash('md5').update(body).digest('hex')}"`, 'content-length': '0' });
        res.end();
        return;
      }
      case 'cos:ListMultipartUploads':
        // No upload is ever offered for resuming: every slice upload starts afresh.
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`, headers);
      case 'cos:InitiateMultipartUpload': {
        const uploadId = randomUUID().replace(/-/g, '');
        uploads.set(uploadId, { bucket, key, parts: new Map() });
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`, headers);
      }
      case 'cos:UploadPart': {
        const upload = uploadOf(url.searchParams, bucket, key);
        const partNumber = Number(url.searchParams.get('partNumber'));
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) return fail(400, 'InvalidArgument', 'partNumber must be from 1 to 10000.');
        upload.parts.set(partNumber, body);
        res.writeHead(200, { 'x-cos-request-id': requestId, etag: `"${createHash('md5').update(body).digest('hex')}"`, 'content-length': '0' });
        res.end();
        return;
      }
      case 'cos:ListParts': {
        const upload = uploadOf(url.searchParams, bucket, key);
        const parts = [...upload.parts].sort((a, b) => a[0] - b[0]);
        const xml = parts.map(([n, b]) => `<Part><PartNumber>${n}</PartNumber><ETag>"${createHash('md5').update(b).digest('hex')}"</ETag><Size>${b.length}</Size></Part>`).join('');
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${url.searchParams.get('uploadId')}</UploadId><IsTruncated>false</IsTruncated>${xml}</ListPartsResult>`, headers);
      }
      case 'cos:CompleteMultipartUpload': {
        const uploadId = url.searchParams.get('uploadId') ?? '';
        const upload = uploadOf(url.searchParams, bucket, key);
        const numbers = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        if (numbers.length === 0 || numbers.some((n) => !upload.parts.has(n))) return fail(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
        await storage.files.write(key, Readable.from(numbers.map((n) => upload.parts.get(n)!)), { overwrite: true });
        uploads.delete(uploadId);
        const etag = `"${createHash('md5').update(Buffer.concat(numbers.map((n) => upload.parts.get(n)!))).digest('hex')}-${numbers.length}"`;
        return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>${escapeXml(`${host}/${key}`)}</Location><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></CompleteMultipartUploadResult>`, headers);
      }
      case 'cos:AbortMultipartUpload':
        uploadOf(url.searchParams, bucket, key);
        uploads.delete(url.searchParams.get('uploadId') ?? '');
        res.writeHead(204, { 'x-cos-request-id': requestId });
        res.end();
        return;
      case 'cos:DeleteObject':
        await deleteKeys(storage, [key]);
        res.writeHead(204, { 'x-cos-request-id': requestId });
        res.end();
        return;
      default:
        return fail(405, 'MethodNotAllowed', `The fake does not serve ${action}.`);
    }
  } catch (e) {
    if (e instanceof CosError) return fail(e.status, e.code, e.message);
    if (isStudioError(e, 'FileNotFound')) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
    if (isStudioError(e, 'InvalidPath') || isStudioError(e, 'FileExists')) return fail(400, 'InvalidArgument', messageOf(e));
    return fail(500, 'InternalError', messageOf(e));
  }
}
