/**
 * What every group of fake actions shares. Each handler takes the request's parameters and returns
 * the `Response` body without `RequestId`. Underneath each fake environment runs a whole local
 * environment (database, storage, functions and their logs): the fake answers in Tencent's words
 * with the engine the local environment uses.
 */
import { isStudioError } from '../../../../src/shared/errors';
import type { LocalEnvironment } from '../../../../src/emulator/environment';

/** An error the fake answers with `Response.Error`. */
export class CloudApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeEnvironment {
  envId: string;
  alias: string;
  region: string;
  /** Whether the environment's log service (CLS) is on: DescribeEnvs lists a topic, SearchClsLog answers. */
  logService: boolean;
  /** The engine underneath: its database, storage, function runtime and logs. */
  local: LocalEnvironment;
}

export type Params = Record<string, unknown>;
export type ActionHandler = (params: Params, env: () => FakeEnvironment, all: FakeEnvironment[]) => Promise<Record<string, unknown>> | Record<string, unknown>;

export function str(params: Params, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v === '') throw new CloudApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  return v;
}

export function num(params: Params, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new CloudApiError('InvalidParameter', `Parameter \`${name}\` must be a non-negative integer.`);
  return v;
}

/** The engine's refusals in Tencent's words. */
export function toCloudApiError(e: unknown): CloudApiError {
  if (e instanceof CloudApiError) return e;
  if (isStudioError(e)) {
    switch (e.code) {
      case 'CollectionNotFound':
        return new CloudApiError('ResourceNotFound.TableNotExist', e.message);
      case 'CollectionExists':
        return new CloudApiError('ResourceInUse.TableExist', e.message);
      case 'IndexNotFound':
      case 'IndexExists':
      case 'DuplicateKey':
        return new CloudApiError('FailedOperation', e.message);
      case 'Internal':
        return new CloudApiError('InternalError', e.message);
      default:
        return new CloudApiError('InvalidParameter', e.message);
    }
  }
  return new CloudApiError('InternalError', e instanceof Error ? e.message : String(e));
}

