/**
 * The warm processes of one function. Each runs one invocation at a time (as in the cloud);
 * concurrent invocations start more processes up to a cap, then wait in arrival order. A process
 * is reused while the function's code and settings are unchanged (its `signature`).
 */
import { StudioError } from '../../shared/errors';
import type { FunctionWorker } from './worker';

export interface WorkerSpec {
  /** Code fingerprint plus the settings a process is started with; a change replaces the processes. */
  signature: string;
  start(): FunctionWorker;
}

interface Waiter {
  spec: WorkerSpec;
  resolve: (lease: Lease) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface Lease {
  worker: FunctionWorker;
  /** True when the process was started for this invocation. */
  cold: boolean;
}

export class FunctionPool {
  private readonly idle: FunctionWorker[] = [];
  private readonly all = new Set<FunctionWorker>();
  private readonly signatures = new Map<FunctionWorker, string>();
  private readonly queue: Waiter[] = [];
  /** Processes stopped but maybe not gone yet. */
  private readonly stopping = new Set<FunctionWorker>();
  private signature?: string;

  constructor(private cap: number) {}

  get pids(): number[] {
    return [...this.all].filter((w) => w.alive && w.pid !== undefined).map((w) => w.pid!);
  }

  /** A process for one invocation: a warm idle one, a new one, or the next to come free. */
  async acquire(spec: WorkerSpec, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) throw new StudioError('Cancelled', 'The invocation was cancelled.');
    this.adopt(spec);
    const warm = this.takeIdle();
    if (warm) return { worker: warm, cold: false };
    if (this.all.size < this.cap) return { worker: await this.startFor(spec), cold: true };
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { spec, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new StudioError('Cancelled', 'The invocation was cancelled.'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  /** Gives a process back after its invocation; dead or outdated ones are dropped and the queue moves. */
  release(worker: FunctionWorker): void {
    if (!worker.alive || worker.retired || this.signatures.get(worker) !== this.signature) this.drop(worker);
    else this.idle.push(worker);
    this.serveQueue();
  }

  /** Replaces every process: idle ones stop now, busy ones when their invocation ends (a local deploy). */
  retire(): void {
    this.signature = undefined;
    for (const w of [...this.idle]) this.drop(w);
  }

  /** Stops every process (now, even busy ones) and refuses the waiting invocations with `reason`. */
  clear(reason?: Error): void {
    for (const w of [...this.all]) this.drop(w);
    if (reason) {
      for (const waiter of this.queue.splice(0)) {
        if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.reject(reason);
      }
    }
    this.signature = undefined;
  }

  /** Stops processes idle for longer than `ms`. */
  reap(ms: number): void {
    const now = Date.now();
    for (const w of [...this.idle]) if (now - w.lastUsed > ms) this.drop(w);
  }

  setCap(cap: number): void {
    this.cap = cap;
  }

  /** Resolves when every process this pool started or stopped has ended. */
  async closed(): Promise<void> {
    await Promise.all([...this.all, ...this.stopping].map((w) => w.closed));
  }

  private adopt(spec: WorkerSpec): void {
    if (this.signature === spec.signature) return;
    this.signature = spec.signature;
    // Idle processes run old code: replace them now; busy ones are dropped when they come back.
    for (const w of [...this.idle]) this.drop(w);
  }

  private takeIdle(): FunctionWorker | undefined {
    while (this.idle.length > 0) {
      const w = this.idle.pop()!;
      if (w.alive && !w.retired) return w;
      this.drop(w);
    }
    return undefined;
  }

  private async startFor(spec: WorkerSpec): Promise<FunctionWorker> {
    const worker = spec.start();
    this.all.add(worker);
    this.signatures.set(worker, spec.signature);
    try {
      await worker.ready;
      return worker;
    } catch (e) {
      this.drop(worker);
      this.serveQueue();
      throw e;
    }
  }

  private serveQueue(): void {
    while (this.queue.length > 0) {
      const waiter = this.queue[0];
      this.adopt(waiter.spec);
      const warm = this.takeIdle();
      if (!warm && this.all.size >= this.cap) return;
      this.queue.shift();
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      if (warm) waiter.resolve({ worker: warm, cold: false });
      else this.startFor(waiter.spec).then((worker) => waiter.resolve({ worker, cold: true }), waiter.reject);
    }
  }

  private drop(worker: FunctionWorker): void {
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    this.all.delete(worker);
    this.signatures.delete(worker);
    worker.kill();
    this.stopping.add(worker);
    void worker.closed.then(() => this.stopping.delete(worker));
  }
}
