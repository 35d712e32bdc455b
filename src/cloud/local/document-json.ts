/**
 * The backend contract speaks relaxed Extended JSON (`{"$date": "<ISO>"}`); the engine holds
 * native values. Conversions in both directions live here.
 */
import { EJSON } from 'bson';
import { StudioError } from '../../shared/errors';
import type { DocumentJson, JsonObject } from '../../shared/model';
import type { StoredDocument } from '../../emulator/database/api';
import { isPlainObject, resolveWireValues } from '../../emulator/server/wire-values';

/** A filter, update or document from the UI, as the engine's values. */
export function fromDocumentJson(value: JsonObject, what: string): Record<string, unknown> {
  let native: unknown;
  try {
    native = EJSON.deserialize(value, { relaxed: true });
  } catch (e) {
    throw new StudioError('InvalidJson', `The ${what} is not valid Extended JSON: ${(e as Error).message}`, { cause: e });
  }
  // Regular expressions must become RegExp to match; there is no server date to resolve here.
  const resolved = resolveWireValues(native, new Date());
  if (!isPlainObject(resolved)) throw new StudioError('InvalidJson', `The ${what} must be a JSON object.`);
  return resolved;
}

export function toDocumentJson(document: StoredDocument): DocumentJson {
  return EJSON.serialize(document, { relaxed: true }) as DocumentJson;
}
