/**
 * Paces the requests of a long transfer: at most `perSecond` of them start in any second (Tencent
 * Cloud throttles above 20), and a request that failed for a passing reason (throttling, a 5xx,
 * the network, a timeout) is tried again after a growing pause. Anything else fails at once.
 */
import { StudioError, isCancellation, isStudioError } from '../../shared/errors';

export interface PacerOptions {
  perSecond: number;
  /** Tries after the first; the n-th waits retryDelayMs × 2^n. */
  retries: number;
  retryDelayMs: number;
  signal?: AbortSignal;
}

export const DEFAULT_PACING: Omit<PacerOptions, 'signal'> = { perSecond: 15, retries: 5, retryDelayMs: 500 };

const PASSING = ['Throttled', 'Network', 'Timeout'] as const;
/** Tencent's codes for a failure on its side that a later try may not meet; '' is a gateway's non-JSON answer. */
const PASSING_SERVICE_CODES = /^(InternalError|ServiceUnavailable|ResourceUnavailable|FailedOperation\.Timeout|$)/;

export function isPassingFailure(e: unknown): boolean {
  if (PASSING.some((code) => isStudioError(e, code))) return true;
  if (!isStudioError(e, 'ServiceError')) return false;
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code !== 'string' || PASSING_SERVICE_CODES.test(cause.code);
}

export class Pacer {
  private nextStart = 0;
  /** Requests made, retries included: what the target and source services saw. */
  requests = 0;
  retried = 0;

  constructor(private readonly options: PacerOptions) {}

  async run<T>(call: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      try {
        return await call(this.options.signal);
      } catch (e) {
        if (isCancellation(e) || !isPassingFailure(e) || attempt >= this.options.retries) throw e;
        this.retried++;
        await sleep(this.options.retryDelayMs * 2 ** attempt, this.options.signal);
      }
    }
  }

  private async slot(): Promise<void> {
    throwIfCancelled(this.options.signal);
    const now = Date.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / this.options.perSecond;
    if (start > now) await sleep(start - now, this.options.signal);
    this.requests++;
  }
}

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new StudioError('Cancelled', 'The copy was cancelled.');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StudioError('Cancelled', 'The copy was cancelled.'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new StudioError('Cancelled', 'The copy was cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
