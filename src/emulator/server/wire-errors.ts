/**
 * Maps the environment's StudioError codes to the codes the cloud answers with, so code running
 * against the local environment sees the errors it would see in production.
 */
import { isStudioError, messageOf, type ErrorCode } from '../../shared/errors';
import type { WireErrorCode } from './protocol';

const byStudioCode: Partial<Record<ErrorCode, WireErrorCode>> = {
  InvalidArgument: 'INVALID_PARAM',
  InvalidCollectionName: 'INVALID_PARAM',
  InvalidDocument: 'INVALID_PARAM',
  InvalidQuery: 'INVALID_PARAM',
  InvalidPath: 'INVALID_PARAM',
  InvalidJson: 'INVALID_PARAM',
  DocumentTooLarge: 'INVALID_PARAM',
  UnknownAction: 'INVALID_ACTION',
  UnknownOperator: 'DATABASE_INVALID_OPERRATOR',
  CollectionNotFound: 'DATABASE_COLLECTION_NOT_EXIST',
  CollectionExists: 'DATABASE_COLLECTION_ALREADY_EXIST',
  InvalidFunctionName: 'INVALID_PARAM',
  FunctionNotFound: 'FUNCTIONS_REQUEST_FAIL',
  Timeout: 'SERVER_TIMEOUT',
  Cancelled: 'SERVER_TIMEOUT',
  Internal: 'SYS_ERR',
};

export interface WireError {
  code: WireErrorCode;
  message: string;
}

/**
 * `fallback` is the service's own failure code (DATABASE_REQUEST_FAILED for database actions):
 * duplicate keys, conflicts and unsupported operations there are database failures in the cloud too.
 */
export function toWireError(error: unknown, fallback: WireErrorCode, serviceCodes?: Partial<Record<ErrorCode, WireErrorCode>>): WireError {
  if (isStudioError(error)) {
    return { code: serviceCodes?.[error.code] ?? byStudioCode[error.code] ?? fallback, message: error.message };
  }
  // Anything else is a defect in the environment, not the caller's fault.
  return { code: 'SYS_ERR', message: `Internal error: ${messageOf(error)}` };
}
