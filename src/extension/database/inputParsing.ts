/** What users type for filters, rules and index keys, checked as they type. No vscode import. */
import { StudioError } from '../../shared/errors';
import type { IndexKey, JsonObject } from '../../shared/model';

export function parseJsonObject(text: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StudioError('InvalidJson', `The ${what} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new StudioError('InvalidJson', `The ${what} must be a JSON object.`);
  return value as JsonObject;
}

/** "city: 1, age: -1" (a direction defaults to 1), or a JSON object {"city": 1}. */
export function parseIndexKeys(text: string): IndexKey[] {
  const trimmed = text.trim();
  const pairs: [string, unknown][] = trimmed.startsWith('{')
    ? Object.entries(parseJsonObject(trimmed, 'index keys'))
    : trimmed.split(',').map((part) => {
        const [field, direction] = part.split(':').map((x) => x.trim());
        return [field, direction === undefined || direction === '' ? 1 : Number(direction)];
      });
  if (pairs.length === 0 || (pairs.length === 1 && pairs[0][0] === '')) throw new StudioError('InvalidArgument', 'Name at least one field.');
  const seen = new Set<string>();
  return pairs.map(([field, direction]) => {
    if (field === '' || field.split('.').some((s) => s === '' || s.startsWith('$'))) throw new StudioError('InvalidArgument', `"${field}" is not a field name.`);
    if (direction !== 1 && direction !== -1) throw new StudioError('InvalidArgument', `The direction of "${field}" must be 1 or -1.`);
    if (seen.has(field)) throw new StudioError('InvalidArgument', `"${field}" is named twice.`);
    seen.add(field);
    return { field, direction };
  });
}
