/**
 * Runs one Cloud API call with what manager-node lacks: cancellation, a time limit of our own
 * (its 60 s is fixed), retries with back-off on throttling, and errors mapped to StudioErrors.
 * manager-node cannot abort a request, so a cancelled or timed-out call is abandoned, not stopped.
 */
import { StudioError, throwIfAborted } from '../../shared/errors';
import { toStudioError } from './errors';

export interface CallPolicy {
  timeoutMs: number;
  /** Retries after a throttled answer; the n-th waits retryDelayMs × 2^n. */
  retries: number;
  retryDelayMs: number;
  secrets: readonly (string | undefined)[];
}

export const DEFAULT_POLICY: Omit<CallPolicy, 'secrets'> = { timeoutMs: 30_000, retries: 3, retryDelayMs: 500 };

function once<T>(run: () => Promise<T>, action: string, policy: CallPolicy, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => finish(() => reject(new StudioError('Cancelled', 'The operation was cancelled.')));
    const timer = setTimeout(
      () => finish(() => reject(new StudioError('Timeout', `Tencent Cloud did not answer ${action} within ${policy.timeoutMs} ms.`))),
      policy.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    // Through then() so that a synchronous throw is mapped and clears the timer like any failure.
    Promise.resolve().then(run).then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(toStudioError(e, action, policy.secrets))),
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new StudioError('Cancelled', 'The operation was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function callCloud<T>(action: string, run: () => Promise<T>, policy: CallPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await once(run, action, policy, signal);
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'Throttled') || attempt >= policy.retries) throw e;
      await sleep(policy.retryDelayMs * 2 ** attempt, signal);
    }
  }
}
