// When and what the app scans after files change in its folders: the pure half of folder watching
// (folder-watcher.ts feeds it from the file system). Changes are collected per folder, debounced and
// coalesced into one incremental scan of the smallest set of folders that covers them; a scan never
// starts while another runs (the service answers 'busy' and the batch waits), so a burst of 1,000 new
// files is one scan, not 1,000.
import { isAbsolute, relative, resolve } from 'node:path';

/** How a scan the scheduler asked for ended. 'busy': it could not start (a scan or training runs). */
export type ScanOutcome = 'done' | 'cancelled' | 'failed' | 'busy';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // a pending scan never keeps a process alive on its own
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface ScanSchedulerOptions {
  /** Scans `roots` (absolute folders) incrementally; resolves when that scan has ended. */
  scan: (roots: string[]) => Promise<ScanOutcome>;
  /** The library's folders now: changes outside them are dropped, and many roots collapse to them. */
  folders: () => readonly string[];
  /** Quiet time after the last change before the scan starts. Default 1.5 s. */
  debounceMs?: number;
  /** Longest a change waits while more keep coming (a long copy). Default 20 s. */
  maxWaitMs?: number;
  /** Retry after 'busy'. Default 2 s. */
  busyRetryMs?: number;
  /** First retry after 'failed', doubling up to 10 min. Default 30 s. */
  failRetryMs?: number;
  /** More roots than this scan their whole folders instead. Default 16. */
  maxRoots?: number;
  timers?: Timers;
}

/** True when `path` is `root` or inside it. */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Drops every folder that lies inside another of the list (or repeats it); sorted. */
export function coverRoots(dirs: Iterable<string>): string[] {
  const sorted = [...new Set([...dirs].map((d) => resolve(d)))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const d of sorted) if (!kept.some((k) => within(k, d))) kept.push(d);
  return kept.sort();
}

/**
 * The roots to scan for changes in `dirs`: those inside a library folder, minimal (none inside
 * another); past `maxRoots` each is replaced by its library folder, as walking a few whole folders
 * costs less than hundreds of scan roots.
 */
export function planRoots(dirs: Iterable<string>, folders: readonly string[], maxRoots: number): string[] {
  const inLibrary = [...dirs].filter((d) => folders.some((f) => within(resolve(f), resolve(d))));
  const roots = coverRoots(inLibrary);
  if (roots.length <= maxRoots) return roots;
  return coverRoots(roots.map((r) => folders.find((f) => within(resolve(f), r)) ?? r));
}

export class ScanScheduler {
  readonly #o: Required<Omit<ScanSchedulerOptions, 'timers'>>;
  readonly #timers: Timers;
  #pending = new Set<string>();
  /** When the oldest pending change arrived (for maxWaitMs). */
  #since: number | null = null;
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  #failures = 0;
  /** A retry is armed: new changes join it rather than bring it forward. */
  #retrying = false;
  #closed = false;
  readonly #idle = new Set<() => void>();

  constructor(options: ScanSchedulerOptions) {
    this.#o = {
      debounceMs: 1500,
      maxWaitMs: 20_000,
      busyRetryMs: 2000,
      failRetryMs: 30_000,
      maxRoots: 16,
      ...options,
    };
    this.#timers = options.timers ?? realTimers;
  }

  /**
   * Folders whose contents changed. `immediate`: start as soon as no scan runs (a folder the user
   * just added, the catch-up at start) instead of waiting for the changes to settle.
   */
  add(dirs: Iterable<string>, immediate = false): void {
    if (this.#closed) return;
    for (const d of dirs) this.#pending.add(resolve(d));
    if (this.#pending.size === 0) return;
    this.#since ??= this.#timers.now();
    // While a scan runs, changes wait for it; it re-arms when it ends.
    if (!this.#running && !this.#retrying) this.#arm(immediate ? 0 : this.#o.debounceMs);
  }

  /** Changes waiting for a scan, or a scan running. */
  get busy(): boolean {
    return this.#running !== null || this.#pending.size > 0;
  }

  /** Resolves once no change is pending and no scan it started runs (or it is closed). */
  settled(): Promise<void> {
    if (!this.busy || this.#closed) return Promise.resolve();
    return new Promise((r) => this.#idle.add(r));
  }

  /** Drops what is pending and waits for a scan it started to end (the service cancels that scan). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clear();
    this.#pending.clear();
    await this.#running;
    this.#notifyIdle();
  }

  #clear(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Runs the pending changes after `delay`, or sooner when the oldest has waited maxWaitMs (`capped`). */
  #arm(delay: number, capped = true): void {
    this.#clear();
    const waited = this.#since === null ? 0 : this.#timers.now() - this.#since;
    const ms = capped ? Math.max(0, Math.min(delay, this.#o.maxWaitMs - waited)) : delay;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#retrying = false;
      this.#running = this.#fire().finally(() => {
        this.#running = null;
        this.#notifyIdle();
      });
    }, ms);
  }

  async #fire(): Promise<void> {
    const taken = this.#pending;
    this.#pending = new Set();
    this.#since = null;
    const roots = planRoots(taken, this.#o.folders(), this.#o.maxRoots);
    if (roots.length === 0 || this.#closed) return;
    let outcome: ScanOutcome;
    try {
      outcome = await this.#o.scan(roots);
    } catch {
      outcome = 'failed';
    }
    if (this.#closed) return;
    if (outcome === 'busy' || outcome === 'failed') {
      // Not scanned: the changes wait for the retry, with those that came meanwhile.
      for (const d of taken) this.#pending.add(d);
      this.#since ??= this.#timers.now();
      const retry =
        outcome === 'busy'
          ? this.#o.busyRetryMs
          : Math.min(600_000, this.#o.failRetryMs * 2 ** this.#failures++);
      this.#retryAfter(retry);
      return;
    }
    this.#failures = 0;
    if (this.#pending.size > 0) this.#arm(this.#o.debounceMs);
  }

  #retryAfter(ms: number): void {
    // A retry waits its full delay, whatever maxWaitMs says.
    this.#arm(ms, false);
    this.#retrying = true;
  }

  #notifyIdle(): void {
    if (this.busy && !this.#closed) return;
    for (const r of this.#idle) r();
    this.#idle.clear();
  }
}
