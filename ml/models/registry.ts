// Resolves model files, verifies them by sha256, and creates ONNX Runtime sessions lazily,
// once per model per process. Nothing here runs at import time.
// Must stay the first import: it switches off onnxruntime's telemetry before the runtime loads.
import './offline-env.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { decodeProjection, type Projection } from '../embed/projection.ts';
import { APP_ROOT, unpackedPath } from '../util/app-layout.ts';
import { sha256File } from '../util/hash.ts';
import { flushDenormalWeights } from './denormals.ts';
import {
  MODELS,
  type ModelEntry,
  modelById,
  PIPELINES,
  type PipelineEntry,
  pipelineById,
} from './manifest.ts';
import { rewritePrelu } from './prelu.ts';
import { chooseProviders, type ProviderName, parseProviderList } from './providers.ts';

const require = createRequire(import.meta.url);

export interface ModelLocation {
  /** Folder with model files not shipped by npm (`--models-dir`, setting, KITH_MODELS_DIR). */
  modelsDir?: string | undefined;
}

export class ModelFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The models folder in effect: explicit option, else KITH_MODELS_DIR, else none. */
export function effectiveModelsDir(loc: ModelLocation): string | undefined {
  const dir = loc.modelsDir ?? process.env.KITH_MODELS_DIR;
  return dir ? resolve(dir) : undefined;
}

/**
 * Where the build puts the default models' files (scripts/build-app.ts copies them out of their npm
 * package, which is a devDependency, so the package carries the three files and not the package's
 * hundreds of dependencies). Unpacked: onnxruntime reads the file natively.
 */
export const BUNDLED_MODELS_DIR = unpackedPath(join(APP_ROOT, 'dist', 'models'));

/** Where an npm-shipped model is: the build's copy first, else the package in node_modules (a checkout). */
function npmModelPath(source: { package: string; path: string }): string {
  const built = join(BUNDLED_MODELS_DIR, basename(source.path));
  if (existsSync(built)) return built;
  try {
    return join(dirname(require.resolve(`${source.package}/package.json`)), source.path);
  } catch {
    return built; // neither is there: the error names the build's copy
  }
}

/**
 * A projection's resource file: from the app root (the checkout, or app.asar, which fs reads in every
 * Electron process and worker), so the same path serves the sources and the built layouts.
 */
export function projectionPath(source: { resource: string }): string {
  return resolve(APP_ROOT, source.resource);
}

/** Absolute path where the model's file should be; does not check it exists. */
export function modelPath(entry: ModelEntry, loc: ModelLocation): string {
  if (entry.source.kind === 'fusion') {
    return entry.source.parts.map((p) => modelPath(modelById(p.model), loc)).join(' + ');
  }
  if (entry.source.kind === 'projected') {
    return `${modelPath(modelById(entry.source.model), loc)} + ${projectionPath(entry.source)}`;
  }
  if (entry.source.kind === 'npm') return npmModelPath(entry.source);
  const dir = effectiveModelsDir(loc);
  if (!dir) {
    throw new ModelFileError(
      `Model "${entry.id}" needs ${entry.source.file} from a models folder: pass --models-dir DIR or set KITH_MODELS_DIR.`,
      entry.source.file,
    );
  }
  return join(dir, entry.source.file);
}

// 'auto' and the model listings verify a pipeline's files more than once: hash a given
// (path, size, mtime) once per process. A replaced file has a new mtime and is hashed anew.
const hashes = new Map<string, string>();

async function hashOnce(path: string): Promise<string> {
  const st = await stat(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = await sha256File(path);
    hashes.set(key, hash);
  }
  return hash;
}

/** The model file's path, or a ModelFileError naming it and the expected hash when it is missing. */
function existingModelPath(entry: ModelEntry, loc: ModelLocation): string {
  const path = modelPath(entry, loc);
  if (!existsSync(path)) {
    throw new ModelFileError(
      `Model file missing: ${path} (model "${entry.id}", expected sha256 ${entry.sha256}).`,
      path,
    );
  }
  return path;
}

