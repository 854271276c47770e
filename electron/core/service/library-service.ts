// The app's library service: implements the API contract (electron/shared/api.ts) on the core.
// Plain Node, no Electron: the Electron shell runs it in a utility process, the HTTP bridge and the
// tests run it in-process. Scans run through runScanJob (analysis in worker threads), controlled by a
// ScanController for pause/resume/cancel; every correction goes through core/people/corrections.ts.
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ManualFaceEmbedder } from '../../../ml/manual-face.ts';
import { modelById, PIPELINES } from '../../../ml/models/manifest.ts';
import type { Box } from '../../../ml/types.ts';
import {
  ApiError,
  type EventName,
  type EventPayload,
  type ExportSummary,
  type Output,
  type ParsedInput,
  type PersonSummary,
  type PipelineChoice,
  type PipelineChoices,
  type ScanStatus,
  type ServiceHandlers,
  type Settings,
} from '../../shared/api.ts';
import { ExportError, type ExportResult, runExport } from '../export/index.ts';
import { Corrections, clampBox, type ManualFaceData } from '../people/corrections.ts';
import { ignoredFaces } from '../people/ignored.ts';
import { improveRecognition, undoImproveRecognition } from '../people/improve.ts';
import {
  effectiveThreshold,
  runScanJob,
  type ScanJobOptions,
  type ScanJobResult,
  thresholdSettingKey,
  updatePeople,
} from '../scan-job.ts';
import { markInterruptedScans, ScanController, type ScanProgress } from '../scanner/index.ts';
import { storageProblem } from '../store/errors.ts';
import { type Library, openLibrary } from '../store/library.ts';
import type { Person, ScanJob } from '../store/types.ts';
import { sameFaceAsDrawn } from '../store/writer.ts';
import { FolderWatcher } from './folder-watcher.ts';
import { groupingQuality } from './grouping-quality.ts';
import { isInside, MediaService } from './media.ts';
import { apartPairs, pairKey, personVectors, rankCandidates, suggestPairs } from './merge-suggestions.ts';
import { ServiceQueries } from './queries.ts';
import { coverRoots, type ScanOutcome } from './watch-schedule.ts';

export interface LibraryServiceOptions {
  libraryDir: string;
  /** Default face pipeline when the user chose none ('auto'). */
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** Analysis worker threads (default: runScanJob's). */
  workers?: number | undefined;
  /** The scan job (tests inject a fake). Default runScanJob. */
  runScan?: (options: ScanJobOptions) => Promise<ScanJobResult>;
  /** Face thumbnail cache; default <libraryDir>/thumbnails. */
  cacheDir?: string | undefined;
  /** Make the library when the folder has none (the app's first run). Default false: an error. */
  create?: boolean | undefined;
  /** How often to look for writes by other processes (a `kith` command), in ms. Default 1000. */
  outsideWritesMs?: number | undefined;
  /**
   * Watch the folders and scan what changes in them, catch up at start, scan a folder when it is
   * added (folder-watcher.ts). The app's service only; default false.
   */
  watch?: boolean | undefined;
}

export type ServiceEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];
export type ServiceListener = (event: ServiceEvent) => void;

/** Settings keys this service owns (the settings table is shared with the rest of the core). */
// The threshold lives in scan-job's per-embedder setting (a distance only means something for the
// embedder it was calibrated on), shared with `kith recluster --threshold`.
const KEYS = { folders: 'app.folders', pipeline: 'app.pipeline' } as const;

/** The abort reason of "Cancel" in Improve recognition (told apart from a closing library). */
const CANCELLED = new ApiError('conflict', 'Cancelled.');

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function summaryOf(p: Person): PersonSummary {
  return {
    id: p.id,
    name: p.name,
    hidden: p.hidden,
    coverFaceId: p.coverFaceId,
    faceCount: p.faceCount,
    photoCount: p.photoCount,
  };
}

