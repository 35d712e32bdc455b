/**
 * COS-style POST uploads (`multipart/form-data` with `key`, signature fields and `file`), which
 * browser and mini-program SDKs send to the URL getUploadMetadata returned. Bodies are read whole
 * up to a limit: these clients send single files from a page, never hundreds of megabytes (the
 * server SDKs PUT a stream instead).
 */
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../../shared/errors';

export interface FormUpload {
  fields: Record<string, string>;
  file?: Buffer;
}

export const MAX_FORM_BYTES = 64 * 1024 * 1024;

function boundaryOf(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new StudioError('InvalidArgument', 'A POST upload must be multipart/form-data with a boundary.');
  return boundary;
}

async function readAll(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new StudioError('DocumentTooLarge', `A POST upload may hold at most ${limit} bytes; PUT larger files.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readFormUpload(request: IncomingMessage, limit = MAX_FORM_BYTES): Promise<FormUpload> {
  const delimiter = Buffer.from(`--${boundaryOf(request.headers['content-type'])}`);
  const body = await readAll(request, limit);
  const result: FormUpload = { fields: {} };
  let at = body.indexOf(delimiter);
  if (at < 0) throw new StudioError('InvalidArgument', 'The form has no parts.');
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (headerEnd < 0 || next < 0) throw new StudioError('InvalidArgument', 'The form is cut short.');
    const headers = body.subarray(start + 2, headerEnd).toString('utf8');
    // The part's content ends before the CRLF that precedes the next delimiter.
    const content = body.subarray(headerEnd + 4, next - 2);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      if (/filename="/i.test(headers) || name === 'file') result.file = content;
      else result.fields[name] = content.toString('utf8');
    }
    at = next;
  }
  return result;
}
