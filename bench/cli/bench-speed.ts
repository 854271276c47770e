// `kith bench speed`: end-to-end photos/s and faces/s of a real scan (worker pool, SQLite),
// a per-stage breakdown from a single-threaded pass, and detection recall where WIDER FACE
// ground truth sits beside the photos.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runScanJob } from '../../electron/core/scan-job.ts';
import { walkImages } from '../../electron/core/scanner/index.ts';
import { openLibrary } from '../../electron/core/store/library.ts';
import { quantizeInt8 } from '../../ml/embed/quantize.ts';
import { createPipeline } from '../../ml/pipeline.ts';
import { ImageSkipError } from '../../ml/types.ts';
import { parseWiderGroundTruth, scoreDetections } from '../verify/wider.ts';

export interface SpeedOptions {
  pipeline: string;
  modelsDir?: string | undefined;
  workers: number;
  /** Photos in the single-threaded stage breakdown (default 60). */
  limit?: number | undefined;
  onProgress?: (text: string) => void;
}

async function findGroundTruth(dataDir: string): Promise<string | null> {
  for (const dir of [dataDir, dirname(dataDir)]) {
    const file = join(dir, 'wider_face_bbx_gt.txt');
    if (existsSync(file)) return file;
  }
  return null;
}

export async function benchSpeed(dataDir: string, options: SpeedOptions) {
  const files: string[] = [];
  for await (const e of walkImages([dataDir])) if (e.type === 'file') files.push(e.path);
  files.sort();
  const libDir = await mkdtemp(join(tmpdir(), 'kith-bench-speed-'));
  const library = openLibrary(libDir, { create: true });
  try {
    // 1. End to end, as a user's scan runs: all cores, results stored. CPU time (all threads of
    // this process) too: on a shared machine the wall-clock rate depends on the other load, the
    // CPU time per photo much less.
    const cpu0 = process.cpuUsage();
    const job = await runScanJob({
      library,
      roots: [dataDir],
      pipeline: options.pipeline,
      modelsDir: options.modelsDir,
      workers: options.workers,
      loadModelsFirst: true,
      onProgress: (p) => options.onProgress?.(`speed: ${p.processed}/${p.discovered} photos`),
    });
    // Scan time only: from the first file walked to the last one stored. The workers load their
    // models before that (as the peers' set-up is left out of theirs); the clustering after the
    // scan is not included either.
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const seconds = job.scan.durationMs / 1000;
    const photos = job.scan.counts.analyzed;
    const faces = job.scan.counts.faces;

    // 2. Stage breakdown on one thread (same pipeline, sequential, store writes timed separately).
    const sample = files.slice(0, options.limit ?? 60);
    const pipeline = await createPipeline({
      pipeline: job.pipeline.id,
      modelsDir: options.modelsDir,
      threads: 1,
    });
    // Created before timing, so `providers` is what the sessions actually run on (the scan's
    // workers choose the same way: same runtime, settings and environment).
    await pipeline.ready();
    const providers = pipeline.providers;
    const stageLib = openLibrary(await mkdtemp(join(tmpdir(), 'kith-bench-stage-')), { create: true });
    let storeMs = 0;
    let sampleFaces = 0;
    try {
      for (const [i, file] of sample.entries()) {
        try {
          const a = await pipeline.analyzeFile(file);
          sampleFaces += a.faces.length;
          const t = performance.now();
          stageLib.write.recordAnalysis(
            { path: file, size: 0, mtimeMs: 0, contentHash: null },
            {
              ...a,
              pipelineId: pipeline.id,
              embedderId: pipeline.embedderId,
              faces: a.faces.map((f) => ({ ...f, embeddingQ: quantizeInt8(f.embedding) })),
            },
          );
          storeMs += performance.now() - t;
        } catch (err) {
          if (!(err instanceof ImageSkipError)) throw err;
        }
        options.onProgress?.(`speed: stage breakdown ${i + 1}/${sample.length}`);
      }
    } finally {
      await pipeline.close();
      stageLib.close();
      await rm(dirname(stageLib.file), { recursive: true, force: true });
    }
    const per = (ms: number): number => ms / Math.max(1, sample.length);
    const stages = {
      decode_ms: per(pipeline.times.decode),
      detect_ms: per(pipeline.times.detect),
      align_ms: per(pipeline.times.align),
      embed_ms: per(pipeline.times.embed),
      store_ms: per(storeMs),
    };

    // 3. Detection recall against WIDER FACE ground truth, when present.
    let detection: null | { min_size: number; recall: number; precision: number; ground_truth: number } =
      null;
    const gtFile = await findGroundTruth(dataDir);
    if (gtFile) {
      const gt = parseWiderGroundTruth(await readFile(gtFile, 'utf8'));
      const root = dirname(gtFile);
      const totals = { groundTruth: 0, matched: 0, detections: 0, truePositives: 0 };
      const facesByPhoto = new Map<string, { x: number; y: number; w: number; h: number }[]>();
      for (const file of files) {
        const photo = library.read.getPhotoByPath(file);
        if (photo)
          facesByPhoto.set(
            file,
            library.read.listFaces(photo.id).map((f) => f.box),
          );
      }
      for (const file of files) {
        const key = [relative(join(root, 'images'), file), relative(root, file)].find((k) => gt.has(k));
        if (!key) continue;
        const s = scoreDetections(gt.get(key)!, facesByPhoto.get(file) ?? [], 32);
        totals.groundTruth += s.groundTruth;
        totals.matched += s.matched;
        totals.detections += s.detections;
        totals.truePositives += s.truePositives;
      }
      detection = {
        min_size: 32,
        recall: totals.matched / Math.max(1, totals.groundTruth),
        precision: totals.truePositives / Math.max(1, totals.detections),
        ground_truth: totals.groundTruth,
      };
    }

    const json = {
      pipeline: job.pipeline.id,
      workers: options.workers,
      providers,
      photos,
      faces,
      skipped: job.scan.counts.skipped,
      seconds,
      photos_per_second: photos / seconds,
      faces_per_second: faces / seconds,
      /** CPU seconds of scan + clustering, all threads; photos per CPU-second × cores bounds an idle machine. */
      cpu_seconds: cpuSeconds,
      photos_per_cpu_second: photos / cpuSeconds,
      cores: availableParallelism(),
      stages: { photos: sample.length, faces: sampleFaces, ...stages },
      detection,
    };
    const f = (x: number): string => x.toFixed(1);
    const text = [
      `Speed, ${json.pipeline}, ${options.workers} workers, providers ${providers.join(', ')}: ${photos} photos, ${faces} faces in ${f(seconds)} s`,
      `  ${f(json.photos_per_second)} photos/s, ${f(json.faces_per_second)} faces/s end to end (scan into SQLite; clustering afterwards ${f(job.clustering?.seconds ?? 0)} s)`,
      `  ${f(cpuSeconds)} CPU seconds (all threads, scan + clustering): ${f(json.photos_per_cpu_second)} photos per CPU-second, at most ${f(json.photos_per_cpu_second * json.cores)} photos/s on ${json.cores} idle cores`,
      `  per photo on one thread (${sample.length} photos): decode ${f(stages.decode_ms)} ms, detect ${f(stages.detect_ms)} ms, align+quality ${f(stages.align_ms)} ms, embed ${f(stages.embed_ms)} ms, store ${f(stages.store_ms)} ms`,
      detection
        ? `  detection vs ground truth (faces ≥ 32 px high, IoU ≥ 0.5): recall ${(100 * detection.recall).toFixed(1)}% of ${detection.ground_truth}, precision ${(100 * detection.precision).toFixed(1)}%`
        : '  detection: no wider_face_bbx_gt.txt beside the photos',
      '',
    ].join('\n');
    return { json, text };
  } finally {
    library.close();
    await rm(libDir, { recursive: true, force: true });
  }
}
