/**
 * What the user reads for an error: StudioError codes become localized sentences; the engine's
 * English message follows after a colon where it carries the specifics (which field, which
 * rule). Logs keep the English original.
 */
import { l10n } from 'vscode';
import { isStudioError, messageOf } from '../../shared/errors';

/** Tencent Cloud's own error code (e.g. `AuthFailure.SecretIdNotFound`), kept on the cause. */
export function serviceCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : '';
}

/** Credentials that are wrong, expired or gone: signing in again is the way out (a missing permission is not). */
export function needsSignIn(error: unknown): boolean {
  if (!isStudioError(error, 'Unauthorized')) return false;
  return !/UnauthorizedOperation|OperationDenied/.test(serviceCode(error));
}

/** An environment Tencent Cloud stopped for an unpaid bill or an expired package. */
function isolated(error: unknown): boolean {
  return /Isolat|Arrear|Overdue|Expired\.Env|EnvExpired/i.test(serviceCode(error));
}

export function userMessage(error: unknown): string {
  const message = sentence(error);
  // Support needs the request ID to find a failed call on Tencent's side.
  return isStudioError(error) && error.requestId ? l10n.t('{0} (request ID: {1})', message, error.requestId) : message;
}

/**
 * An error for VS Code to show when a save fails: it prints "Failed to save 'x': Unable to write
 * file '<uri>' (<name>: <message>)", so the name reads as the product and the message as a sentence.
 */
export function readableSaveError(error: unknown): Error {
  if (error instanceof Error && error.name.includes('FileSystemError')) return error;
  return Object.assign(new Error(userMessage(error)), { name: 'CloudBase' });
}

function sentence(error: unknown): string {
  if (!isStudioError(error)) return l10n.t('Unexpected error: {0}', messageOf(error));
  const detail = error.message;
  if (isolated(error)) return l10n.t('The environment is isolated or in arrears; renew it in the Tencent Cloud console: {0}', detail);
  switch (error.code) {
    case 'InvalidArgument':
      return l10n.t('Invalid input: {0}', detail);
    case 'InvalidCollectionName':
      return l10n.t('Invalid collection name: {0}', detail);
    case 'InvalidDocument':
      return l10n.t('Invalid document: {0}', detail);
    case 'InvalidQuery':
    case 'UnknownOperator':
      return l10n.t('Invalid query: {0}', detail);
    case 'DocumentTooLarge':
      return l10n.t('The document is too large: {0}', detail);
    case 'InvalidPath':
      return l10n.t('Invalid path: {0}', detail);
    case 'InvalidJson':
      return l10n.t('Invalid JSON: {0}', detail);
    case 'CollectionNotFound':
      return l10n.t('The collection no longer exists.');
    case 'CollectionExists':
      return l10n.t('A collection with this name already exists.');
    case 'DocumentNotFound':
      return l10n.t('The document no longer exists.');
    case 'FileNotFound':
      return l10n.t('The file no longer exists: {0}', detail);
    case 'FileExists':
      return l10n.t('The name is already taken: {0}', detail);
    case 'DuplicateKey':
      return l10n.t('A document with the same unique key already exists: {0}', detail);
    case 'Conflict':
      return l10n.t('Someone else changed this in the meantime: {0}', detail);
    case 'EnvironmentLocked':
      return l10n.t('The local environment is in use by another window or process: {0}', detail);
    case 'EnvironmentNotFound':
      return l10n.t('No CloudBase environment is available. Start a local environment first.');
    case 'RestoreFailed':
      return l10n.t('The snapshot was not restored; the environment keeps its current data: {0}', detail);
    case 'NotSupported':
      return l10n.t('Not supported: {0}', detail);
    case 'LogServiceOff':
      return l10n.t('The environment’s log service is off. Turn it on in the CloudBase console (Logs), then try again.');
    case 'FunctionNotFound':
      return l10n.t('The cloud function does not exist: {0}', detail);
    case 'InvalidFunctionName':
      return l10n.t('Invalid function name: {0}', detail);
    case 'FunctionExists':
      return l10n.t('A cloud function with this name already exists: {0}', detail);
    case 'Cancelled':
      return l10n.t('Cancelled.');
    case 'Timeout':
      return l10n.t('The operation timed out: {0}', detail);
    case 'Network':
      return l10n.t('Network error: {0}', detail);
    case 'Unauthorized':
      return needsSignIn(error) ? l10n.t('Sign-in failed or expired: {0}', detail) : l10n.t('Permission missing: {0}', detail);
    case 'Throttled':
      return l10n.t('Too many requests; try again shortly: {0}', detail);
    default:
      return l10n.t('Something went wrong: {0}', detail);
  }
}

/** The log line for an error: code, message, request id and the chain of causes. */
export function logDescription(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    const code = isStudioError(current) ? `[${current.code}] ` : '';
    const requestId = isStudioError(current) && current.requestId ? ` (request ${current.requestId})` : '';
    parts.push(`${code}${messageOf(current)}${requestId}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return parts.join('\n  caused by: ') + stack;
}
