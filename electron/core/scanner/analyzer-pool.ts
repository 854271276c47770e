// Runs photo analysis in worker threads, one face pipeline per worker, so every core is busy and the
// caller's thread (UI or scan loop) never runs inference.
//
// [Note: workers end themselves] The pool never terminates a worker that may be in native code:
// ONNX Runtime's run() is synchronous native work on the worker's thread, and when it returns into an
// environment that worker.terminate() is tearing down, node-addon-api throws a Napi::Error nothing can
// catch: std::terminate aborts the whole process ("terminate called after throwing an instance of
// 'Napi::Error'"). So closing, a failed pool and a timed-out photo all send 'close', and the worker
// exits from JavaScript once its current photo is done. A timed-out photo fails at once and its worker
// is replaced; the old one finishes in the background. terminate() is left as a last resort for a
// worker that has not exited `closeGraceMs` after close() (a JavaScript loop; native code that never
// returns cannot be ended from here anyway).
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImageSkipError, type PhotoAnalysis } from '../../../ml/types.ts';
import { workerExecArgv, workerModule, workerUrl } from '../../../ml/util/ts-worker.ts';
import type {
  FromWorker,
  PackedAnalysis,
  PipelineInfo,
  SerializedError,
  ToWorker,
  WorkerInit,
} from './worker-protocol.ts';

export type { PipelineInfo } from './worker-protocol.ts';

/** The worker analysing a file died (native crash, out of memory, uncaught error, timeout). */
export class WorkerCrashError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerCrashError';
  }
}

/** A worker could not create its pipeline (missing model, bad module): the pool cannot work. */
export class PipelineInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineInitError';
  }
}

export interface AnalyzerPoolOptions {
  /** Worker threads. Default: min(2, cores). */
  workers?: number;
  /** Pipeline id for createPipeline (default: its own default). */
  pipeline?: string;
  modelsDir?: string;
  /** ONNX intra-op threads per worker. Default: max(1, floor(cores / workers)). */
  threads?: number;
  /**
   * Module exporting `createPipeline(options) → Promise<FacePipeline>`; a path or file URL.
   * Default ml/pipeline.ts. Tests pass a small fake so they need no models.
   */
  pipelineModule?: string | URL;
  /** More options for createPipeline (must survive structured clone). */
  pipelineOptions?: Record<string, unknown>;
  /** Photos waiting beyond those in workers before analyze() itself waits. Default: workers × 2. */
  maxQueued?: number;
  /**
   * A photo taking longer fails as a crash, and its worker is replaced (the old one is told to stop
   * and exits once the photo is done). Default 120 000 ms; 0 = never.
   */
  taskTimeoutMs?: number;
  /**
   * close() waits this long for workers to finish their photo and exit before terminating them (a
   * last resort: see [Note: workers end themselves]). Default 120 000 ms; 0 = wait for ever.
   */
  closeGraceMs?: number;
  /** Node flags for workers. Default from the sources: tsx's ESM loader, so workers run TypeScript from any cwd. */
  execArgv?: string[];
}

export interface AnalyzerPoolStats {
  completed: number;
  failed: number;
  crashes: number;
  queued: number;
  /** Photos finished per worker slot (analysed or failed), for checking the load is spread. */
  perWorker: number[];
}

interface Task {
  id: number;
  path: string;
  resolve(a: PhotoAnalysis): void;
  reject(e: Error): void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
  crash: string | undefined;
  exited: boolean;
  /** Resolves when the thread has exited. */
  exit: Promise<void>;
}

const WORKER_URL = workerUrl(new URL('./analyzer-worker.ts', import.meta.url), 'analyzer-worker');
const DEFAULT_PIPELINE_MODULE = workerModule(new URL('../../../ml/pipeline.ts', import.meta.url), 'pipeline');

