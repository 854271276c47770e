// Pause, resume and cancel for a running scan (the scan mirrors the state into its job row).

export type ScanControlState = 'running' | 'paused' | 'cancelled';

export class ScanController {
  readonly #abort = new AbortController();
  #paused = false;
  #resumeWaiters: Array<() => void> = [];
  readonly #listeners = new Set<(state: ScanControlState) => void>();

  /** Aborted by cancel(). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get state(): ScanControlState {
    return this.#abort.signal.aborted ? 'cancelled' : this.#paused ? 'paused' : 'running';
  }

  /** Stops starting new files; files already being analysed finish and are saved. */
  pause(): void {
    if (this.#paused || this.#abort.signal.aborted) return;
    this.#paused = true;
    this.#emit();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#wake();
    this.#emit();
  }

  /** Ends the scan after the files in flight are saved; the job row says 'cancelled'. */
  cancel(reason?: unknown): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(reason);
    this.#paused = false;
    this.#wake();
    this.#emit();
  }

  /** Resolves at once unless paused; then when resumed or cancelled. */
  waitWhilePaused(): Promise<void> {
    if (!this.#paused) return Promise.resolve();
    return new Promise((resolve) => this.#resumeWaiters.push(resolve));
  }

  /** Calls `fn` on every state change; returns the unsubscribe function. */
  subscribe(fn: (state: ScanControlState) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #wake(): void {
    const waiters = this.#resumeWaiters;
    this.#resumeWaiters = [];
    for (const w of waiters) w();
  }

  #emit(): void {
    const s = this.state;
    for (const fn of this.#listeners) fn(s);
  }
}
