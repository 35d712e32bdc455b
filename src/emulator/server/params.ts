/** Reading action parameters: anything malformed is the caller's error, refused before any change. */
import { StudioError } from '../../shared/errors';
import type { AdminRequest } from './protocol';

export function requiredString(params: AdminRequest, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') {
    throw new StudioError('InvalidArgument', `Parameter "${name}" must be a non-empty string.`);
  }
  return value;
}

export function optionalBoolean(params: AdminRequest, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new StudioError('InvalidArgument', `Parameter "${name}" must be a boolean.`);
  return value;
}

/** Integers arrive as numbers, or as numeric strings from some callers. */
export function optionalInteger(params: AdminRequest, name: string, range: { min: number; max?: number }): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || (range.max !== undefined && value > range.max)) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `between ${range.min} and ${range.max}`;
    throw new StudioError('InvalidArgument', `Parameter "${name}" must be an integer ${bounds}.`);
  }
  return value;
}
