/** The checks every LogsApi makes on a query before running it. */
import { StudioError } from '../shared/errors';
import type { LogQuery } from './backend';

export function checkLogQuery(filter: LogQuery): void {
  for (const key of ['since', 'until', 'limit'] as const) {
    const value = filter[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new StudioError('InvalidArgument', `Log query "${key}" must be a non-negative number, not ${String(value)}.`);
    }
  }
  if (filter.limit !== undefined && !Number.isInteger(filter.limit)) {
    throw new StudioError('InvalidArgument', `Log query "limit" must be a whole number, not ${filter.limit}.`);
  }
}
