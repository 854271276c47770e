// The library scan: walk the roots, decide per file what changed, analyse what needs it, record
// everything per photo in its own transaction. [Note: scan resumability] A photo is written only
// with its faces in one transaction, so a scan killed at any moment leaves each photo either fully
// recorded or absent; the next scan (incremental) redoes exactly the absent ones. The killed job's
// row, still 'running' with a dead pid, is marked 'interrupted' when the next scan starts.
import { existsSync, lstatSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { quantizeInt8 } from '../../../ml/embed/quantize.ts';
import { ImageSkipError, type PhotoAnalysis } from '../../../ml/types.ts';
import type { Library } from '../store/library.ts';
import type { FileStat, Photo, PhotoSkipReason, PhotoStatus, ScanCounts } from '../store/types.ts';
import { WorkerCrashError } from './analyzer-pool.ts';
import { ScanController } from './controller.ts';
import { sha256File } from './hash.ts';
import { fsErrorMessage, listImageFolders, type WalkEvent, type WalkOptions, walkImages } from './walk.ts';

export interface ScanProgress extends ScanCounts {
  jobId: number;
  state: 'running' | 'paused' | 'finishing' | 'done' | 'cancelled' | 'failed';
  /**
   * False while folders are still being listed: `discovered` and the ETA can still grow. A listing
   * that runs ahead of the analysis (no stat, no hash) finds every file early, so while it runs
   * `discovered` counts the files it found (the result's counts: those the scan itself reached).
   */
  walkDone: boolean;
  /** Files finished this scan (analysed, unchanged, moved or skipped). */
  processed: number;
  /** Photos analysed per second over the last ~10 s (unchanged files, which cost nothing, not counted). */
  rate: number;
  /**
   * Seconds until the scan is done: the files still to read (new, changed or not yet analysed by
   * this pipeline, as the listing ahead tells) over the rate they are being read at. Null while
   * there is no rate yet, or while more files may still be found.
   */
  etaSeconds: number | null;
  /** The last file that started processing. */
  currentPath: string | null;
}

export interface ScanOptions {
  library: Library;
  roots: readonly string[];
  /** Photo → faces. Injected so the scan logic is testable; in the app, an AnalyzerPool's analyze. */
  analyze: (path: string) => Promise<PhotoAnalysis>;
  /**
   * Called once, before the first photo is analysed (e.g. to start the analysis workers only when a
   * scan has something to analyse). Its failure stops the scan: it is no photo's fault.
   */
  prepare?: () => Promise<void>;
  /** Stored with each analysed photo; photos analysed by another pipeline are re-analysed. */
  pipelineId: string;
  embedderId: string;
  /** Float → int8 embedding (default ml/embed/quantize.ts quantizeInt8). */
  quantize?: (v: Float32Array) => Int8Array;
  /** Pause/resume/cancel. */
  controller?: ScanController;
  /** Cancels like controller.cancel(). */
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Minimum time between progress events, ms (state changes always report). Default 250. */
  progressIntervalMs?: number;
  /**
   * Files hashed/analysed at once. Default 4: with a 2-worker pool, two files are analysed while the
   * next two are hashed, so workers never wait.
   */
  concurrency?: number;
  /** Re-analyse photos analysed by another pipeline (a model upgrade). Default true. */
  reanalyzeOtherPipelines?: boolean;
  /** Extra walk settings (extensions, folder filter). */
  walk?: Pick<WalkOptions, 'extensions' | 'skipFolder'>;
}

export interface ScanResult {
  jobId: number;
  state: 'done' | 'cancelled';
  counts: ScanCounts;
  /** Files this scan could not analyse, with the reason shown to the user. */
  skippedFiles: Array<{ path: string; reason: PhotoSkipReason; detail: string | null }>;
  /** Photos analysed by this scan (new or changed content), e.g. to read their face regions. */
  analyzedPaths: string[];
  /**
   * Roots, folders and files that could not be read (not fatal): unreadable folders, broken or
   * looping links, undecodable names, files deleted during the scan ('ENOENT').
   */
  errors: Array<{ path: string; target: 'root' | 'dir' | 'file'; code: string; message: string }>;
  durationMs: number;
}

// Job ids this process is running; a row with our pid but not in here was left by a failed scan.
const activeJobs = new Set<number>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isLiveJob(job: { id: number; pid: number | null }): boolean {
  if (job.pid === null) return false;
  return job.pid === process.pid ? activeJobs.has(job.id) : processAlive(job.pid);
}

/**
 * Marks scan jobs left 'running' or 'paused' by a process that is gone (killed, crashed, power loss)
 * as 'interrupted'. scanLibrary does this itself; call it at app start to show the state early.
 */
export function markInterruptedScans(library: Library): number {
  return library.write.interruptStaleScanJobs(isLiveJob);
}

/** The status a 'missing' photo gets back when it reappears (mirrors the store's RESTORED_STATUS). */
/** Skip reasons that a later scan tries again (see `settled` in scanLibrary). */
const RETRIED_SKIPS: ReadonlySet<PhotoSkipReason> = new Set([
  'unreadable',
  'analysis-failed',
  'worker-crashed',
]);

function effectiveStatus(p: Photo): PhotoStatus {
  if (p.status !== 'missing') return p.status;
  if (p.skipReason !== null) return 'skipped';
  return p.analyzedAt !== null ? 'analyzed' : 'pending';
}

function skipOf(err: unknown, path: string): { reason: PhotoSkipReason; detail: string } {
  // Decoder messages start with the file's path, which the skipped list already shows.
  const message = err instanceof Error ? err.message : String(err);
  const detail = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  if (err instanceof ImageSkipError) return { reason: err.reason, detail };
  if (err instanceof WorkerCrashError) return { reason: 'worker-crashed', detail };
  return { reason: 'analysis-failed', detail };
}

/** Deleted (or renamed away) since the walk listed it; lstat, so a dangling link still "exists". */
function vanished(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Sliding-window rate: files per second over roughly the last `windowMs`. */
class RateMeter {
  readonly #samples: Array<[t: number, n: number]> = [];
  constructor(readonly windowMs = 10_000) {}
  add(t: number, n: number): number {
    this.#samples.push([t, n]);
    while (this.#samples.length > 2 && t - this.#samples[1]![0] >= this.windowMs) this.#samples.shift();
    const [t0, n0] = this.#samples[0]!;
    return t > t0 ? ((n - n0) * 1000) / (t - t0) : 0;
  }
}

/**
 * Scans `roots` into the library. Incremental: a file whose size and mtime match its row is not
 * read; a changed stat is hashed and only re-analysed when the content changed; a new path whose
 * content matches a photo that is missing (or whose old path no longer exists) is a move and keeps
 * the photo's id, faces and people. Photos under a root that were not found are marked 'missing'
 * (only after a complete walk, and never under a root or folder that could not be read).
 * Bad files are recorded as skipped with a reason; they never stop the scan.
 * Throws ScanAlreadyRunningError when another live process is scanning this library.
 */
export async function scanLibrary(options: ScanOptions): Promise<ScanResult> {
  const { library, analyze, pipelineId, embedderId } = options;
  const { read, write } = library;
  const quantize = options.quantize ?? quantizeInt8;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const reanalyze = options.reanalyzeOtherPipelines ?? true;
  const progressIntervalMs = options.progressIntervalMs ?? 250;
  const controller = options.controller ?? new ScanController();
  const started = Date.now();
  const roots = [...new Set(options.roots.map((r) => resolve(r)))];
  const jobId = write.beginScanJob(roots, process.pid, isLiveJob);
  activeJobs.add(jobId);
  const onExternalAbort = () => controller.cancel(options.signal?.reason);
  if (options.signal?.aborted) onExternalAbort();
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const counts: ScanCounts = {
    discovered: 0,
    analyzed: 0,
    unchanged: 0,
    moved: 0,
    skipped: 0,
    missing: 0,
    faces: 0,
  };
  const skippedFiles: ScanResult['skippedFiles'] = [];
  const analyzedPaths: string[] = [];
  const errors: ScanResult['errors'] = [];
  const seen = new Set<number>(); // photo ids found this scan (ids, not paths: a tenth of the memory)
  const protectedDirs: string[] = []; // could not be read: photos under them are not "missing"
  const protectedFiles = new Set<string>();
  const erroredRoots = new Set<string>();
  let walkDone = false;
  let currentPath: string | null = null;
  let lastEmit = 0;
  let lastJobWrite = 0;
  const analyzedMeter = new RateMeter();
  const workMeter = new RateMeter(30_000); // a longer window than the rate shown: a steadier ETA
  // [Note: honest progress] The ETA is about work, not files: an unchanged file costs a stat, a new
  // one an analysis. A listing runs ahead of the scan (one readdir per folder) and counts the files
  // and, of them, the ones with work to do (no row, or a row not settled). Files whose stat changed
  // are added to the work as the scan meets them. Work done is counted as files finish reading.
  const ahead = { files: 0, work: 0, done: false };
  let workStarted = 0; // files that needed reading though the listing counted them as settled
  let workDone = 0;
  // The work rate is per second of time with files in flight: time spent stepping over unchanged
  // files (a re-scan's first half) is not time the remaining work will take.
  let busyMs = 0;
  let busySince: number | null = null;
  // Loading the models (prepare) is no photo's cost: the busy clock stands still meanwhile.
  let prepareStart: number | null = null;
  let prepareMs = 0;
  const busyAt = (now: number) =>
    busyMs +
    (busySince === null ? 0 : now - busySince) -
    prepareMs -
    (prepareStart === null ? 0 : now - prepareStart);

  const processed = () => counts.analyzed + counts.unchanged + counts.moved + counts.skipped;
  const jobState = (): 'running' | 'paused' => (controller.state === 'paused' ? 'paused' : 'running');

  const emit = (state: ScanProgress['state'], force = false) => {
    const now = Date.now();
    if (now - lastJobWrite >= 1000 || force) {
      lastJobWrite = now;
      if (state === 'running' || state === 'paused') write.updateScanJob(jobId, jobState(), counts);
    }
    if (!options.onProgress || (!force && now - lastEmit < progressIntervalMs)) return;
    lastEmit = now;
    const rate = analyzedMeter.add(now, counts.analyzed);
    const workRate = workMeter.add(busyAt(now), workDone);
    const totalKnown = walkDone || ahead.done;
    const left = Math.max(0, ahead.work + workStarted - workDone);
    options.onProgress({
      jobId,
      state,
      walkDone: totalKnown,
      ...counts,
      discovered: walkDone ? counts.discovered : Math.max(counts.discovered, ahead.files),
      processed: processed(),
      rate,
      etaSeconds: !totalKnown ? null : left === 0 ? 0 : workRate > 0 ? left / workRate : null,
      currentPath,
    });
  };
  const unsubscribe = controller.subscribe((s) => {
    if (s !== 'cancelled') emit(s, true);
  });

  // A skip for what the file's bytes are (empty, corrupt, too large, …) stands until the file changes;
  // a skip for what happened (unreadable: permissions can change without the mtime; the analysis
  // failed or crashed: Kith's fault, perhaps fixed since) is tried again by every scan.
  const settled = (p: Photo) => {
    const status = effectiveStatus(p);
    if (status === 'skipped') return !RETRIED_SKIPS.has(p.skipReason ?? 'analysis-failed');
    return status === 'analyzed' && (!reanalyze || p.pipelineId === pipelineId);
  };

  const recordSkip = (file: FileStat, reason: PhotoSkipReason, detail: string | null) => {
    seen.add(write.recordSkip(file, reason, detail));
    counts.skipped++;
    skippedFiles.push({ path: file.path, reason, detail });
  };

  /**
   * A file listed by the walk but deleted before it was read: reported, not recorded (no row for a
   * file that is not there), and not "seen", so a photo already in the library becomes 'missing'
   * with its faces kept.
   */
  const recordVanished = (path: string, photoId: number | undefined) => {
    if (photoId !== undefined) seen.delete(photoId);
    counts.discovered--;
    errors.push({ path, target: 'file', code: 'ENOENT', message: 'deleted during the scan' });
  };

  /** Files needing no read at all: known path, same size and mtime, nothing to redo. */
  const quickCheck = (ev: Extract<WalkEvent, { type: 'file' }>, row: Photo | undefined): boolean => {
    if (!row) return false;
    seen.add(row.id);
    if (row.size !== ev.size || row.mtimeMs !== Math.floor(ev.mtimeMs)) return false;
    if (!settled(row)) return false;
    if (row.status === 'missing')
      write.refreshPhoto(row.id, { size: ev.size, mtimeMs: row.mtimeMs, contentHash: row.contentHash });
    counts.unchanged++;
    return true;
  };

  /** Hash, then decide: unchanged content, a move, or analysis. Errors other than the file's are fatal. */
  const processFile = async (ev: Extract<WalkEvent, { type: 'file' }>, row: Photo | undefined) => {
    const file: FileStat = {
      path: ev.path,
      size: ev.size,
      mtimeMs: Math.floor(ev.mtimeMs),
      contentHash: null,
    };
    if (ev.size === 0) {
      // No hash for empty files: every empty file has the same one, which would look like a move.
      recordSkip(file, 'empty-file', 'the file is empty');
      return;
    }
    try {
      file.contentHash = await sha256File(ev.path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') {
        recordVanished(ev.path, row?.id);
        return;
      }
      recordSkip(
        file,
        'unreadable',
        `cannot read the file (${e.code ?? 'error'}: ${fsErrorMessage(e, ev.path)})`,
      );
      return;
    }
    let photoId = row?.id; // the row this file is, once known (a move adopts the old photo's)
    if (row) {
      if (row.contentHash === file.contentHash && settled(row)) {
        write.refreshPhoto(row.id, file); // touched (mtime changed), same content
        counts.unchanged++;
        return;
      }
    } else {
      // A known photo with this content whose old path is gone moved here. Decided synchronously
      // after the await, so two copies in flight cannot both claim it.
      const hash = file.contentHash;
      const from = read
        .findPhotosByHash(hash)
        .find((p) => p.path !== ev.path && !seen.has(p.id) && !existsSync(p.path));
      if (from) {
        write.movePhoto(from.id, file);
        seen.add(from.id);
        photoId = from.id;
        if (settled(from)) {
          counts.moved++;
          return;
        }
      }
    }
    if (options.prepare) {
      if (!prepared) {
        const t0 = Date.now();
        prepareStart = t0;
        prepared = options.prepare().finally(() => {
          prepareMs = Date.now() - t0;
          prepareStart = null;
        });
      }
      await prepared; // outside the try below: its failure stops the scan, it is no photo's fault
    }
    let analysis: PhotoAnalysis;
    try {
      analysis = await analyze(ev.path);
    } catch (err) {
      // Deleted while being analysed: not a bad file. Recording it as skipped would leave a row for
      // a file that is gone, or turn an analysed photo with faces into a 'skipped' one.
      if (vanished(ev.path)) {
        recordVanished(ev.path, photoId);
        return;
      }
      const { reason, detail } = skipOf(err, ev.path);
      recordSkip(file, reason, detail);
      return;
    }
    const recorded = write.recordAnalysis(file, {
      width: analysis.width,
      height: analysis.height,
      takenAt: analysis.takenAt,
      pipelineId,
      embedderId,
      faces: analysis.faces.map((f) => ({ ...f, embeddingQ: quantize(f.embedding) })),
    });
    seen.add(recorded.photoId);
    analyzedPaths.push(ev.path);
    counts.analyzed++;
    counts.faces += recorded.faceIds.length;
  };

  let prepared: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;
  let hasFatal = false;
  const failWith = (err: unknown) => {
    if (!hasFatal) {
      hasFatal = true;
      fatal = err;
    }
    controller.cancel(err);
  };

  // Runs beside the scan and only feeds the progress figures; stopped once the scan's walk is done.
  const stopListing = new AbortController();
  const listingSignal = AbortSignal.any([controller.signal, stopListing.signal]);
  const listing = (async () => {
    for await (const files of listImageFolders(roots, { signal: listingSignal, ...options.walk })) {
      for (const path of files) {
        ahead.files++;
        const row = read.getPhotoByPath(path);
        if (!row || !settled(row)) ahead.work++;
      }
    }
    ahead.done = !listingSignal.aborted;
  })().catch(() => {}); // a folder it cannot read is reported by the scan's own walk

  try {
    emit('running', true);
    const walk = walkImages(roots, { signal: controller.signal, ...options.walk });
    for await (const ev of walk) {
      if (controller.state === 'paused') await controller.waitWhilePaused();
      if (controller.signal.aborted) break;
      if (ev.type === 'error') {
        errors.push({ path: ev.path, target: ev.target, code: ev.code, message: ev.message });
        if (ev.target === 'root') erroredRoots.add(ev.root);
        else if (ev.target === 'dir') protectedDirs.push(ev.path + sep);
        else if (ev.code !== 'ENOENT') protectedFiles.add(ev.path);
        continue;
      }
      counts.discovered++;
      const row = read.getPhotoByPath(ev.path);
      if (quickCheck(ev, row)) {
        emit('running');
        continue;
      }
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (controller.state === 'paused') await controller.waitWhilePaused();
      if (controller.signal.aborted) break;
      currentPath = ev.path;
      if (row && settled(row)) workStarted++; // its stat changed: work the listing did not count
      if (inFlight.size === 0) busySince = Date.now();
      const task: Promise<void> = processFile(ev, row)
        .catch(failWith)
        .finally(() => {
          workDone++;
          inFlight.delete(task);
          if (inFlight.size === 0 && busySince !== null) {
            busyMs += Date.now() - busySince;
            busySince = null;
          }
          emit(jobState());
        });
      inFlight.add(task);
    }
    walkDone = !controller.signal.aborted;
    stopListing.abort();
    await Promise.all(inFlight);
    if (hasFatal) throw fatal;

    if (!controller.signal.aborted) {
      emit('finishing', true);
      counts.missing = markMissing();
    }
    const state = controller.signal.aborted ? 'cancelled' : 'done';
    write.updateScanJob(jobId, state, counts);
    emit(state, true);
    return { jobId, state, counts, skippedFiles, analyzedPaths, errors, durationMs: Date.now() - started };
  } catch (err) {
    await Promise.allSettled(inFlight);
    write.updateScanJob(jobId, 'failed', counts, err instanceof Error ? err.message : String(err));
    emit('failed', true);
    throw err;
  } finally {
    stopListing.abort();
    await listing;
    activeJobs.delete(jobId);
    unsubscribe();
    options.signal?.removeEventListener('abort', onExternalAbort);
  }

  function markMissing(): number {
    const ids: number[] = [];
    for (const root of roots) {
      if (erroredRoots.has(root)) continue; // an unplugged drive is not a deleted library
      for (const p of read.listPhotosUnder(root.endsWith(sep) ? root : root + sep)) {
        if (p.status === 'missing' || seen.has(p.id) || protectedFiles.has(p.path)) continue;
        if (protectedDirs.some((d) => p.path.startsWith(d))) continue;
        ids.push(p.id);
      }
    }
    return write.markMissing(ids);
  }
}
