// One full scan as users and the app run it: analyse new and changed photos in worker threads,
// record everything, then group faces into people. Shared by `kith scan` and the app.
import { cpus } from 'node:os';
import { modelById, modelFileIds, pipelineById } from '../../ml/models/manifest.ts';
import { modelPath, resolvePipeline } from '../../ml/models/registry.ts';
import { type ImportRegionsResult, importRegions } from './export/index.ts';
import { keptPipeline } from './library-models.ts';
import { type ReclusterResult, recluster } from './people/recluster.ts';
import { type RecognizeResult, recognizeNewFaces } from './people/recognize.ts';
import {
  AnalyzerPool,
  type PipelineInfo,
  type ScanController,
  type ScanProgress,
  type ScanResult,
  scanLibrary,
} from './scanner/index.ts';
import type { Library } from './store/library.ts';

export interface ScanJobOptions {
  library: Library;
  roots: readonly string[];
  /** Pipeline id or 'auto' (the library's own pipeline while it can run, else the best available). */
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** Analysis workers (default: min(2, cores)). */
  workers?: number | undefined;
  /** Smallest face kept, in original pixels. */
  minFaceSize?: number | undefined;
  controller?: ScanController | undefined;
  onProgress?: ((p: ScanProgress) => void) | undefined;
  /** Threshold override; default: the library's setting, else the embedder's calibrated one. */
  threshold?: number | undefined;
  /**
   * 'incremental' (new faces join people by k-NN, the rest form new people), 'full' (re-cluster
   * everything, keeping ids and corrections), or 'auto' (default): full while the library has no
   * people yet, incremental afterwards.
   */
  clustering?: 'auto' | 'full' | 'incremental' | undefined;
  /** Read names from face regions in analysed photos and sidecars (default true). */
  importRegions?: boolean | undefined;
  /**
   * Load the models before the scan starts instead of at its first photo to analyse (benchmarks:
   * the scan's time is then the photos' alone). Default false.
   */
  loadModelsFirst?: boolean | undefined;
}

export type PeopleUpdate = ({ mode: 'full' } & ReclusterResult) | ({ mode: 'incremental' } & RecognizeResult);

/** The library's threshold setting for an embedder (stricter ↔ looser), if the user set one. */
export function thresholdSettingKey(embedderId: string): string {
  return `people.threshold.${embedderId}`;
}

export function effectiveThreshold(library: Library, embedderId: string, calibrated: number): number {
  const v = library.read.getSetting(thresholdSettingKey(embedderId));
  return typeof v === 'number' && v > 0 ? v : calibrated;
}

/**
 * Setting: when the last grouping of people started (epoch ms). Faces stored since then are the new
 * ones; a face that was there then (grouped, left alone, or rejected by the user) is not regrouped by
 * a later scan. A scan that is cancelled leaves its faces new for the next one.
 */
export const GROUPED_AT_SETTING = 'people.groupedAt';

/**
 * Regroups people after new faces arrived, as `clustering` says. Returns null when nothing changed:
 * no face was stored since the last grouping (a full regroup, asked for, always runs).
 */
export async function updatePeople(
  library: Library,
  embedderId: string,
  threshold: number,
  clustering: 'auto' | 'full' | 'incremental' = 'auto',
): Promise<PeopleUpdate | null> {
  // After every face stored so far, even one stored in this same millisecond: otherwise the next
  // scan, finding nothing new, still counted that face as new and regrouped (a race a fast scan hit).
  const startedAt = Math.max(Date.now(), (library.read.lastFaceCreatedAt() ?? 0) + 1);
  const since = library.read.getSetting(GROUPED_AT_SETTING);
  // A library grouped before this setting existed: every face in no person is a candidate, once.
  const newFaces =
    typeof since === 'number' ? new Set(library.read.listFaceIdsCreatedSince(since)) : undefined;
  if (clustering !== 'full' && newFaces?.size === 0) return null;
  const full =
    clustering === 'full' ||
    (clustering === 'auto' && library.read.listPeople({ includeHidden: true }).length === 0);
  const result: PeopleUpdate = full
    ? { mode: 'full', ...(await recluster(library, { embedderId, threshold })) }
    : {
        mode: 'incremental',
        ...(await recognizeNewFaces(library, {
          embedderId,
          threshold,
          ...(newFaces ? { faceIds: newFaces } : {}),
        })),
      };
  library.write.setSetting(GROUPED_AT_SETTING, startedAt);
  return result;
}