function toError(e: SerializedError): Error {
  if (e.name === 'ImageSkipError' && e.reason) return new ImageSkipError(e.reason, e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

function unpack(p: PackedAnalysis): PhotoAnalysis {
  let o = 0;
  const faces = p.faces.map((f, i) => {
    const n = p.lengths[i]!;
    const embedding = p.embeddings.subarray(o, o + n);
    o += n;
    return { ...f, embedding };
  });
  return { width: p.width, height: p.height, takenAt: p.takenAt, faces };
}

export class AnalyzerPool {
  readonly size: number;
  #info: PipelineInfo | undefined;
  readonly #init: WorkerInit;
  readonly #execArgv: string[];
  readonly #maxQueued: number;
  readonly #timeoutMs: number;
  readonly #closeGraceMs: number;
  readonly #slots: Slot[] = [];
  /** Workers replaced after a timeout, still finishing their photo before they exit. */
  readonly #retired = new Set<Slot>();
  readonly #queue: Task[] = [];
  #spaceWaiters: Array<() => void> = [];
  #nextId = 1;
  #closed = false;
  #started = false;
  #failure: Error | undefined;
  #readyWaiters: Array<{ resolve(info: PipelineInfo): void; reject(e: Error): void }> = [];
  readonly #stats: AnalyzerPoolStats;

  /** Starts the workers and waits until all have their pipeline ready. */
  static async start(options: AnalyzerPoolOptions = {}): Promise<AnalyzerPool> {
    const pool = new AnalyzerPool(options);
    try {
      await pool.ready();
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  constructor(options: AnalyzerPoolOptions = {}) {
    const cores = availableParallelism();
    this.size = Math.max(1, options.workers ?? Math.min(2, cores));
    const threads = options.threads ?? Math.max(1, Math.floor(cores / this.size));
    const module = options.pipelineModule ?? DEFAULT_PIPELINE_MODULE;
    const moduleUrl =
      module instanceof URL ? module.href : module.startsWith('file:') ? module : pathToFileURL(module).href;
    this.#init = {
      module: moduleUrl,
      options: {
        ...options.pipelineOptions,
        ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
        ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}),
        threads,
      },
    };
    this.#execArgv = options.execArgv ?? workerExecArgv();
    this.#maxQueued = Math.max(1, options.maxQueued ?? this.size * 2);
    this.#timeoutMs = options.taskTimeoutMs ?? 120_000;
    this.#closeGraceMs = options.closeGraceMs ?? 120_000;
    this.#stats = { completed: 0, failed: 0, crashes: 0, queued: 0, perWorker: new Array(this.size).fill(0) };
    for (let i = 0; i < this.size; i++) this.#spawn(i);
  }

  /** The pipeline's id, embedder and threshold, once a worker has created it. */
  get info(): PipelineInfo | undefined {
    return this.#info;
  }

  get stats(): AnalyzerPoolStats {
    return { ...this.#stats, queued: this.#queue.length, perWorker: [...this.#stats.perWorker] };
  }

  /** Resolves once every worker has created its pipeline (photos may be queued before that). */
  ready(): Promise<PipelineInfo> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#started && this.#info) return Promise.resolve(this.#info);
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /**
   * Analyses one photo in a worker. Waits first while the queue is full (back-pressure). Rejects with
   * the pipeline's error (ImageSkipError for bad files), or WorkerCrashError if the worker died.
   */
  async analyze(path: string): Promise<PhotoAnalysis> {
    while (this.#queue.length >= this.#maxQueued && !this.#closed && !this.#failure) {
      await new Promise<void>((r) => this.#spaceWaiters.push(r));
    }
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('analyzer pool is closed');
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, path, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Rejects photos still queued, lets the ones in workers finish, then waits for every worker (timed-out
   * ones included) to release its pipeline and exit.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectQueued(new Error('analyzer pool is closed'));
    await Promise.all(
      [...this.#slots, ...this.#retired].map(async (slot) => {
        if (slot.exited) return;
        this.#askToStop(slot);
        const timer =
          this.#closeGraceMs > 0
            ? setTimeout(() => void slot.worker.terminate(), this.#closeGraceMs)
            : undefined;
        await slot.exit;
        clearTimeout(timer);
      }),
    );
  }

  #spawn(index: number): void {
    const worker = new Worker(WORKER_URL, { workerData: this.#init, execArgv: this.#execArgv });
    const exit = new Promise<void>((r) => worker.once('exit', () => r()));
    const slot: Slot = {
      index,
      worker,
      ready: false,
      task: undefined,
      timer: undefined,
      crash: undefined,
      exited: false,
      exit,
    };
    this.#slots[index] = slot;
    worker.on('message', (msg: FromWorker) => this.#onMessage(slot, msg));
    worker.on('error', (err) => {
      slot.crash ??= err.message;
    });
    worker.on('exit', (code) => this.#onExit(slot, code));
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    switch (msg.type) {
      case 'ready': {
        slot.ready = true;
        this.#info ??= msg.info;
        this.#pump();
        if (!this.#started && this.#slots.every((s) => s.ready)) {
          this.#started = true;
          const info = this.#info;
          for (const w of this.#readyWaiters) w.resolve(info);
          this.#readyWaiters = [];
        }
        return;
      }
      case 'init-error':
        this.#fail(new PipelineInitError(`could not create the face pipeline: ${msg.error.message}`));
        return;
      case 'result':
      case 'error': {
        const task = slot.task;
        if (!task || task.id !== msg.id) return;
        this.#finish(slot);
        if (msg.type === 'result') {
          this.#stats.completed++;
          task.resolve(unpack(msg.analysis));
        } else {
          this.#stats.failed++;
          task.reject(toError(msg.error));
        }
        this.#pump();
        return;
      }
    }
  }

  #onExit(slot: Slot, code: number): void {
    slot.exited = true;
    this.#retired.delete(slot);
    if (this.#slots[slot.index] !== slot) return;
    const task = slot.task;
    const wasReady = slot.ready;
    this.#finish(slot);
    slot.ready = false;
    if (this.#closed || this.#failure) {
      task?.reject(new Error('analyzer pool is closed'));
      return;
    }
    const why = slot.crash ?? `worker exited with code ${code}`;
    if (!wasReady) {
      // Dying before the pipeline is ready would die again on restart: stop instead of looping.
      this.#fail(new PipelineInitError(`analysis worker failed to start: ${why}`));
      return;
    }
    this.#stats.crashes++;
    task?.reject(new WorkerCrashError(`analysis worker crashed on this file: ${why}`));
    this.#spawn(slot.index);
  }

  #finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.task) this.#stats.perWorker[slot.index]!++;
    slot.task = undefined;
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.task || this.#queue.length === 0) continue;
      const task = this.#queue.shift()!;
      slot.task = task;
      if (this.#timeoutMs > 0) {
        slot.timer = setTimeout(() => this.#timedOut(slot), this.#timeoutMs);
      }
      const msg: ToWorker = { type: 'analyze', id: task.id, path: task.path };
      slot.worker.postMessage(msg);
      this.#spaceWaiters.shift()?.();
    }
  }

  /**
   * The photo fails as a crash now; its worker is retired (it exits after the photo: terminating it
   * could abort the process, see [Note: workers end themselves]) and a fresh one takes its place.
   */
  #timedOut(slot: Slot): void {
    const task = slot.task;
    this.#finish(slot);
    this.#stats.crashes++;
    task?.reject(
      new WorkerCrashError(`analysis worker crashed on this file: timed out after ${this.#timeoutMs} ms`),
    );
    this.#askToStop(slot);
    if (this.#closed || this.#failure) return; // close() waits for it in #slots
    this.#retired.add(slot);
    this.#spawn(slot.index);
  }

  /** The worker releases its pipeline and exits after the photo in progress (messages run in order). */
  #askToStop(slot: Slot): void {
    if (slot.exited) return;
    const msg: ToWorker = { type: 'close' };
    slot.worker.postMessage(msg);
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    for (const w of this.#readyWaiters) w.reject(err);
    this.#readyWaiters = [];
    this.#rejectQueued(err);
    for (const slot of this.#slots) {
      slot.task?.reject(err);
      this.#finish(slot);
      this.#askToStop(slot);
    }
  }

  #rejectQueued(err: Error): void {
    for (const t of this.#queue.splice(0)) t.reject(err);
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const w of waiters) w();
  }
}
