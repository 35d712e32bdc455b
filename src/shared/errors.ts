/**
 * Errors that cross layers carry a stable code (for tests, logs and the UI's choice of action)
 * and the error that caused them. Messages are English for logs; the extension layer maps codes
 * to localized text where it shows them.
 */
export type ErrorCode =
  // input that was refused before anything changed
  | 'InvalidArgument'
  | 'InvalidCollectionName'
  | 'InvalidDocument'
  | 'InvalidQuery'
  | 'UnknownOperator'
  | 'DocumentTooLarge'
  | 'InvalidPath'
  | 'InvalidJson'
  | 'UnknownAction'
  // state
  | 'CollectionNotFound'
  | 'CollectionExists'
  | 'DocumentNotFound'
  | 'DuplicateKey'
  | 'IndexNotFound'
  | 'IndexExists'
  // storage: a file that is not there, or a name that is taken (a file, or a folder where a file should go)
  | 'FileNotFound'
  | 'FileExists'
  | 'Conflict'
  // a transaction's document changed under it (another transaction or writer got there first)
  | 'TransactionConflict'
  | 'EnvironmentLocked'
  // the local environment's disk has no room (ENOSPC) or the user's quota is used up (EDQUOT)
  | 'DiskFull'
  | 'EnvironmentNotFound'
  // a snapshot restore that failed and was rolled back: the environment keeps the data it had
  | 'RestoreFailed'
  | 'NotSupported'
  // a service the environment has but that is switched off (Tencent's log service): the user turns it on
  | 'LogServiceOff'
  // cloud functions: names and folders, then an invocation's failure (InvokeResult.error.code)
  | 'InvalidFunctionName'
  | 'FunctionNotFound'
  | 'FunctionExists'
  | 'HandlerNotFound'
  | 'DependenciesMissing'
  | 'FunctionLoadFailed'
  | 'FunctionError'
  | 'FunctionCrashed'
  | 'MemoryLimitExceeded'
  // transport and service
  | 'Cancelled'
  | 'Timeout'
  | 'Network'
  | 'Unauthorized'
  | 'Throttled'
  | 'ServiceError'
  | 'Internal';

/**
 * The lazily loaded bundles (dist/local-environment.js, dist/tencent.js) carry their own copy of
 * this class, so `instanceof` goes by a process-wide brand instead of the class object.
 */
const BRAND = Symbol.for('cloudbase-studio.StudioError');

export class StudioError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  override readonly name = 'StudioError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; requestId?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.requestId = options?.requestId;
  }
  readonly requestId?: string;
}
Object.defineProperty(StudioError.prototype, BRAND, { value: true });

export function isStudioError(e: unknown, code?: ErrorCode): e is StudioError {
  return e instanceof StudioError && (code === undefined || e.code === code);
}

/** AbortSignal reasons become one recognisable error so callers can stay silent on cancel. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StudioError('Cancelled', 'The operation was cancelled.');
}

export function isCancellation(e: unknown): boolean {
  return isStudioError(e, 'Cancelled') || (e instanceof Error && e.name === 'AbortError');
}

/** A readable one-line message for any thrown value (some SDKs throw objects or strings). */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