export interface ScanJobResult {
  pipeline: PipelineInfo;
  scan: ScanResult;
  /** Null when people were not regrouped: the scan was cancelled, or it stored no new face. */
  clustering: PeopleUpdate | null;
  /** Face regions read from the analysed photos and their sidecars (null when none were read). */
  imported: ImportRegionsResult | null;
}

/**
 * Which files (by sha256) produced this library's faces: the model files, a fusion's parts and a
 * projection's model and resource. A fusion has no file (nor hash) of its own: not a row (the
 * table checks 64 hex digits, so the `accurate` pipeline's scans failed here).
 */
function recordModels(library: Library, pipelineId: string, modelsDir: string | undefined): void {
  const p = pipelineById(pipelineId);
  for (const id of new Set([p.detector, p.landmarks, p.embedder, ...modelFileIds(p.embedder)])) {
    if (id === undefined) continue;
    const m = modelById(id);
    if (m.sha256 === '') continue;
    library.write.upsertModel({ id, sha256: m.sha256, file: modelPath(m, { modelsDir }) });
  }
}

/** The pipeline's id, embedder and threshold from the manifest (as createPipeline sets them). */
async function pipelineInfo(pipeline: string, modelsDir: string | undefined): Promise<PipelineInfo> {
  const entry = await resolvePipeline(pipeline, { modelsDir });
  const e = modelById(entry.embedder);
  if (!e.embeddingSize || e.threshold === undefined) throw new Error(`Model ${e.id} is not an embedder`);
  return {
    id: entry.id,
    embedderId: e.id,
    embeddingSize: e.embeddingSize,
    threshold: e.clusterThreshold ?? e.threshold,
  };
}

export async function runScanJob(options: ScanJobOptions): Promise<ScanJobResult> {
  const workers = options.workers ?? Math.min(2, cpus().length);
  const requested = options.pipeline ?? 'auto';
  const kept =
    requested === 'auto' ? await keptPipeline(options.library, { modelsDir: options.modelsDir }) : null;
  const info = await pipelineInfo(kept ?? requested, options.modelsDir);
  // The workers (seconds of model loading) start when the first photo needs analysis: a re-scan
  // that finds nothing new never loads a model.
  let pool: AnalyzerPool | undefined;
  const startPool = async () => {
    pool = await AnalyzerPool.start({
      workers,
      pipeline: info.id,
      ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}),
      pipelineOptions: options.minFaceSize !== undefined ? { minFaceSize: options.minFaceSize } : {},
    });
    const ready = await pool.ready();
    if (ready.id !== info.id || ready.embedderId !== info.embedderId)
      throw new Error(`The analysis workers run ${ready.id}, expected ${info.id}`);
  };
  try {
    if (options.loadModelsFirst) await startPool();
    recordModels(options.library, info.id, options.modelsDir);
    const scan = await scanLibrary({
      library: options.library,
      roots: options.roots,
      ...(pool ? {} : { prepare: startPool }),
      analyze: (path) => pool!.analyze(path),
      pipelineId: info.id,
      embedderId: info.embedderId,
      ...(options.controller ? { controller: options.controller } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const threshold =
      options.threshold ?? effectiveThreshold(options.library, info.embedderId, info.threshold);
    const clustering =
      scan.state === 'done'
        ? await updatePeople(options.library, info.embedderId, threshold, options.clustering)
        : null;
    // Names already in the photos (MWG / Microsoft regions from Lightroom, digiKam, Picasa): read
    // after grouping, because they name people and confirm faces through the corrections module.
    const imported =
      scan.state === 'done' && scan.analyzedPaths.length > 0 && options.importRegions !== false
        ? await importRegions(options.library, scan.analyzedPaths)
        : null;
    return { pipeline: info, scan, clustering, imported };
  } finally {
    await pool?.close();
  }
}