function checkHash(entry: ModelEntry, path: string, actual: string): void {
  if (actual === entry.sha256) return;
  // A projection ships inside Kith: only a damaged install (or a refit not pinned) gets here.
  const fix =
    entry.source.kind === 'projected'
      ? 'It ships with Kith: reinstall Kith (a refitted projection needs its new sha256 in ml/models/manifest.ts).'
      : 'Replace it with the published file.';
  const what = entry.source.kind === 'projected' ? 'Projection file' : 'Model file';
  throw new ModelFileError(
    `${what} ${path} has sha256 ${actual}, expected ${entry.sha256} (model "${entry.id}"). ${fix}`,
    path,
  );
}

function existingProjectionPath(entry: ModelEntry, source: { resource: string }): string {
  const path = projectionPath(source);
  if (!existsSync(path)) {
    throw new ModelFileError(
      `Projection file missing: ${path} (model "${entry.id}", expected sha256 ${entry.sha256}). Reinstall Kith.`,
      path,
    );
  }
  return path;
}

// One decoded projection per resource and hash, per process (thread): every pipeline shares it.
const projections = new Map<string, Projection>();

/**
 * A projected embedder's map, as it runs: the resource read once and checked against the entry's
 * sha256 (the bytes used are the bytes checked), its dimensions against the inner embedder's and the
 * entry's. Synchronous (264 KB): a pipeline has it from creation, so a damaged file stops a scan at
 * its start with one error instead of failing every photo.
 */
export function loadProjection(entry: ModelEntry): Projection {
  if (entry.source.kind !== 'projected') throw new Error(`Model "${entry.id}" is not a projection`);
  const path = existingProjectionPath(entry, entry.source);
  const key = `${path}\0${entry.sha256}`;
  const cached = projections.get(key);
  if (cached) return cached;
  const bytes = readFileSync(path);
  checkHash(entry, path, createHash('sha256').update(bytes).digest('hex'));
  const p = decodeProjection(bytes);
  const inDim = modelById(entry.source.model).embeddingSize;
  if (p.inDim !== inDim || p.outDim !== entry.embeddingSize) {
    throw new ModelFileError(
      `Projection file ${path} maps ${p.inDim}→${p.outDim} dimensions, model "${entry.id}" needs ${inDim}→${entry.embeddingSize}.`,
      path,
    );
  }
  projections.set(key, p);
  return p;
}

/** Checks the file exists and has the manifest's hash; returns the path. Errors name the file and the hash. */
export async function verifiedModelPath(entry: ModelEntry, loc: ModelLocation): Promise<string> {
  if (entry.source.kind === 'fusion') {
    const paths = [];
    for (const p of entry.source.parts) paths.push(await verifiedModelPath(modelById(p.model), loc));
    return paths.join(' + ');
  }
  if (entry.source.kind === 'projected') {
    const inner = await verifiedModelPath(modelById(entry.source.model), loc);
    // Read whole with readFile (264 KB, cached) rather than streamed: inside app.asar it is the read
    // Electron documents.
    loadProjection(entry);
    return `${inner} + ${projectionPath(entry.source)}`;
  }
  const path = existingModelPath(entry, loc);
  checkHash(entry, path, await hashOnce(path));
  return path;
}

/**
 * The model's bytes as the session runs them: read once and checked against the manifest's sha256
 * (the bytes that run are the bytes checked, even if the file is replaced meanwhile), then made
 * fast on the CPU without changing what it computes: negligible and subnormal weights set to zero
 * (denormals.ts) and PReLU in a form ORT vectorises (prelu.ts). faceplugin's embedder: 100 → 9 ms
 * per face on one thread, the same embeddings to float rounding.
 */
export async function loadModelBytes(entry: ModelEntry, loc: ModelLocation): Promise<Uint8Array> {
  const path = existingModelPath(entry, loc);
  const bytes = await readFile(path);
  checkHash(entry, path, createHash('sha256').update(bytes).digest('hex'));
  return rewritePrelu(flushDenormalWeights(bytes).bytes).bytes;
}

