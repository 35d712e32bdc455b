/**
 * Saves that never overwrite a change made by someone else. CloudBase documents carry no version,
 * so a save keeps the document as it was read and writes only where the stored document still
 * equals it: the equality is part of the update's filter, so the backend checks and writes in one
 * step (no window for a concurrent write to slip between). No vscode import.
 */
import type { DatabaseApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import type { DocumentJson, JsonObject, JsonValue } from '../../shared/model';

export type SaveOutcome =
  | { kind: 'saved'; document: DocumentJson }
  /** Nothing was written; `stored` is the document as it is now (undefined: it was deleted). */
  | { kind: 'conflict'; stored: DocumentJson | undefined };

/** Matches the document only while it is exactly as read: same `_id`, same fields, no field added or removed. */
export function unchangedFilter(asRead: DocumentJson): JsonObject {
  return { _id: asRead._id, $expr: { $eq: ['$$ROOT', { $literal: asRead }] } };
}

/** The edited text as a document for `id`: a JSON object whose `_id`, if present, is unchanged. */
export function parseEditedDocument(text: string, id: string): DocumentJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StudioError('InvalidJson', `The document is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StudioError('InvalidDocument', 'A document must be a JSON object.');
  }
  const document = parsed as JsonObject;
  if (document._id !== undefined && document._id !== id) {
    throw new StudioError('InvalidDocument', `The _id cannot be changed (it is "${id}").`);
  }
  return { ...document, _id: id };
}

/** Replaces the whole document, if it is still as read. */
export async function saveDocument(
  db: DatabaseApi,
  collection: string,
  asRead: DocumentJson,
  edited: DocumentJson,
  signal?: AbortSignal,
): Promise<SaveOutcome> {
  const { _id: _ignored, ...fields } = edited;
  return conditional(db, collection, asRead, fields, signal);
}

/** Sets one field (a dot path) and leaves the rest of the document alone, if it is still as read. */
export async function saveField(
  db: DatabaseApi,
  collection: string,
  asRead: DocumentJson,
  path: string,
  value: JsonValue,
  signal?: AbortSignal,
): Promise<SaveOutcome> {
  if (path === '' || path === '_id' || path.startsWith('_id.') || path.split('.').some((s) => s === '' || s.startsWith('$'))) {
    throw new StudioError('InvalidPath', `"${path}" is not a field that can be edited.`);
  }
  return conditional(db, collection, asRead, { $set: { [path]: value } }, signal);
}

/** The user chose to overwrite: writes the edit whatever is stored now (recreating a deleted document). */
export async function overwriteDocument(db: DatabaseApi, collection: string, edited: DocumentJson, signal?: AbortSignal): Promise<DocumentJson> {
  const { _id, ...fields } = edited;
  await db.updateDocuments(collection, { _id }, fields, { multi: false, upsert: true }, signal);
  return (await db.getDocument(collection, _id, signal)) ?? edited;
}

async function conditional(db: DatabaseApi, collection: string, asRead: DocumentJson, update: JsonObject, signal?: AbortSignal): Promise<SaveOutcome> {
  const result = await db.updateDocuments(collection, unchangedFilter(asRead), update, { multi: false }, signal);
  const stored = await db.getDocument(collection, asRead._id, signal);
  if (result.matched === 1 && stored) return { kind: 'saved', document: stored };
  return { kind: 'conflict', stored };
}

/** A copy of `document` with `value` at the dot path (objects created on the way). */
export function withValue(document: DocumentJson, path: string, value: JsonValue): DocumentJson {
  const copy = structuredClone(document);
  const keys = path.split('.');
  let target: JsonObject | JsonValue[] = copy;
  for (const key of keys.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(target) ? target[Number(key)] : target[key];
    if (next === null || typeof next !== 'object') {
      const created: JsonObject = {};
      if (Array.isArray(target)) target[Number(key)] = created;
      else target[key] = created;
      target = created;
    } else target = next;
  }
  const last = keys[keys.length - 1];
  if (Array.isArray(target)) target[Number(last)] = value;
  else target[last] = value;
  return copy;
}
