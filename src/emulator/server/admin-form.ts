/**
 * The multipart/form-data bodies the server SDKs send for `wx.*` platform calls (node-sdk's
 * callCompatibleWxOpenApi, wx-server-sdk's cloud.openapi): text fields (`action`, `apiName`,
 * `envName`, `sessionToken`, …) and a binary `requestData` part. Read with busboy, which streams
 * and enforces limits; a binary part over its limit is kept as an `OversizedPart` marker (its
 * bytes dropped) so the service can answer in its own terms while the rest of the form, the token
 * included, is still read.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { StudioError } from '../../shared/errors';

/** Stands for a binary part that exceeded `maxPartBytes`; none of its bytes are kept. */
export class OversizedPart {
  constructor(readonly limit: number) {}
}

export interface AdminFormLimits {
  /** Each binary part (requestData). */
  maxPartBytes: number;
  /** The whole body; past it the request fails as DocumentTooLarge. */
  maxBodyBytes: number;
}

/** Text fields are small (names, tokens, JSON options); anything bigger is not an SDK's form. */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 64;
const MAX_PARTS = 8;

export type AdminFormValue = string | Buffer | OversizedPart;

export function readAdminForm(request: IncomingMessage, limits: AdminFormLimits): Promise<Record<string, AdminFormValue>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fieldSize: MAX_FIELD_BYTES, fields: MAX_FIELDS, files: MAX_PARTS, parts: MAX_FIELDS + MAX_PARTS, fileSize: limits.maxPartBytes, headerPairs: 16 },
      });
    } catch (e) {
      reject(new StudioError('InvalidArgument', `The multipart body cannot be read: ${(e as Error).message}`, { cause: e }));
      return;
    }
    // Plain object without a prototype: part names come from the caller.
    const form: Record<string, AdminFormValue> = Object.create(null) as Record<string, AdminFormValue>;
    let failure: StudioError | undefined;
    let received = 0;
    const fail = (error: StudioError): void => {
      failure ??= error;
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes) {
        fail(new StudioError('DocumentTooLarge', `The request body exceeds ${limits.maxBodyBytes} bytes.`));
        request.unpipe(parser);
        request.pause();
        reject(failure);
      }
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) fail(new StudioError('InvalidArgument', `The form field "${name}" is longer than ${MAX_FIELD_BYTES} bytes.`));
      else form[name] = value;
    });
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      let over = false;
      // A form cut short fails its open part too; unheard, that error would end the process.
      stream.on('error', (e: Error) => fail(new StudioError('InvalidArgument', `The multipart body cannot be read: ${e.message}`, { cause: e })));
      stream.on('limit', () => {
        over = true;
        chunks.length = 0;
      });
      stream.on('data', (chunk: Buffer) => {
        if (!over) chunks.push(chunk);
      });
      // 'end', not 'close': busboy finishes only after every part's end, so the form is whole by then.
      stream.on('end', () => {
        form[name] = over ? new OversizedPart(limits.maxPartBytes) : Buffer.concat(chunks);
      });
    });
    for (const event of ['fieldsLimit', 'filesLimit', 'partsLimit'] as const) {
      parser.on(event, () => fail(new StudioError('InvalidArgument', 'The form has more parts than a server SDK sends.')));
    }
    parser.on('error', (e: Error) => {
      // The rest of the body is drained (the data listener still bounds it), so the connection stays usable.
      request.unpipe(parser);
      request.resume();
      reject(new StudioError('InvalidArgument', `The multipart body cannot be read: ${e.message}`, { cause: e }));
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(form)));
    request.on('error', reject);
    request.pipe(parser);
  });
}