/** Photos sort by capture date (undated last), then path. */
function byDate(a: { takenAt: string | null; path: string }, b: { takenAt: string | null; path: string }) {
  if (a.takenAt !== b.takenAt) {
    if (a.takenAt === null) return 1;
    if (b.takenAt === null) return -1;
    return a.takenAt < b.takenAt ? -1 : 1;
  }
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The Export dialog's summary of what runExport wrote. */
function exportSummary(r: ExportResult): ExportSummary {
  switch (r.format) {
    case 'json':
    case 'csv':
      return {
        format: r.format,
        path: r.file,
        people: r.people,
        items: r.faces,
        message: `Wrote ${r.faces} faces of ${r.people} people to ${r.file}.`,
        errors: [],
      };
    case 'folders':
      return {
        format: r.format,
        path: r.out,
        people: r.people,
        items: r.files,
        message:
          `${r.people} people, ${r.files} photos in ${r.out} (${r.linked.hard} hard links, ` +
          `${r.linked.symlink} symlinks, ${r.linked.copy} copies; ${r.removed} stale removed)` +
          `${r.conflicts.length ? `; ${r.conflicts.length} left alone (not made by Kith)` : ''}` +
          `${r.failed.length ? `; ${r.failed.length} failed` : ''}.`,
        errors: [...r.conflicts, ...r.failed],
      };
    case 'embeddings':
      return {
        format: r.format,
        path: r.out,
        people: 0,
        items: r.count,
        message:
          `${r.count} embeddings (${r.dim}-d, ${r.embedderId}) in ${r.out}` +
          `${r.skipped ? `; ${r.skipped} faces without a matching embedding left out` : ''}.`,
        errors: [],
      };
    case 'xmp':
      return {
        format: r.format,
        path: null,
        people: 0,
        items: r.written.length,
        message: `Wrote ${r.written.length} XMP sidecars for ${r.photos} photos.`,
        errors: r.errors,
      };
  }
}

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

export class LibraryService {
  readonly library: Library;
  readonly media: MediaService;
  readonly handlers: ServiceHandlers;
  readonly #options: LibraryServiceOptions;
  readonly #corrections: Corrections;
  readonly #queries: ServiceQueries;
  readonly #listeners = new Set<ServiceListener>();
  #scan: RunningScan | null = null;
  #lastScan: ScanStatus | null = null;
  #people: PersonSummary[] | null = null;
  /** "Improve recognition" (or its undo) is running. */
  #improving = false;
  /** Progress of a running "Improve recognition" (getImproveProgress), and its cancel switch. */
  #improveProgress: Output<'getImproveProgress'> = null;
  #improveAbort: AbortController | null = null;
  #unassigned: number | null = null;
  #closed = false;
  /** Execution providers analysis uses (ml/models/registry.ts), once the runtime is loaded. */
  #providers: string[] = [];
  /** The face model's stages for hand-drawn faces, made on first use (per pipeline setting). */
  #manual: { pipeline: string; embedder: Promise<ManualFaceEmbedder> } | null = null;
  /** SQLite's count of commits by other connections, as last seen (see #noticeOutsideWrites). */
  #dataVersion: number;
  readonly #outsideTimer: NodeJS.Timeout;
  readonly #watcher: FolderWatcher | null;

  constructor(library: Library, options: LibraryServiceOptions) {
    this.library = library;
    this.#options = options;
    this.#corrections = new Corrections(library);
    this.#queries = new ServiceQueries(library);
    this.media = new MediaService(library, {
      cacheDir: options.cacheDir ?? join(options.libraryDir, 'thumbnails'),
      allowedRoots: () => this.#allowedRoots(),
    });
    // Scans a killed process left 'running' show as interrupted rather than as a live scan.
    markInterruptedScans(library);
    this.#dataVersion = this.#readDataVersion();
    this.#outsideTimer = setInterval(() => {
      try {
        this.#noticeOutsideWrites();
      } catch {
        // A library that cannot be read right now: the next request reports it.
      }
    }, options.outsideWritesMs ?? 1000);
    this.#outsideTimer.unref();
    this.handlers = this.#makeHandlers();
    this.#watcher = options.watch
      ? new FolderWatcher({
          folders: () => this.#folders(),
          scan: (roots) => this.#watchScan(roots),
          ignore: [options.libraryDir, ...(options.cacheDir ? [options.cacheDir] : [])],
        })
      : null;
    // Read the People list ahead of the UI's first request (it is the first thing the app shows).
    setImmediate(() => {
      if (this.#closed) return;
      try {
        this.#allPeople();
      } catch {
        // A damaged or unreadable library: the UI's own request reports it, with its message.
      }
      this.#watcher?.start();
      // Then the ONNX runtime (for the status's providers), off the first screen's path.
      import('../../../ml/models/registry.ts')
        .then((m) => {
          this.#providers = m.providersInEffect({});
        })
        .catch(() => {});
    });
  }

  /** Opens (migrating, and with `create` creating) the library in `libraryDir`. */
  static open(options: LibraryServiceOptions): LibraryService {
    return new LibraryService(
      openLibrary(resolve(options.libraryDir), { create: options.create ?? false }),
      options,
    );
  }

  /** Subscribes to scan progress and library changes; returns the unsubscribe function. */
  on(listener: ServiceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels a running scan (files in flight are saved), waits for it, closes the library. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#outsideTimer);
    const scan = this.#scan;
    if (scan) {
      scan.controller.cancel();
      await scan.done;
    }
    await this.#watcher?.close();
    this.#improveAbort?.abort(new ApiError('conflict', 'The library is closing.'));
    this.#listeners.clear();
    const manual = this.#manual;
    this.#manual = null;
    if (manual) await manual.embedder.then((e) => e.close()).catch(() => {});
    this.library.close();
  }

  // ── events ──

  #emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const event = { name, payload } as ServiceEvent;
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (a closed window) must not break the scan or the other listeners.
      }
    }
  }

  /**
   * Something changed: drops what is cached and tells the listeners. A correction names the people it
   * touched, so only their rows of the cached People list are read again (on a 2,000-person library the
   * full query is hundreds of ms, one person's row well under one); a scan re-reads everything.
   */
  #changed(reason: EventPayload<'libraryChanged'>['reason'], personIds: number[] = []): void {
    this.#unassigned = null;
    if (reason === 'correction' || reason === 'undo' || reason === 'redo') this.#patchPeople(personIds);
    else this.#people = null;
    this.#emit('libraryChanged', { reason, personIds });
  }

  #readDataVersion(): number {
    return this.library.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Another process (a `kith` command renaming or merging while the app runs) committed to the
   * library: SQLite's data_version, which counts other connections' commits only, has moved. Drops
   * what is cached and tells the listeners. Checked before cached reads and on a timer, so an idle
   * window refreshes too.
   */
  #noticeOutsideWrites(): void {
    if (this.#closed) return;
    const version = this.#readDataVersion();
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.media.clear();
    this.#changed('outside');
  }

  #patchPeople(personIds: readonly number[]): void {
    const cached = this.#people;
    if (!cached) return;
    const byId = new Map(cached.map((p) => [p.id, p]));
    for (const id of personIds) {
      const row = this.#queries.person(id);
      if (row) byId.set(id, { ...row, hidden: row.hidden === 1 });
      else byId.delete(id);
    }
    // The reader's order: most faces first, then id.
    this.#people = [...byId.values()].sort((a, b) => b.faceCount - a.faceCount || a.id - b.id);
  }

  // ── folders and settings ──

  #folders(): string[] {
    const stored = this.library.read.getSetting(KEYS.folders);
    if (Array.isArray(stored) && stored.every((f) => typeof f === 'string')) return stored;
    // A library scanned by `kith scan` has no folder list yet: its scan roots are its folders.
    const roots = new Set<string>();
    for (const job of this.library.read.listScanJobs(50)) for (const r of job.roots) roots.add(r);
    return coverRoots(roots); // the watcher's scans of subfolders are not folders of their own
  }

  #allowedRoots(): string[] {
    const roots = new Set(this.#folders());
    for (const job of this.library.read.listScanJobs(200)) for (const r of job.roots) roots.add(r);
    return [...roots];
  }

  #settings(): Settings {
    const embedder = this.library.read.embedderCounts()[0]?.embedderId;
    const t = embedder === undefined ? null : this.library.read.getSetting(thresholdSettingKey(embedder));
    const p = this.library.read.getSetting(KEYS.pipeline);
    return {
      threshold: typeof t === 'number' && Number.isFinite(t) ? t : null,
      pipeline: typeof p === 'string' && p !== '' ? p : (this.#options.pipeline ?? 'auto'),
    };
  }

  async #addFolder(raw: string): Promise<string[]> {
    const path = resolve(raw);
    const s = await stat(path).catch(() => null);
    if (!s?.isDirectory()) throw new ApiError('invalid-request', `There is no folder at ${path}.`);
    const folders = this.#folders();
    if (folders.some((f) => isInside(f, path))) return folders; // already included
    // A parent of existing folders replaces them.
    const next = [...folders.filter((f) => !isInside(path, f)), path].sort();
    this.library.write.setSetting(KEYS.folders, next);
    return next;
  }

  // ── scan ──

  #idleScan(): ScanStatus {
    if (this.#lastScan) return this.#lastScan;
    const job: ScanJob | undefined = this.library.read.listScanJobs(1)[0];
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

  #scanStatus(): ScanStatus {
    return this.#scan?.status ?? this.#idleScan();
  }

  #updateScan(patch: Partial<ScanStatus>): ScanStatus {
    const scan = this.#scan;
    if (!scan) return this.#scanStatus();
    scan.status = { ...scan.status, ...patch };
    this.#emit('scanProgress', scan.status);
    return scan.status;
  }

  #onProgress(p: ScanProgress): void {
    this.#updateScan({
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

  /** Scans `roots` (default: every folder) unless a scan runs; the service reports it as it goes. */
  #startScan(roots = this.#folders()): ScanStatus {
    if (this.#closed) throw new ApiError('conflict', 'The library is closing.');
    if (this.#scan) throw new ApiError('conflict', 'A scan is already running.');
    if (this.#improving) throw new ApiError('conflict', 'Wait for “Improve recognition” to finish.');
    if (roots.length === 0) throw new ApiError('conflict', 'Add a photo folder first.');
    const settings = this.#settings();
    const controller = new ScanController();
    const status: ScanStatus = {
      ...emptyScanStatus('running', roots),
      walkDone: false,
      startedAt: Date.now(),
    };
    const run = this.#options.runScan ?? runScanJob;
    const scan: RunningScan = { controller, status, done: Promise.resolve() };
    this.#scan = scan;
    scan.done = (async () => {
      let final: Partial<ScanStatus>;
      try {
        const r = await run({
          library: this.library,
          roots,
          pipeline: settings.pipeline,
          modelsDir: this.#options.modelsDir,
          workers: this.#options.workers,
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
      const last = this.#updateScan({ ...final, finishedAt: Date.now() });
      this.#lastScan = last;
      this.#scan = null;
      this.media.clear();
      if (!this.#closed) this.#changed('scan');
    })();
    this.#emit('scanProgress', status);
    return status;
  }

  /** A scan the folder watcher asked for: run when nothing else is, and awaited. */
  async #watchScan(roots: string[]): Promise<ScanOutcome> {
    if (this.#closed) return 'cancelled';
    if (this.#scan || this.#improving) return 'busy';
    this.#startScan(roots);
    await (this.#scan as RunningScan | null)?.done; // set by #startScan (TS narrowed it to null)
    const state = this.#lastScan?.state;
    return state === 'done' ? 'done' : state === 'cancelled' ? 'cancelled' : 'failed';
  }

  // ── people ──

  #unassignedCount(): number {
    this.#noticeOutsideWrites();
    this.#unassigned ??=
      ignoredFaces(this.library.read).size === 0
        ? this.#queries.unassignedCount()
        : this.#unassignedFaces().length;
    return this.#unassigned;
  }

  /** Faces in no person, less those the user dismissed (ignored.ts). */
  #unassignedFaces() {
    const ignored = ignoredFaces(this.library.read);
    const all = this.library.read.listUnassignedFaces();
    return ignored.size === 0 ? all : all.filter((f) => !ignored.has(f.faceId));
  }

  #allPeople(): PersonSummary[] {
    this.#noticeOutsideWrites();
    this.#people ??= this.library.read.listPeople({ includeHidden: true }).map(summaryOf);
    return this.#people;
  }

  #listPeople(input: ParsedInput<'listPeople'>): Output<'listPeople'> {
    const all = this.#allPeople();
    const hidden = all.reduce((n, p) => n + (p.hidden ? 1 : 0), 0);
    const q = fold(input.search.trim());
    let people = all.filter(
      (p) =>
        (input.includeHidden || !p.hidden) && (q === '' || (p.name !== null && fold(p.name).includes(q))),
    );
    if (input.sort === 'name') {
      people = [...people].sort((a, b) => {
        if (a.name === null || b.name === null) {
          if (a.name !== b.name) return a.name === null ? 1 : -1;
          return b.faceCount - a.faceCount || a.id - b.id;
        }
        return collator.compare(a.name, b.name) || a.id - b.id;
      });
    }
    if (input.limit !== undefined && input.limit < people.length) people = people.slice(0, input.limit);
    return { people, total: all.length - hidden, hidden };
  }

  #getPerson(personId: number): Output<'getPerson'> {
    const p = this.library.read.getPerson(personId);
    if (!p) throw new ApiError('not-found', `There is no person #${personId}.`);
    const photoRows = this.#queries.personPhotos(personId);
    const photos = new Map(
      photoRows.map((r) => [r.photoId, { ...r, fileName: basename(r.path), faceIds: [] as number[] }]),
    );
    const faces = p.faces.map((f) => {
      const photo = photos.get(f.photoId);
      photo?.faceIds.push(f.faceId);
      return {
        faceId: f.faceId,
        photoId: f.photoId,
        box: f.box,
        source: f.source,
        confidence: f.confidence,
        takenAt: photo?.takenAt ?? null,
        dateApproximate: photo?.dateApproximate ?? false,
      };
    });
    const sortedPhotos = [...photos.values()].sort(byDate);
    const order = new Map(sortedPhotos.map((ph, i) => [ph.photoId, i]));
    faces.sort((a, b) => (order.get(a.photoId) ?? 0) - (order.get(b.photoId) ?? 0) || a.faceId - b.faceId);
    return { person: summaryOf(p), faces, photos: sortedPhotos };
  }

  #getPhoto(photoId: number): Output<'getPhoto'> {
    const photo = this.#queries.photo(photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${photoId}.`);
    return {
      photo: { ...photo, fileName: basename(photo.path) },
      faces: this.#queries.photoFaces(photoId).map((f) => ({
        faceId: f.faceId,
        box: { x: f.x, y: f.y, w: f.w, h: f.h },
        source: f.source,
        personId: f.personId,
        personName: f.personName,
        assignment: f.assignment,
      })),
    };
  }

  // ── export and improve recognition ──

  async #export(input: ParsedInput<'exportLibrary'>): Promise<ExportSummary> {
    if (input.format !== 'xmp' && input.out === undefined) {
      throw new ApiError('invalid-request', `Choose a folder to export ${input.format} into.`);
    }
    try {
      return exportSummary(
        await runExport(this.library.read, {
          format: input.format,
          out: input.out,
          namedOnly: input.namedOnly,
          link: input.link,
          sidecar: input.sidecar,
        }),
      );
    } catch (err) {
      if (err instanceof ExportError) throw new ApiError('invalid-request', err.message);
      throw err;
    }
  }

  /** The embedder of the library's faces and the grouping threshold in use for it. */
  #recognition(): { embedderId: string; threshold: number } {
    const embedderId = this.library.read.embedderCounts()[0]?.embedderId;
    if (embedderId === undefined) throw new ApiError('conflict', 'Scan some photos first.');
    let calibrated = 1;
    try {
      const model = modelById(embedderId);
      calibrated = model.clusterThreshold ?? model.threshold ?? 1;
    } catch {
      // A face model this build does not know (a library from another version): the default.
    }
    return { embedderId, threshold: effectiveThreshold(this.library, embedderId, calibrated) };
  }

  /** Runs `work` unless a scan or another improvement is running. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new ApiError('conflict', 'The library is closing.');
    if (this.#scan) throw new ApiError('conflict', 'Wait for the scan to finish.');
    if (this.#improving) throw new ApiError('conflict', 'Recognition is already being improved.');
    this.#improving = true;
    try {
      return await work();
    } finally {
      this.#improving = false;
    }
  }

  async #regroup(embedderId: string, threshold: number): Promise<void> {
    await updatePeople(this.library, embedderId, threshold, 'full');
    this.media.clear();
    this.#changed('recognition');
  }

  #improve(): Promise<Output<'improveRecognition'>> {
    return this.#exclusive(async () => {
      const { embedderId, threshold } = this.#recognition();
      // Training runs in a worker thread (improve.ts), so this service keeps answering meanwhile,
      // getImproveProgress included.
      const abort = new AbortController();
      this.#improveAbort = abort;
      this.#improveProgress = { phase: 'training', step: 0, steps: 0, loss: 0 };
      try {
        const r = await improveRecognition(this.library, {
          embedderId,
          threshold,
          signal: abort.signal,
          onProgress: (p) => {
            const phase = p.step >= p.steps ? 'checking' : 'training';
            this.#improveProgress = { phase, step: p.step, steps: p.steps, loss: p.loss };
          },
        });
        let facesMoved = 0;
        if (r.kept) {
          const { step = 0, steps = 0, loss = 0 } = this.#improveProgress ?? {};
          this.#improveProgress = { phase: 'regrouping', step, steps, loss };
          const before = new Map(this.library.read.listAssignments().map((a) => [a.faceId, a.personId]));
          await this.#regroup(embedderId, threshold);
          const after = new Map(this.library.read.listAssignments().map((a) => [a.faceId, a.personId]));
          for (const [face, person] of after) if (before.get(face) !== person) facesMoved++;
          for (const face of before.keys()) if (!after.has(face)) facesMoved++;
        }
        return {
          facesMoved,
          kept: r.kept,
          reason: r.reason,
          before: r.before ?? null,
          after: r.after ?? null,
          untouched: r.untouched ?? null,
          people: r.people,
          confirmedFaces: r.confirmedFaces,
          hardNegatives: r.hardNegatives,
          seconds: r.seconds,
          regrouped: r.kept,
        };
      } catch (err) {
        if (!(abort.signal.aborted && abort.signal.reason === CANCELLED)) throw err;
        return {
          kept: false,
          cancelled: true,
          reason: 'Cancelled: nothing was changed.',
          before: null,
          after: null,
          untouched: null,
          people: 0,
          confirmedFaces: 0,
          hardNegatives: 0,
          seconds: 0,
          regrouped: false,
          facesMoved: 0,
        };
      } finally {
        this.#improveProgress = null;
        this.#improveAbort = null;
      }
    });
  }

  #undoImprove(): Promise<Output<'undoImproveRecognition'>> {
    return this.#exclusive(async () => {
      const { embedderId, threshold } = this.#recognition();
      undoImproveRecognition(this.library, embedderId);
      await this.#regroup(embedderId, threshold);
      return { regrouped: true };
    });
  }

  // ── merging and grouping quality (issue 15 items 6 and 13) ──

  #mergeCandidates(personId: number): Output<'listMergeCandidates'> {
    if (!this.library.read.getPersonRecord(personId)) {
      throw new ApiError('not-found', `There is no person #${personId}.`);
    }
    const embedderId = this.library.read.embedderCounts()[0]?.embedderId;
    const { threshold } = embedderId === undefined ? { threshold: 1 } : this.#recognition();
    const people = embedderId === undefined ? [] : personVectors(this.library, embedderId);
    const target = people.find((p) => p.id === personId)?.centroid ?? null;
    return {
      candidates: rankCandidates(
        target,
        people.filter((p) => p.id !== personId),
        threshold,
      ),
    };
  }

  #mergeSuggestions(limit: number): Output<'listMergeSuggestions'> {
    const embedderId = this.library.read.embedderCounts()[0]?.embedderId;
    if (embedderId === undefined) return { pairs: [] };
    const { threshold } = this.#recognition();
    const apart = apartPairs(this.library);
    const byId = new Map(this.#allPeople().map((p) => [p.id, p]));
    const visible = personVectors(this.library, embedderId).filter((p) => byId.get(p.id)?.hidden === false);
    const pairs = suggestPairs(visible, threshold, (a, b) => apart.has(pairKey(a, b)), limit);
    return { pairs: pairs.map((p) => ({ a: byId.get(p.a)!, b: byId.get(p.b)!, similarity: p.similarity })) };
  }

  async #groupingQuality(): Promise<Output<'getGroupingQuality'>> {
    if (this.library.read.embedderCounts()[0] === undefined) return null;
    const { embedderId, threshold } = this.#recognition();
    return groupingQuality(this.library, embedderId, threshold);
  }

  // ── face models ──

  /** Every pipeline with whether it can run here; ONNX Runtime loads on the first call only. */
  async #pipelineChoices(): Promise<PipelineChoices> {
    const { pipelineUnavailable } = await import('../../../ml/models/registry.ts');
    const loc = { modelsDir: this.#options.modelsDir };
    const pipelines: PipelineChoice[] = [];
    for (const p of PIPELINES) {
      pipelines.push({ id: p.id, label: p.label, unavailable: await pipelineUnavailable(p, loc) });
    }
    return { auto: pipelines.find((p) => p.unavailable === null)?.id ?? null, pipelines };
  }

  /** Refuses a pipeline that is unknown or cannot run here, before it is saved. */
  async #checkPipeline(id: string): Promise<void> {
    if (id === 'auto') return;
    const entry = PIPELINES.find((p) => p.id === id);
    if (!entry) throw new ApiError('invalid-request', `There is no face model "${id}".`);
    const { pipelineUnavailable } = await import('../../../ml/models/registry.ts');
    const why = await pipelineUnavailable(entry, { modelsDir: this.#options.modelsDir });
    if (why) throw new ApiError('conflict', `${entry.label} cannot run here: ${why}`);
  }

  // ── hand-drawn faces ──

  #manualEmbedder(): Promise<ManualFaceEmbedder> {
    const pipeline = this.#settings().pipeline;
    if (this.#manual?.pipeline !== pipeline) {
      const old = this.#manual;
      const embedder = import('../../../ml/manual-face.ts').then((m) =>
        m.ManualFaceEmbedder.create({ pipeline, modelsDir: this.#options.modelsDir }),
      );
      embedder.catch(() => {}); // reported by the call that awaits it
      this.#manual = { pipeline, embedder };
      if (old) void old.embedder.then((e) => e.close()).catch(() => {});
    }
    return this.#manual!.embedder;
  }

  /**
   * Landmarks, quality and embedding of a drawn face, by the face model's own stages on the photo
   * (async: ONNX Runtime and sharp work off the event loop). Without a usable face model (missing
   * files, or one whose embeddings the library's faces cannot be compared with) the face is kept
   * without an embedding: it is still the person's, it just does not help recognise others.
   */
  async #analyzeDrawnFace(path: string, box: Box): Promise<ManualFaceData> {
    const none: ManualFaceData = { landmarks: null, quality: null, embedding: null, embedderId: null };
    let embedder: ManualFaceEmbedder;
    try {
      embedder = await this.#manualEmbedder();
    } catch {
      return none;
    }
    const libraryEmbedder = this.library.read.embedderCounts()[0]?.embedderId;
    const { decodeImage } = await import('../../../ml/image/decode.ts');
    const img = await decodeImage(path, { maxSide: 3072 });
    const s = img.scale;
    const r = await embedder.embedBox(img, { x: box.x * s, y: box.y * s, w: box.w * s, h: box.h * s });
    const comparable = libraryEmbedder === undefined || libraryEmbedder === embedder.embedderId;
    return {
      landmarks: r.landmarks.map(
        ([x, y]) => [x / s, y / s] as const,
      ) as unknown as ManualFaceData['landmarks'],
      quality: { ...r.quality, size: r.quality.size / s },
      embedding: comparable ? r.embedding : null,
      embedderId: comparable ? embedder.embedderId : null,
    };
  }

  async #addFace(input: ParsedInput<'addFace'>): Promise<Output<'addFace'>> {
    const photo = this.library.read.getPhoto(input.photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${input.photoId}.`);
    if (photo.status === 'missing') throw new ApiError('conflict', `${basename(photo.path)} is missing.`);
    // Checked before any model runs: a box off the photo or an unknown person fails at once.
    const box = clampBox(input.box, photo.width, photo.height);
    if (!box)
      throw new ApiError('invalid-request', 'Draw the box on the photo (at least 4 pixels each way).');
    if (input.to !== 'new' && !this.library.read.getPersonRecord(input.to)) {
      throw new ApiError('not-found', `There is no person #${input.to}.`);
    }
    if (this.library.read.listFaces(photo.id).some((f) => sameFaceAsDrawn(box, f.box))) {
      throw new ApiError(
        'conflict',
        'That face is already marked on this photo: select it to move it to a person instead.',
      );
    }
    const face = await this.#analyzeDrawnFace(photo.path, box);
    if (this.#closed) throw new ApiError('conflict', 'The library is closing.');
    return this.#correct('correction', this.#corrections.addFace(photo.id, box, input.to, face));
  }

  #correct<T extends { personIds: number[] }>(reason: 'correction' | 'undo' | 'redo', result: T): T {
    this.#changed(reason, result.personIds);
    return result;
  }

  // ── the handlers: one per service method of the contract ──

  #makeHandlers(): ServiceHandlers {
    const c = this.#corrections;
    const status = (): Output<'getLibraryStatus'> => {
      const people = this.#allPeople();
      const hiddenPeople = people.reduce((n, p) => n + (p.hidden ? 1 : 0), 0);
      return {
        libraryDir: this.#options.libraryDir,
        folders: this.#folders(),
        photos: this.library.read.countPhotosByStatus(),
        people: people.length - hiddenPeople,
        hiddenPeople,
        unassignedFaces: this.#unassignedCount(),
        scan: this.#scanStatus(),
        canUndo: c.canUndo(),
        canRedo: c.canRedo(),
        providers: this.#providers,
        watching: this.#watcher?.watching ?? false,
      };
    };
    return {
      getLibraryStatus: status,
      addFolder: async ({ path }) => {
        await this.#addFolder(path);
        this.#changed('folders');
        this.#watcher?.sync(); // a watching service scans the new folder itself
        return status();
      },
      removeFolder: ({ path }) => {
        const target = resolve(path);
        const folders = this.#folders();
        if (!folders.includes(target)) throw new ApiError('not-found', `${target} is not a library folder.`);
        this.library.write.setSetting(
          KEYS.folders,
          folders.filter((f) => f !== target),
        );
        this.#changed('folders');
        this.#watcher?.sync();
        return status();
      },
      getSettings: () => this.#settings(),
      setSettings: async (input) => {
        if (input.pipeline !== undefined) await this.#checkPipeline(input.pipeline);
        if (input.threshold !== undefined) {
          const embedder = this.library.read.embedderCounts()[0]?.embedderId;
          if (embedder === undefined) {
            throw new ApiError(
              'conflict',
              'Scan some photos first: the threshold belongs to the face model that made them.',
            );
          }
          this.library.write.setSetting(thresholdSettingKey(embedder), input.threshold);
        }
        if (input.pipeline !== undefined) this.library.write.setSetting(KEYS.pipeline, input.pipeline);
        this.#changed('settings');
        return this.#settings();
      },
      listPipelines: () => this.#pipelineChoices(),

      startScan: () => this.#startScan(),
      pauseScan: () => {
        this.#scan?.controller.pause();
        return this.#scan?.status.state === 'running'
          ? this.#updateScan({ state: 'paused' })
          : this.#scanStatus();
      },
      resumeScan: () => {
        this.#scan?.controller.resume();
        return this.#scan?.status.state === 'paused'
          ? this.#updateScan({ state: 'running' })
          : this.#scanStatus();
      },
      cancelScan: () => {
        this.#scan?.controller.cancel();
        return this.#scanStatus();
      },
      getScanStatus: () => this.#scanStatus(),
      listSkipped: ({ offset, limit }) => {
        const all = this.library.read.listSkippedPhotos();
        return {
          total: all.length,
          files: all
            .slice(offset, offset + limit)
            .map((s) => ({ photoId: s.id, path: s.path, reason: s.reason, detail: s.detail })),
        };
      },

      listPeople: (input) => this.#listPeople(input),
      getPerson: ({ personId }) => this.#getPerson(personId),
      listUnassigned: ({ offset, limit }) => {
        const all = this.#unassignedFaces();
        return {
          total: all.length,
          faces: all
            .slice(offset, offset + limit)
            .map((f) => ({ faceId: f.faceId, photoId: f.photoId, box: f.box, quality: f.quality })),
        };
      },
      listSuggestions: ({ personId, maxConfidence, limit }) => ({
        faces: this.#queries.suggestions(personId, maxConfidence, limit).map((r) => ({
          faceId: r.faceId,
          photoId: r.photoId,
          personId: r.personId,
          box: { x: r.x, y: r.y, w: r.w, h: r.h },
          confidence: r.confidence,
        })),
      }),
      listPhotos: ({ personIds, limit, offset }) => {
        const { total, rows } = this.#queries.photosWithAll(personIds, limit, offset);
        return { total, photos: rows.map((r) => ({ ...r, fileName: basename(r.path) })) };
      },
      getPhoto: ({ photoId }) => this.#getPhoto(photoId),

      renamePerson: ({ personId, name }) => this.#correct('correction', c.renamePerson(personId, name)),
      mergePeople: ({ targetId, sourceIds }) =>
        this.#correct('correction', c.mergePeople(targetId, sourceIds)),
      moveFaces: ({ faceIds, to }) => this.#correct('correction', c.moveFaces(faceIds, to)),
      splitFaces: ({ faceIds }) => this.#correct('correction', c.splitFaces(faceIds)),
      rejectFaces: ({ faceIds }) => this.#correct('correction', c.rejectFaces(faceIds)),
      confirmFaces: ({ faceIds, personId }) => this.#correct('correction', c.confirmFaces(faceIds, personId)),
      setHidden: ({ personId, hidden }) => this.#correct('correction', c.setHidden(personId, hidden)),
      setCover: ({ personId, faceId }) => this.#correct('correction', c.setCover(personId, faceId)),
      addFace: (input) => this.#addFace(input),
      dismissPerson: ({ personId }) => this.#correct('correction', c.dismissPerson(personId)),
      keepApart: ({ personIds }) => this.#correct('correction', c.keepApart(personIds[0], personIds[1])),
      listMergeCandidates: ({ personId }) => this.#mergeCandidates(personId),
      listMergeSuggestions: ({ limit }) => this.#mergeSuggestions(limit),
      undo: () => {
        const result = c.undo();
        if (result) this.#changed('undo', result.personIds);
        return { result };
      },
      redo: () => {
        const result = c.redo();
        if (result) this.#changed('redo', result.personIds);
        return { result };
      },
      history: ({ limit }) => ({
        entries: c.history(limit).map((e) => ({
          correctionId: e.correctionId,
          op: e.op,
          summary: e.summary,
          undone: e.undone,
          createdAt: e.createdAt,
        })),
      }),

      exportLibrary: (input) => this.#export(input),
      improveRecognition: () => this.#improve(),
      undoImproveRecognition: () => this.#undoImprove(),
      getImproveProgress: () => this.#improveProgress,
      cancelImproveRecognition: () => {
        // Too late once people are being regrouped with what it learned.
        const abort = this.#improveAbort;
        if (!abort || this.#improveProgress?.phase === 'regrouping') return { cancelled: false };
        abort.abort(CANCELLED);
        return { cancelled: true };
      },
      getGroupingQuality: () => this.#groupingQuality(),
    };
  }
}
