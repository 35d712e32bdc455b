/** Reading what the user typed (query, cell values) and showing stored values in cells. */
import type { JsonObject, JsonValue, SortKey } from '../../src/shared/model';
import { parseShellValue } from './shellQuery';

export type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'date' | 'json';
export const VALUE_TYPES: readonly ValueType[] = ['string', 'number', 'boolean', 'null', 'date', 'json'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** A query object as typed: JSON, or the MongoDB shell's relaxed form (`{ done: false }`). */
export function parseObject(text: string): Parsed<JsonObject> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: {} };
  try {
    const value = parseShellValue(trimmed);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'object' };
    return { ok: true, value: value as JsonObject };
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^JSON5: /, '') };
  }
}

export function parseSort(text: string): Parsed<SortKey[]> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const keys: SortKey[] = [];
  for (const [field, direction] of Object.entries(parsed.value)) {
    if (direction !== 1 && direction !== -1) return { ok: false, error: field };
    keys.push({ field, direction });
  }
  return { ok: true, value: keys };
}

export function parseProjection(text: string): Parsed<Record<string, 0 | 1> | undefined> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const entries = Object.entries(parsed.value);
  if (entries.length === 0) return { ok: true, value: undefined };
  if (entries.some(([, v]) => v !== 0 && v !== 1)) return { ok: false, error: 'projection' };
  return { ok: true, value: parsed.value as Record<string, 0 | 1> };
}

export function isDate(v: JsonValue | undefined): v is { $date: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as JsonObject).$date === 'string';
}

export function typeOf(v: JsonValue | undefined): ValueType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return isDate(v) ? 'date' : 'json';
}

/** The text an editor starts with for a value of its type. */
export function editText(v: JsonValue | undefined): string {
  const type = typeOf(v);
  if (type === 'string') return v as string;
  if (type === 'date') return (v as { $date: string }).$date;
  if (type === 'null') return '';
  if (type === 'json') return JSON.stringify(v, null, 2);
  return String(v);
}

/** The typed text as a value of the chosen type, or why it is not one. */
export function parseValue(text: string, type: ValueType): Parsed<JsonValue> {
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'number': {
      const n = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: type };
    }
    case 'boolean':
      return text.trim() === 'true' || text.trim() === 'false' ? { ok: true, value: text.trim() === 'true' } : { ok: false, error: type };
    case 'null':
      return { ok: true, value: null };
    case 'date': {
      const t = Date.parse(text.trim());
      return Number.isNaN(t) ? { ok: false, error: type } : { ok: true, value: { $date: new Date(t).toISOString() } };
    }
    case 'json':
      try {
        const value = JSON.parse(text) as JsonValue;
        return typeof value === 'object' && value !== null ? { ok: true, value } : { ok: false, error: type };
      } catch {
        return { ok: false, error: type };
      }
  }
}

/** One line for a cell: nested values stay collapsed (their size shows instead). */
export function cellText(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if (isDate(v)) return v.$date;
  return JSON.stringify(v);
}

/** Columns of a page: `_id` first, then fields in the order they first appear. */
export function columnsOf(documents: JsonObject[]): string[] {
  const columns = new Set<string>(['_id']);
  for (const d of documents) for (const k of Object.keys(d)) columns.add(k);
  return [...columns];
}
