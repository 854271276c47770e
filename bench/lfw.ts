// `kith bench lfw`: verification on an LFW-layout folder through the app's own
// decode → detect → align → embed path, scored with the k-fold protocol of pairs.txt.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RgbImage } from '../ml/align/warp.ts';
import { measuresNoise, slackOf } from '../ml/embed/noise.ts';
import { quantizeInt8, squaredL2Int8 } from '../ml/embed/quantize.ts';
import { squaredL2 } from '../ml/embed/vector.ts';
import { decodeImage } from '../ml/image/decode.ts';
import { type Degrade, decodeDegraded } from '../ml/image/degrade.ts';
import { MODELS } from '../ml/models/manifest.ts';
import { createPipeline, type KithPipeline, type PipelineOptions } from '../ml/pipeline.ts';
import type { DetectedFace } from '../ml/types.ts';
import { projectedPairs } from './project.ts';
import { evaluateFolds, lfwImagePath, parsePairs, type ScoredPair } from './verify/lfw-protocol.ts';

/** The face an LFW image is about: the one nearest the centre, larger faces preferred. */
export function pickCentralFace(
  faces: readonly DetectedFace[],
  width: number,
  height: number,
): DetectedFace | null {
  let best: DetectedFace | null = null;
  let bestScore = -Infinity;
  for (const f of faces) {
    const dx = f.box.x + f.box.w / 2 - width / 2;
    const dy = f.box.y + f.box.h / 2 - height / 2;
    const score = Math.sqrt(f.box.w * f.box.h) - Math.hypot(dx, dy);
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  return best;
}

export interface BenchImageOptions extends PipelineOptions {
  /** Shrink and JPEG-compress every image in memory before the pipeline sees it (`--degrade`). */
  degrade?: Degrade | undefined;
  /** Also score the embedding PCA-projected to this many dimensions, int8 (cross-fitted). */
  project?: number | undefined;
  /**
   * k of the noise slack, d' = d − k·(noise_a + noise_b) (ml/embed/noise.ts); default the
   * embedder's calibrated `noiseSlack`, 0 = plain distances.
   */
  noiseSlack?: number | undefined;
}

/** The noise slack a benchmark applies: the option, else the embedder's manifest value, else 0. */
export function benchNoiseSlack(options: BenchImageOptions, embedderId: string): number {
  return options.noiseSlack ?? MODELS.find((m) => m.id === embedderId)?.noiseSlack ?? 0;
}

/**
 * Embeds the central face of each image (LFW layout: one labelled face per image, near the
 * centre) through the app's own detect → 5 points → align → embed path.
 */
export async function embedCentralFaces(
  dataDir: string,
  files: readonly string[],
  options: BenchImageOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<{
  pipeline: { id: string; embedderId: string };
  embeddings: Map<string, Float32Array>;
  /** Measured noise per file (0 where not measured). */
  noise: Map<string, number>;
  noFace: number;
}> {
  const pipeline: KithPipeline = await createPipeline(options);
  const embeddings = new Map<string, Float32Array>();
  const noise = new Map<string, number>();
  let noFace = 0;
  try {
    for (const [i, file] of files.entries()) {
      const path = join(dataDir, file);
      const img = options.degrade ? await decodeDegraded(path, options.degrade) : await decodeImage(path);
      const rgb: RgbImage = { data: img.data, width: img.width, height: img.height };
      // Retry once with a permissive threshold so that hard images still get their best candidate.
      let face = pickCentralFace(await pipeline.detectFaces(rgb, { minFaceSize: 20 }), rgb.width, rgb.height);
      face ??= pickCentralFace(
        await pipeline.detectFaces(rgb, { minFaceSize: 20, scoreThreshold: 0.3 }),
        rgb.width,
        rgb.height,
      );
      if (face) {
        // As a scan would: noise measured on small photos unless they are good-quality JPEGs.
        const measureNoise = measuresNoise(Math.max(img.originalWidth, img.originalHeight), img.jpegQuality);
        const analysed = await pipeline.embedFace(rgb, face, { measureNoise });
        embeddings.set(file, analysed.embedding);
        noise.set(file, analysed.noise ?? 0);
      } else noFace++;
      onProgress?.(i + 1, files.length);
    }
  } finally {
    await pipeline.close();
  }
  return { pipeline: { id: pipeline.id, embedderId: pipeline.embedderId }, embeddings, noise, noFace };
}

export interface LfwBenchResult {
  pipeline: string;
  embedder: string;
  /** The `--degrade` applied to every image, when one was. */
  degrade?: Degrade;
  images: number;
  /** Images where no face was found even at a low threshold (their pairs count as errors). */
  no_face: number;
  /** k of the noise slack the distances forgave (0 = plain distances; the projected form: plain). */
  noise_slack: number;
  accuracy: number;
  accuracy_se: number;
  tar_at_far_0_001: number;
  threshold: number;
  int8: { accuracy: number; accuracy_se: number; tar_at_far_0_001: number; threshold: number };
  /** With `--project N`: the N-byte form, each fold projected by a PCA fitted on the other folds. */
  projected?: {
    dim: number;
    accuracy: number;
    accuracy_se: number;
    tar_at_far_0_001: number;
    threshold: number;
  };
  faces_per_second: number;
  seconds: number;
}

export async function benchLfw(
  dataDir: string,
  options: BenchImageOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<LfwBenchResult> {
  const { folds, pairs } = parsePairs(await readFile(join(dataDir, 'pairs.txt'), 'utf8'));
  const files = [
    ...new Set(pairs.flatMap((p) => [lfwImagePath(p.a.name, p.a.index), lfwImagePath(p.b.name, p.b.index)])),
  ];
  const start = performance.now();
  const { pipeline, embeddings, noise, noFace } = await embedCentralFaces(
    dataDir,
    files,
    options,
    onProgress,
  );
  const seconds = (performance.now() - start) / 1000;
  const k = benchNoiseSlack(options, pipeline.embedderId);
  const indexOf = new Map(files.map((f, i) => [f, i]));
  const slacks = slackOf(
    Float32Array.from(files, (f) => noise.get(f) ?? 0),
    k,
  );
  const slack = (file: string): number => slacks[indexOf.get(file)!]!;
  const score = (dist: (a: Float32Array, b: Float32Array) => number): ScoredPair[] =>
    pairs.map((p) => {
      const fa = lfwImagePath(p.a.name, p.a.index);
      const fb = lfwImagePath(p.b.name, p.b.index);
      const a = embeddings.get(fa);
      const b = embeddings.get(fb);
      return {
        fold: p.fold,
        same: p.same,
        distance: a && b ? dist(a, b) - slack(fa) - slack(fb) : Number.NaN,
      };
    });
  const f = evaluateFolds(score(squaredL2), folds);
  const q = evaluateFolds(
    score((a, b) => squaredL2Int8(quantizeInt8(a), quantizeInt8(b))),
    folds,
  );
  const pr = options.project
    ? evaluateFolds(projectedPairs(pairs, embeddings, options.project), folds)
    : null;
  return {
    pipeline: pipeline.id,
    embedder: pipeline.embedderId,
    ...(options.degrade ? { degrade: options.degrade } : {}),
    images: files.length,
    no_face: noFace,
    noise_slack: k,
    accuracy: f.accuracy,
    accuracy_se: f.accuracySe,
    tar_at_far_0_001: f.tarAtFar001,
    threshold: f.threshold,
    int8: {
      accuracy: q.accuracy,
      accuracy_se: q.accuracySe,
      tar_at_far_0_001: q.tarAtFar001,
      threshold: q.threshold,
    },
    ...(pr && options.project
      ? {
          projected: {
            dim: options.project,
            accuracy: pr.accuracy,
            accuracy_se: pr.accuracySe,
            tar_at_far_0_001: pr.tarAtFar001,
            threshold: pr.threshold,
          },
        }
      : {}),
    faces_per_second: (files.length - noFace) / seconds,
    seconds,
  };
}
