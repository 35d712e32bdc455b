/**
 * The bytes of a `wx.openApi` call. wx-server-sdk packs the API's parameters into a protobuf
 * `CommApiData` (one key/value pair per top-level parameter: the value is the JSON text of the
 * parameter, or raw bytes with a file name for media such as imgSecCheck's image) and expects a
 * protobuf `CommOpenApiResp` back: `respData` (the WeChat answer, JSON or an image) and its
 * `contentType`. The schema below is the part of wx-server-sdk's openapi.proto these use.
 */
import protobuf from 'protobufjs/light';
import { StudioError } from '../../shared/errors';

const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: { key: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 }, contenttype: { type: 'string', id: 3 }, filename: { type: 'string', id: 4 } },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    CommApiData: {
      fields: { apiType: { type: 'int32', id: 1 }, openapiData: { type: 'OpenApiData', id: 2 }, appid: { type: 'string', id: 6 } },
    },
    CommOpenApiResp: {
      fields: { respData: { type: 'bytes', id: 1 }, contentType: { type: 'string', id: 2 }, errorCode: { type: 'int32', id: 3 }, httpCode: { type: 'uint32', id: 4 } },
    },
  },
});
const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');

/** CommApiData.ApiType: the open APIs (0) as opposed to internal ones (getOpenData, VoIP signatures). */
export const OPEN_API = 0;

/** A media parameter: the SDK sends the bytes and a file name instead of JSON. */
export interface MediaParam {
  filename: string;
  contentType?: string;
  value: Buffer;
}

export interface OpenApiCall {
  apiType: number;
  /** Another mini program's appid, for calls made on its behalf (`cloud.openapi({ appid })`). */
  appid?: string;
  /** Snake-case keys, as the SDK converted them. */
  params: Record<string, unknown>;
}

interface RawPair {
  key?: string;
  value?: Uint8Array;
  contenttype?: string;
  filename?: string;
}

export function decodeOpenApiCall(bytes: Buffer): OpenApiCall {
  let message: { apiType?: number; appid?: string; openapiData?: { pairs?: RawPair[] } };
  try {
    message = CommApiData.toObject(CommApiData.decode(bytes)) as typeof message;
  } catch (e) {
    throw new StudioError('InvalidArgument', `requestData is not an open API call: ${(e as Error).message}`, { cause: e });
  }
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const pair of message.openapiData?.pairs ?? []) {
    if (!pair.key) continue;
    const value = Buffer.from(pair.value ?? new Uint8Array());
    if (pair.filename) {
      params[pair.key] = { filename: pair.filename, contentType: pair.contenttype || undefined, value } satisfies MediaParam;
      continue;
    }
    try {
      params[pair.key] = JSON.parse(value.toString('utf8')) as unknown;
    } catch (e) {
      throw new StudioError('InvalidArgument', `The open API parameter "${pair.key}" is not JSON.`, { cause: e });
    }
  }
  return { apiType: message.apiType ?? OPEN_API, appid: message.appid || undefined, params };
}

export function isMediaParam(value: unknown): value is MediaParam {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as MediaParam).value) && typeof (value as MediaParam).filename === 'string';
}

/** The SDK reads `respData` as JSON when `contentType` says so, and hands anything else back as a buffer. */
export function encodeOpenApiAnswer(respData: Buffer, contentType: string): Buffer {
  return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create({ respData, contentType, httpCode: 200 })).finish());
}
