// The library service's scan: one at a time, run by runScanJob under a ScanController
// (pause/resume/cancel), its progress sent as 'scanProgress' events.

import { ApiError, type ScanStatus } from '../../shared/api.ts';
import { runScanJob } from '../scan-job.ts';
import { ScanController, type ScanProgress } from '../scanner/index.ts';
import { storageProblem } from '../store/errors.ts';
import type { ScanJob } from '../store/types.ts';
import type { ServiceContext } from './context.ts';
import type { ServiceSettings } from './settings.ts';
import type { ScanOutcome } from './watch-schedule.ts';

interface RunningScan {
  controller: ScanController;
  status: ScanStatus;
  done: Promise<void>;
}

/** A scan status with nothing counted yet. */
function emptyScanStatus(state: ScanStatus['state'], roots: string[]): ScanStatus {
  return {
    state,
    jobId: null,
    roots,
    discovered: 0,
    processed: 0,
    analyzed: 0,
    unchanged: 0,
    moved: 0,
    skipped: 0,
    missing: 0,
    faces: 0,
    rate: 0,
    etaSeconds: null,
    walkDone: true,
    currentPath: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
}

export class ServiceScan {
  readonly #ctx: ServiceContext;
  readonly #settings: ServiceSettings;
  /** "Improve recognition" is running: a scan must wait for it. */
  readonly #improving: () => boolean;
  #scan: RunningScan | null = null;
  #lastScan: ScanStatus | null = null;

  constructor(ctx: ServiceContext, settings: ServiceSettings, improving: () => boolean) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#improving = improving;
  }

  get running(): boolean {
    return this.#scan !== null;
  }

  status(): ScanStatus {
    return this.#scan?.status ?? this.#idle();
  }

  /** Scans `roots` (default: every folder) unless a scan runs; the service reports it as it goes. */
  start(roots = this.#settings.folders()): ScanStatus {
    const ctx = this.#ctx;
    if (ctx.closed) throw new ApiError('conflict', 'The library is closing.');
    if (this.#scan) throw new ApiError('conflict', 'A scan is already running.');
    if (this.#improving()) throw new ApiError('conflict', 'Wait for “Improve recognition” to finish.');
    if (roots.length === 0) throw new ApiError('conflict', 'Add a photo folder first.');
    const settings = this.#settings.settings();
    const controller = new ScanController();
    const status: ScanStatus = {
      ...emptyScanStatus('running', roots),
      walkDone: false,
      startedAt: Date.now(),
    };
    const run = ctx.options.runScan ?? runScanJob;
    const scan: RunningScan = { controller, status, done: Promise.resolve() };
    this.#scan = scan;
    scan.done = (async () => {
      let final: Partial<ScanStatus>;
      try {
        const r = await run({
          library: ctx.library,
          roots,
          pipeline: settings.pipeline,
          modelsDir: ctx.options.modelsDir,
          workers: ctx.options.workers,
          controller,
          onProgress: (p) => this.#onProgress(p),
        });
        const c = r.scan.counts;
        final = {
          state: r.scan.state,
          jobId: r.scan.jobId,
          ...c,
          processed: c.analyzed + c.unchanged + c.moved + c.skipped,
          walkDone: true,
          etaSeconds: null,
          currentPath: null,
        };
      } catch (err) {
        final = {
          state: 'failed',
          error: storageProblem(err) ?? (err instanceof Error ? err.message : String(err)),
          etaSeconds: null,
        };
      }
      const last = this.#update({ ...final, finishedAt: Date.now() });
      this.#lastScan = last;
      this.#scan = null;
      ctx.media.clear();
      if (!ctx.closed) ctx.changed('scan');
    })();
    ctx.emit('scanProgress', status);
    return status;
  }

  pause(): ScanStatus {
    this.#scan?.controller.pause();
    return this.#scan?.status.state === 'running' ? this.#update({ state: 'paused' }) : this.status();
  }

  resume(): ScanStatus {
    this.#scan?.controller.resume();
    return this.#scan?.status.state === 'paused' ? this.#update({ state: 'running' }) : this.status();
  }

  cancel(): ScanStatus {
    this.#scan?.controller.cancel();
    return this.status();
  }

  /** A scan the folder watcher asked for: run when nothing else is, and awaited. */
  async watchScan(roots: string[]): Promise<ScanOutcome> {
    if (this.#ctx.closed) return 'cancelled';
    if (this.#scan || this.#improving()) return 'busy';
    this.start(roots);
    await (this.#scan as RunningScan | null)?.done; // set by start (TS narrowed it to null)
    const state = this.#lastScan?.state;
    return state === 'done' ? 'done' : state === 'cancelled' ? 'cancelled' : 'failed';
  }

  /** Cancels a running scan and waits for it (files in flight are saved). */
  async stop(): Promise<void> {
    const scan = this.#scan;
    if (!scan) return;
    scan.controller.cancel();
    await scan.done;
  }

  /** The last scan this service ran, else the library's last scan job. */
  #idle(): ScanStatus {
    if (this.#lastScan) return this.#lastScan;
    const job: ScanJob | undefined = this.#ctx.library.read.listScanJobs(1)[0];
    const base = emptyScanStatus('idle', []);
    if (!job) return base;
    const state = job.state === 'running' || job.state === 'paused' ? 'interrupted' : job.state;
    return {
      ...base,
      state,
      jobId: job.id,
      roots: job.roots,
      discovered: job.discovered,
      processed: job.analyzed + job.unchanged + job.moved + job.skipped,
      analyzed: job.analyzed,
      unchanged: job.unchanged,
      moved: job.moved,
      skipped: job.skipped,
      missing: job.missing,
      faces: job.faces,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      error: job.error,
    };
  }

  #update(patch: Partial<ScanStatus>): ScanStatus {
    const scan = this.#scan;
    if (!scan) return this.status();
    scan.status = { ...scan.status, ...patch };
    this.#ctx.emit('scanProgress', scan.status);
    return scan.status;
  }

  #onProgress(p: ScanProgress): void {
    this.#update({
      // The scanner's 'done' is the end of the file pass; people are regrouped after it.
      state: p.state === 'done' ? 'grouping' : p.state,
      jobId: p.jobId,
      discovered: p.discovered,
      processed: p.processed,
      analyzed: p.analyzed,
      unchanged: p.unchanged,
      moved: p.moved,
      skipped: p.skipped,
      missing: p.missing,
      faces: p.faces,
      rate: Math.max(0, p.rate),
      etaSeconds: p.etaSeconds === null ? null : Math.max(0, p.etaSeconds),
      walkDone: p.walkDone,
      currentPath: p.currentPath,
    });
  }
}