/**
 * Why a pipeline cannot run here (its first missing or altered model or projection file), or null
 * when it can. verifiedModelPath checks a fusion's parts and a projection's model and resource.
 */
export async function pipelineUnavailable(p: PipelineEntry, loc: ModelLocation): Promise<string | null> {
  for (const id of [p.detector, p.landmarks, p.embedder]) {
    if (id === undefined) continue;
    try {
      await verifiedModelPath(modelById(id), loc);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
  return null;
}

/** The pipeline to use: an explicit id, or with 'auto' the first whose files are all present and verified. */
export async function resolvePipeline(id: string, loc: ModelLocation): Promise<PipelineEntry> {
  if (id !== 'auto') return pipelineById(id);
  for (const p of PIPELINES) if ((await pipelineUnavailable(p, loc)) === null) return p;
  throw new Error('No face pipeline is available: reinstall Kith (npm install) or pass --models-dir.');
}

export interface SessionOptions {
  /** Intra-op threads; default: all cores. */
  threads?: number | undefined;
  /** Explicit providers (setting); else KITH_PROVIDERS; else the platform preference. */
  providers?: readonly ProviderName[] | undefined;
}

export function providersInEffect(options: SessionOptions): ProviderName[] {
  const env = process.env.KITH_PROVIDERS;
  const requested = options.providers ?? (env ? parseProviderList(env) : undefined);
  return chooseProviders({ platform: process.platform, available: ort.listSupportedBackends(), requested });
}

/**
 * ONNX Runtime session options. Intra-op threads spin-wait between operators by default: with
 * more than one thread that burnt a second core for nothing when other work shared the CPU
 * (fr_feature, 2 threads: twice the CPU time and a slower wall time than 1 thread, measured under
 * load), so spinning is off; one thread has no pool to spin.
 */
export function ortSessionOptions(
  threads: number,
  providers: readonly ProviderName[],
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...providers],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Some exported graphs list their weights as inputs; ORT warns about it on every load.
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** A model with a lazily created, shared session. */
export class ModelSession {
  #session: Promise<ort.InferenceSession> | undefined;
  #providers: ProviderName[] | undefined;

  constructor(
    readonly entry: ModelEntry,
    private readonly loc: ModelLocation,
    private readonly options: SessionOptions,
  ) {}

  /**
   * Execution providers of the created session, best first (the first one runs the model; ORT
   * hands it operators it lacks to the next). Before the session exists: the ones it will ask for.
   */
  get providers(): ProviderName[] {
    return [...(this.#providers ?? providersInEffect(this.options))];
  }

  /** Whether the session has been created (so `providers` says what it actually uses). */
  get created(): boolean {
    return this.#providers !== undefined;
  }

  /** Created on first use and reused; a failure is not cached so a fixed file can be retried. */
  session(): Promise<ort.InferenceSession> {
    if (!this.#session) {
      this.#session = this.#create().catch((err: unknown) => {
        this.#session = undefined;
        throw err;
      });
    }
    return this.#session;
  }

  async #create(): Promise<ort.InferenceSession> {
    const model = await loadModelBytes(this.entry, this.loc);
    const threads = this.options.threads ?? cpus().length;
    const wanted = providersInEffect(this.options);
    try {
      const session = await ort.InferenceSession.create(model, ortSessionOptions(threads, wanted));
      this.#providers = wanted;
      return session;
    } catch (err) {
      // A GPU provider whose libraries or device are missing fails the whole session: run on the CPU.
      if (wanted.every((p) => p === 'cpu')) throw err;
      const session = await ort.InferenceSession.create(model, ortSessionOptions(threads, ['cpu']));
      this.#providers = ['cpu'];
      return session;
    }
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    return (await this.session()).run(feeds);
  }

  async close(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    if (s) await (await s).release();
  }
}

export { MODELS, modelById, ort, PIPELINES, pipelineById };
