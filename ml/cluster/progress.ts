// Cooperative progress and cancellation for long synchronous loops.
import type { ClusterProgress } from './types.ts';

const SLICE_MS = 40;

/** Reports progress and yields to the event loop at most every SLICE_MS, so an abort can land. */
export class Ticker {
  private last = performance.now();
  private readonly signal: AbortSignal | undefined;
  private readonly onProgress: ((p: ClusterProgress) => void) | undefined;

  constructor(signal: AbortSignal | undefined, onProgress: ((p: ClusterProgress) => void) | undefined) {
    this.signal = signal;
    this.onProgress = onProgress;
    signal?.throwIfAborted();
  }

  /** Cheap check for hot loops: true when a slice is used up and `pause` should be awaited. */
  due(): boolean {
    return performance.now() - this.last >= SLICE_MS;
  }

  async pause(phase: ClusterProgress['phase'], done: number, total: number): Promise<void> {
    this.onProgress?.({ phase, done, total });
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.signal?.throwIfAborted();
    this.last = performance.now();
  }

  /** Final report of a phase, without yielding. */
  report(phase: ClusterProgress['phase'], done: number, total: number): void {
    this.onProgress?.({ phase, done, total });
  }
}
