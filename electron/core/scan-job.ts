// One full scan as users and the app run it: analyse new and changed photos in worker threads,
// record everything, then group faces into people. Shared by `kith scan` and the app.
import { cpus } from 'node:os';
import { type ReclusterResult, recluster } from './people/recluster.ts';
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
  /** Pipeline id or 'auto'. */
  pipeline?: string | undefined;
  modelsDir?: string | undefined;
  /** Analysis workers (default: min(2, cores)). */
  workers?: number | undefined;
  /** Smallest face kept, in original pixels. */
  minFaceSize?: number | undefined;
  controller?: ScanController | undefined;
  onProgress?: ((p: ScanProgress) => void) | undefined;
  /** Threshold override (the user's stricter ↔ looser setting); default: the embedder's calibrated one. */
  threshold?: number | undefined;
}

export interface ScanJobResult {
  pipeline: PipelineInfo;
  scan: ScanResult;
  clustering: ReclusterResult | null;
}

export async function runScanJob(options: ScanJobOptions): Promise<ScanJobResult> {
  const workers = options.workers ?? Math.min(2, cpus().length);
  const pool = await AnalyzerPool.start({
    workers,
    ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
    ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}),
    pipelineOptions: options.minFaceSize !== undefined ? { minFaceSize: options.minFaceSize } : {},
  });
  try {
    const info = await pool.ready();
    const scan = await scanLibrary({
      library: options.library,
      roots: options.roots,
      analyze: (path) => pool.analyze(path),
      pipelineId: info.id,
      embedderId: info.embedderId,
      ...(options.controller ? { controller: options.controller } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const clustering =
      scan.state === 'done'
        ? await recluster(options.library, {
            embedderId: info.embedderId,
            threshold: options.threshold ?? info.threshold,
          })
        : null;
    return { pipeline: info, scan, clustering };
  } finally {
    await pool.close();
  }
}
