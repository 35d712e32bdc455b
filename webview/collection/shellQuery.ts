/**
 * Reads a filter, sort or projection as people type it in the MongoDB shell or Compass: unquoted
 * and single-quoted keys, trailing commas, comments (JSON5, which is a superset of JSON), and the
 * shell's `ISODate("…")`, `new Date("…")` and `ObjectId("…")` with a string argument, which
 * become relaxed Extended JSON (`{"$date": "…"}`, `{"$oid": "…"}`) as the backend speaks it.
 */
import JSON5 from 'json5';

const CALL = /^(?:new\s+)?(ISODate|Date|ObjectId)\s*\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)/;

/** Replaces the shell's value constructors outside string literals; everything else is left to JSON5. */
function withShellValues(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const call = /[A-Za-z_$]/.test(c) && (i === 0 || !/[\w$]/.test(text[i - 1])) ? CALL.exec(text.slice(i)) : null;
    if (call) {
      out += `{${call[1] === 'ObjectId' ? '"$oid"' : '"$date"'}: ${call[2]}}`;
      i += call[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The value the text denotes; throws with JSON5's message (line and column) when it is not one. */
export function parseShellValue(text: string): unknown {
  const value = JSON5.parse(withShellValues(text)) as unknown;
  return normalizeDates(value);
}

/** `{"$date": "<any date text>"}` as the ISO form the backend compares. */
function normalizeDates(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeDates);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$date' && typeof o.$date === 'string') {
    const t = Date.parse(o.$date);
    if (!Number.isNaN(t)) return { $date: new Date(t).toISOString() };
  }
  return Object.fromEntries(keys.map((k) => [k, normalizeDates(o[k])]));
}
